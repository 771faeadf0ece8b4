"""Scopes: a unit of work commits or rolls back whole; a command's connection commits each statement."""

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


def test_a_command_connection_commits_each_statement_and_leaves_the_pool_as_it_was(db: Database) -> None:
    before = workspaces(db)
    with pytest.raises(RuntimeError), db.connection() as connection:
        connection.execute(insert(Workspace).values(team_id="T0AUTO", settings={}))
        assert workspaces(db) == before + 1  # visible to another connection at once
        raise RuntimeError("boom")
    assert workspaces(db) == before + 1  # nothing to roll back
    for _ in range(3):  # the pooled connections are transactional again
        with pytest.raises(RuntimeError), db.session() as session:
            session.execute(insert(Workspace).values(team_id="T0AFTER", settings={}))
            raise RuntimeError("boom")
    assert workspaces(db) == before + 1
