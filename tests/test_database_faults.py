"""A busy or broken database: every request still answers within Slack's 3 seconds, says nothing was
saved and keeps what the person typed; the web process recovers by itself, and /healthz tells."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from bot.deps import InlineExecutor
from bot.web import create_wsgi_app
from fakeslack.payloads import SlackSender, WSGITransport
from storage.db import REQUEST_PATIENCE, Database
from storage.models import CheckIn
from tests.conftest import SIGNING_SECRET, TEAM, make_settings
from tests.factories import USER, add_client

SLACK_DEADLINE = 3.0


def web_app(fake: Any, url: str, clock: Any, **db_options: Any) -> tuple[Any, SlackSender, Database]:
    """The web process as production builds it: its own engine, with the request patience."""
    db = Database(url, patience=REQUEST_PATIENCE, **db_options)
    wsgi = create_wsgi_app(make_settings(fake, db), db=db, clock=clock, listener_executor=InlineExecutor())
    sender = SlackSender(
        signing_secret=SIGNING_SECRET,
        transport=WSGITransport(wsgi),
        team_id=TEAM,
        response_url_for=fake.response_url,
        trigger_id_for=fake.issue_trigger_id,
    )
    return wsgi, sender, db


def checkins(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(CheckIn)) or 0


def timed(call: Any) -> tuple[Any, float]:
    started = time.monotonic()
    answer = call()
    return answer, time.monotonic() - started


def sqlite_only(db: Database) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite's write lock and read-only files")


def test_a_locked_database_answers_in_time_keeps_the_text_and_saves_later(fake, db, clock):
    sqlite_only(db)
    add_client(db, "Acme")
    _, slack, web_db = web_app(fake, db.url, clock)
    holder = sqlite3.connect(db.url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process is writing, for longer than Slack waits
    try:
        answer, took = timed(lambda: slack.command("/feeling", "acme 4 great kickoff", user=USER))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert answer.status == 200 and took < SLACK_DEADLINE
    text = answer.json()["text"]
    assert "nothing was saved" in text and "/feeling acme 4 great kickoff" in text
    assert checkins(db) == 0
    assert slack.command("/feeling", "acme 4 great kickoff", user=USER).json()["text"].startswith("🙂 Happy")
    assert checkins(db) == 1
    web_db.dispose()


def test_a_form_sent_while_the_database_is_locked_stays_open_with_its_entries(fake, db, clock):
    sqlite_only(db)
    client_id = add_client(db, "Acme")
    _, slack, web_db = web_app(fake, db.url, clock)
    slack.command("/feeling", "", user=USER)
    view = fake.calls_to("views.open")[-1].args["view"]
    holder = sqlite3.connect(db.url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        option = {"text": {"type": "plain_text", "text": "Acme"}, "value": str(client_id)}
        answer, took = timed(lambda: slack.submit(view, user=USER, answers={"client": option, "score": "5"}))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert answer.status == 200 and took < SLACK_DEADLINE
    assert answer.json()["response_action"] == "errors"  # the form stays open, entries and all
    assert "Nothing was saved" in next(iter(answer.json()["errors"].values()))
    assert checkins(db) == 0
    web_db.dispose()


def test_a_database_that_was_read_only_at_start_recovers_and_health_says_so(fake, db, clock):
    sqlite_only(db)
    add_client(db, "Acme")
    read_only = {"now": True}
    wsgi, slack, web_db = web_app(fake, db.url, clock)

    # Connections opened while the file cannot be written stay read-only, as SQLite's do.
    @event.listens_for(web_db.engine, "connect")
    def opened(dbapi_connection: Any, _record: Any) -> None:
        if read_only["now"]:
            dbapi_connection.execute("PRAGMA query_only=ON")

    http = WSGITransport(wsgi)
    health = http.get("/healthz")
    assert health.status == 503 and "readonly" in health.json()["reason"]
    answer = slack.command("/feeling", "acme 4 went well", user=USER)
    assert "nothing was saved" in answer.json()["text"]
    read_only["now"] = False  # the disk can be written again; nobody restarts the process
    assert http.get("/healthz").status == 200
    assert slack.command("/feeling", "acme 4 went well", user=USER).json()["text"].startswith("🙂 Happy")
    assert checkins(db) == 1
    web_db.dispose()


# --- PostgreSQL stopped, then started again --------------------------------------------------------


def _pg_bin() -> str | None:
    """Where PostgreSQL's server programs are (Debian keeps them per version), if anywhere."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    initdb = found[-1] if found else shutil.which("initdb")
    return str(Path(initdb).parent) if initdb else None


class PrivateServer:
    """A PostgreSQL server of the test's own, on a free port of 127.0.0.1, that it may stop."""

    def __init__(self, bin_dir: str) -> None:
        self.bin = bin_dir
        self.dir = tempfile.mkdtemp(prefix="rapport-pg-faults-")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.as_postgres = os.geteuid() == 0  # the server refuses to run as root
        if self.as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")
        self.run("initdb", "-D", f"{self.dir}/data", "-U", "rapport", "--auth=trust", "-E", "UTF8")
        self.start()
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "rapport", "faults")
        self.url = f"postgresql+psycopg://rapport@127.0.0.1:{self.port}/faults"

    def run(self, tool: str, *args: str) -> None:
        command = [f"{self.bin}/{tool}", *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run("pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/log", "-w", "-o", options, "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", f"{self.dir}/data", "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.run("pg_ctl", "-D", f"{self.dir}/data", "-m", "immediate", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def private_postgres() -> Iterator[PrivateServer]:
    bin_dir = _pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL's server programs are not installed here (.ci/run installs them)")
    server = PrivateServer(bin_dir)
    yield server
    server.remove()


def test_a_stopped_postgresql_is_answered_in_time_and_a_restarted_one_used_again(
    fake, clock, private_postgres
):
    database = Database(private_postgres.url)
    database.upgrade()
    add_client(database, "Acme")
    wsgi, slack, web_db = web_app(fake, private_postgres.url, clock)
    http = WSGITransport(wsgi)
    assert slack.command("/feeling", "acme 4 first", user=USER).json()["text"].startswith("🙂 Happy")

    private_postgres.stop()
    answer, took = timed(lambda: slack.command("/feeling", "acme 5 during the outage", user=USER))
    assert answer.status == 200 and took < SLACK_DEADLINE
    assert (
        "nothing was saved" in answer.json()["text"] and "acme 5 during the outage" in answer.json()["text"]
    )
    health, took = timed(lambda: http.get("/healthz"))
    assert health.status == 503 and took < SLACK_DEADLINE

    private_postgres.start()  # back, and the web process was never restarted
    assert http.get("/healthz").status == 200
    assert slack.command("/feeling", "acme 5 after it", user=USER).json()["text"].startswith("🤩 Delighted")
    assert checkins(database) == 2
    web_db.dispose()
    database.dispose()
