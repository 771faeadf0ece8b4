"""Shared fixtures: a migrated database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set), a fake
Slack Web API on 127.0.0.1, a controllable clock, and the real WSGI app driven by signed requests.

Time, one way throughout: the app reads "now" from the clock it is given (`Deps.clock`), and domain
code takes `now` as a parameter, so tests set and advance the `clock` fixture instead of sleeping or
patching the system clock. (Slack's request signatures carry real timestamps, as Slack's do.)
The tree mirrors the code: tests/domain, tests/services, tests/views, tests/listeners, tests/jobs."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, exc, text
from sqlalchemy.pool import NullPool

from bot import jobs
from bot.deps import Deps, InlineExecutor
from bot.web import create_wsgi_app
from config.settings import Settings
from fakeslack import FakeSlack
from fakeslack.payloads import SlackSender, WSGITransport
from storage.db import Database, normalize_url
from storage.models import Base

SIGNING_SECRET = "test-signing-secret-0123456789"
BOT_TOKEN = "xoxb-test-0000-rapport"
TEAM = "T0001"


class Clock:
    """The app's notion of now; tests move it forward instead of sleeping."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now

    def set(self, at: datetime) -> datetime:
        self.now = at
        return at

    def sleep(self, seconds: float) -> None:
        """What the app waits for (Slack's pace) passes at once."""
        self.now += timedelta(seconds=seconds)


@pytest.fixture(scope="session")
def _template_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        db = Database(url)
        with db.engine.begin() as connection:
            Base.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.upgrade()
        db.dispose()
        return url
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    db.dispose()
    return str(path)


@pytest.fixture
def db(_template_db: str, tmp_path: Path) -> Iterator[Database]:
    if os.environ.get("TEST_DATABASE_URL"):
        database = Database(_template_db)
        yield database
        tables = ", ".join(t.name for t in reversed(Base.metadata.sorted_tables))
        with database.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        database.dispose()
    else:
        path = tmp_path / "rapport.db"
        shutil.copy(_template_db, path)
        database = Database(f"sqlite:///{path}")
        yield database
        database.dispose()


@pytest.fixture
def scratch_url(tmp_path: Path) -> Iterator[str]:
    """An empty database of the test run's kind, to migrate step by step."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    server = create_engine(normalize_url(base), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    name = "rapport_test_migrations"
    try:
        with server.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
    except exc.DBAPIError as error:
        pytest.skip(f"cannot create a scratch database on the test server: {error.orig}")
    yield server.url.set(database=name).render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    server.dispose()


@pytest.fixture
def clock() -> Clock:
    # A Tuesday, 10:00 in Amsterdam: inside default working hours.
    return Clock(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeSlack]:
    # Slack's clock is the app's: message timestamps and the claim times the outbox looks back to agree.
    server = FakeSlack(team_id=TEAM, bot_token=BOT_TOKEN, clock=lambda: clock.now.timestamp()).start()
    server.add_user(
        "U01LEAD001", name="lena", real_name="Lena Lead", email="lena@agency.example", tz="Europe/Amsterdam"
    )
    server.add_user(
        "U01PART001",
        name="piet",
        real_name="Piet Partner",
        email="piet@agency.example",
        tz="Europe/Amsterdam",
    )
    server.add_user(
        "U01NYC0001", name="nora", real_name="Nora NYC", email="nora@agency.example", tz="America/New_York"
    )
    yield server
    server.stop()


def make_settings(fake: FakeSlack, db: Database, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": BOT_TOKEN,
        "signing_secret": SIGNING_SECRET,
        "database_url": db.url,
        "slack_api_url": fake.url,
        "process_before_response": True,
        "token_verification": False,
    }
    values.update(overrides)
    return Settings(**values)


@dataclass
class Rapport:
    """The running app as a test sees it: send Slack's requests, run the clock, read the fake."""

    deps: Deps
    wsgi: Any
    slack: SlackSender
    http: WSGITransport
    fake: FakeSlack
    clock: Clock

    def tick(self) -> dict[str, Any]:
        return jobs.tick(self.deps, self.clock.now, worker="test")


@pytest.fixture
def rapport(fake: FakeSlack, db: Database, clock: Clock) -> Rapport:
    settings = make_settings(fake, db)
    wsgi = create_wsgi_app(settings, db=db, clock=clock, listener_executor=InlineExecutor())
    wsgi.deps.sleep = clock.sleep
    transport = WSGITransport(wsgi)
    sender = SlackSender(
        signing_secret=SIGNING_SECRET,
        transport=transport,
        team_id=TEAM,
        response_url_for=fake.response_url,
        trigger_id_for=fake.issue_trigger_id,
    )
    return Rapport(wsgi.deps, wsgi, sender, transport, fake, clock)
