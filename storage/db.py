"""Engine, sessions and the session scope. Code that uses data receives a session; it never opens one."""

from __future__ import annotations

import contextlib
import select
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc, text
from sqlalchemy.orm import Session, sessionmaker

from storage import words  # noqa: F401  # registers the hook that keeps the client word index

ROOT = Path(__file__).resolve().parent.parent


def normalize_url(url: str) -> str:
    """Accept the URLs hosting platforms hand out (postgres://) and use the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


# How long a statement may wait for the database (a lock, a connection) before giving up. The clock
# can wait; a web request must answer Slack within 3 seconds, so the web process waits less.
PATIENCE = 10.0
REQUEST_PATIENCE = 2.0


def _sqlite_pragmas(patience: float) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # WAL lets the web and clock processes read while one writes; the busy timeout makes a
        # writer wait that long for the lock instead of failing at once.
        cursor = dbapi_connection.cursor()
        # A database that cannot be written yet keeps its journal mode; reads still work.
        with contextlib.suppress(sqlite3.OperationalError):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(patience * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return on_connect


def make_engine(url: str, *, patience: float = PATIENCE, **kwargs: Any) -> Engine:
    url = normalize_url(url)
    if url.startswith("sqlite"):
        connect_args: dict[str, Any] = {"check_same_thread": False, "timeout": patience}
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas(patience))
    else:
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 10)
        kwargs.setdefault("pool_timeout", patience)
        waits = int(patience * 1000)
        connect_args = {
            "connect_timeout": str(max(1, round(patience))),
            # a lock or a statement that takes longer is cancelled: the caller hears of it in time
            "options": f"-c lock_timeout={waits} -c statement_timeout={waits + 1000}",
        }
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        if not kwargs.get("pool_pre_ping"):
            event.listen(engine, "checkout", _drop_if_closed_by_server)
    event.listen(engine, "handle_error", _drop_if_read_only)
    return engine


def _drop_if_read_only(context: Any) -> None:
    """A connection opened while the database could not be written stays read-only: drop it, so the
    next one is opened afresh and writes work again as soon as the database can take them."""
    if "readonly database" in str(context.original_exception) or "read-only transaction" in str(
        context.original_exception
    ):
        context.is_disconnect = True


def unavailable(error: BaseException) -> bool:
    """The database could not do it now (locked, read-only, unreachable, too slow), as opposed to
    a mistake in what was asked: worth telling the person to try again."""
    return isinstance(error, (exc.OperationalError, exc.InterfaceError, exc.TimeoutError)) or bool(
        getattr(error, "connection_invalidated", False)
    )


def _drop_if_closed_by_server(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Before a pooled PostgreSQL connection is handed out: is it still open at the server's end?

    A server that ends a connection (a restart, an idle timeout, a proxy) sends a last message and
    closes it, which leaves an idle connection's socket readable. Looking costs a few microseconds
    where SQLAlchemy's pre-ping costs a round trip to the server on every checkout; a connection that
    fails the look is dropped, and the pool hands out a new one instead.
    """
    if getattr(dbapi_connection, "closed", False) or getattr(dbapi_connection, "broken", False):
        raise exc.DisconnectionError("the connection was closed")
    pgconn = getattr(dbapi_connection, "pgconn", None)
    if pgconn is None:  # another driver: nothing cheap to look at
        return
    try:
        readable, _, _ = select.select([pgconn.socket], [], [], 0)
    except Exception as error:  # the socket itself is gone (the driver raises its own error then)
        raise exc.DisconnectionError(str(error)) from error
    if readable:
        raise exc.DisconnectionError("the server closed the connection or sent something unasked")


class Database:
    def __init__(self, url: str, engine: Engine | None = None, *, patience: float = PATIENCE) -> None:
        self.url = normalize_url(url)
        self.engine = engine or make_engine(self.url, patience=patience)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back if it raises."""
        session = self.sessionmaker()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def writable(self) -> bool:
        """Whether the database takes writes now: a write that changes nothing, rolled back."""
        with self.engine.connect() as connection, connection.begin() as transaction:
            connection.execute(text("UPDATE job_runs SET name = name WHERE 1 = 0"))
            transaction.rollback()
        return True

    def upgrade(self) -> None:
        """Bring the schema to the newest Alembic revision."""
        from alembic import command

        command.upgrade(alembic_config(self.url), "head")

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "storage" / "migrations"))
    cfg.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    cfg.attributes["configure_logger"] = False
    return cfg
