"""The scratch database a benchmark fills: a new SQLite file, or the database given with
--database-url, emptied of every table (and Alembic's record of them) first; then migrated, as
`python -m bot db upgrade` does."""

from __future__ import annotations

from sqlalchemy import text

from storage.db import Database
from storage.models import Base


def database(url: str) -> Database:
    db = Database(url)
    if db.engine.dialect.name != "sqlite":  # a server's database may hold an earlier run's rows
        with db.engine.begin() as connection:
            Base.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.upgrade()
    return db
