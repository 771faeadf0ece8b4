"""A unit of work commits or rolls back whole."""

import pytest
from sqlalchemy import func, insert, select

from storage.db import Database
from storage.models import Workspace


def workspaces(db: Database) -> int:
    with db.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(Workspace)) or 0


def test_a_unit_of_work_is_rolled_back_whole(db: Database) -> None:
    before = workspaces(db)
    with pytest.raises(RuntimeError), db.session() as session:
        session.execute(insert(Workspace).values(team_id="T0ROLLBACK", settings={}))
        raise RuntimeError("boom")
    assert workspaces(db) == before
