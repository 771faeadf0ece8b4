"""Pooled PostgreSQL connections the server has ended are replaced before anyone gets them."""

from __future__ import annotations

import os
import socket
import time
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, exc, text
from sqlalchemy.pool import NullPool

from storage.db import Database, _drop_if_closed_by_server

needs_server = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="a server that ends connections: PostgreSQL only"
)


def backend_pid(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(text("SELECT pg_backend_pid()")))


def end_on_the_server(db: Database, pid: int) -> None:
    outside = create_engine(db.url, poolclass=NullPool)  # not one of the pool's own connections
    with outside.connect() as other:
        assert other.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        # The backend is gone once the server no longer lists it.
        for _ in range(100):
            if not other.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}):
                break
            time.sleep(0.01)
    outside.dispose()


@needs_server
def test_a_connection_the_server_ended_is_replaced_at_checkout(db: Database) -> None:
    first = backend_pid(db)
    assert backend_pid(db) == first  # a healthy connection is handed out again
    end_on_the_server(db, first)
    again = backend_pid(db)  # no error: the pool noticed and connected afresh
    assert again != first


def test_the_check_passes_an_idle_socket_and_drops_a_closed_one() -> None:
    ours, theirs = socket.socketpair()
    try:
        connection = SimpleNamespace(closed=False, broken=False, pgconn=SimpleNamespace(socket=ours.fileno()))
        _drop_if_closed_by_server(connection, None, None)  # nothing to read: still open
        theirs.close()
        with pytest.raises(exc.DisconnectionError):
            _drop_if_closed_by_server(connection, None, None)
        with pytest.raises(exc.DisconnectionError):
            _drop_if_closed_by_server(SimpleNamespace(closed=True), None, None)
    finally:
        ours.close()
