"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL."""

from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, insert, inspect, select

from storage.db import Database, alembic_config
from storage.models import Base, OutboxMessage


def test_the_migrated_schema_matches_the_models(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_queued_prompt_edits_are_drawn_when_sent_after_0003(scratch_url: str) -> None:
    """Edits queued before 0003 carried their drawing; after it they are kinds that draw when sent."""
    command.upgrade(alembic_config(scratch_url), "0002")
    database = Database(scratch_url)
    at = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    with database.engine.begin() as connection:
        old = MetaData()
        old.reflect(connection)  # the tables as they were at 0002
        tables = old.tables

        def add(table: str, **row: object) -> None:
            connection.execute(insert(tables[table]).values(team_id="T1", **row))

        add("workspaces", locale="en", settings={}, installed_at=at)
        add(
            "staff",
            slack_user_id="U1",
            work_days="mon-fri",
            work_start="09:00",
            work_end="17:30",
            created_at=at,
        )
        add("clients", name="Acme", name_key="acme", status="active", created_at=at, updated_at=at)
        for n, status in ((1, "expired"), (2, "reminded")):
            tp = dict(
                client_id=1, staff_id=1, kind="call", title=f"Call {n}", source="manual", cancelled=False
            )
            add("touchpoints", **tp, happened_at=at, created_at=at)
            add("prompts", touchpoint_id=n, staff_id=1, client_id=1, status=status, due_at=at, created_at=at)
            add(
                "outbox",
                kind="update",
                method="chat.update",
                channel="D1",
                payload={"ts": f"1.{n}", "text": "drawn when queued"},
                respect_working_hours=False,
                not_before=at,
                status="pending",
                attempts=0,
                ref_type="prompt",
                ref_id=n,
                created_at=at,
            )
    database.upgrade()
    with database.engine.connect() as connection:
        kinds = connection.exec_driver_sql("SELECT ref_id, kind FROM outbox ORDER BY ref_id").all()
        columns = {c["name"] for c in inspect(connection).get_columns("outbox")}
    assert [tuple(row) for row in kinds] == [(1, "prompt_expired"), (2, "prompt_moved")]
    assert "method" not in columns
    database.dispose()


def test_0004_keeps_claimed_rows_as_they_were_and_goes_back(scratch_url: str) -> None:
    """A row claimed before 0004 has no claim end; the outbox gives it the five minutes it was made under."""
    command.upgrade(alembic_config(scratch_url), "0003")
    database = Database(scratch_url)
    at = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    with database.engine.begin() as connection:
        old = MetaData()
        old.reflect(connection)
        connection.execute(
            insert(old.tables["outbox"]).values(
                team_id="T1",
                kind="prompt",
                channel="U1",
                payload={},
                respect_working_hours=True,
                not_before=at,
                status="sending",
                attempts=0,
                claimed_at=at,
                claimed_by="old-clock",
                created_at=at,
            )
        )
    database.upgrade()
    with database.session() as session:
        row = session.scalars(select(OutboxMessage)).one()
        assert (row.status, row.claimed_at, row.claimed_until, row.in_doubt_since) == (
            "sending",
            at,
            None,
            None,
        )
    command.downgrade(alembic_config(scratch_url), "0003")
    with database.engine.connect() as connection:
        outbox = {c["name"] for c in inspect(connection).get_columns("outbox")}
        attempts = {c["name"] for c in inspect(connection).get_columns("send_attempts")}
    assert not {"claimed_until", "in_doubt_since"} & outbox and "note" not in attempts
    database.dispose()


def test_0007_gives_everyone_the_standard_intensity_and_goes_back(scratch_url: str) -> None:
    """People already there keep the reminders they had; going back removes the column."""
    command.upgrade(alembic_config(scratch_url), "0006")
    database = Database(scratch_url)
    at = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
    with database.engine.begin() as connection:
        old = MetaData()
        old.reflect(connection)
        connection.execute(
            insert(old.tables["workspaces"]).values(team_id="T1", locale="en", settings={}, installed_at=at)
        )
        connection.execute(
            insert(old.tables["staff"]).values(
                team_id="T1",
                slack_user_id="U1",
                work_days="mon-fri",
                work_start="09:00",
                work_end="17:30",
                created_at=at,
            )
        )
    database.upgrade()
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT intensity FROM staff").scalar_one() == "standard"
    command.downgrade(alembic_config(scratch_url), "0006")
    with database.engine.connect() as connection:
        assert "intensity" not in {c["name"] for c in inspect(connection).get_columns("staff")}


def test_0005_keeps_queued_rows_keyless_and_goes_back(scratch_url: str) -> None:
    """Rows queued before 0005 have no key and no bundle, and several of one kind live side by side."""
    command.upgrade(alembic_config(scratch_url), "0004")
    database = Database(scratch_url)
    at = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    with database.engine.begin() as connection:
        old = MetaData()
        old.reflect(connection)
        for channel in ("U1", "U2"):
            connection.execute(
                insert(old.tables["outbox"]).values(
                    team_id="T1",
                    kind="prompt",
                    channel=channel,
                    payload={},
                    respect_working_hours=True,
                    not_before=at,
                    status="pending",
                    attempts=0,
                    created_at=at,
                )
            )
    database.upgrade()
    with database.session() as session:
        queued = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        assert [(row.channel, row.key, row.bundle_id) for row in queued] == [
            ("U1", None, None),
            ("U2", None, None),
        ]
    command.downgrade(alembic_config(scratch_url), "0004")
    with database.engine.connect() as connection:
        outbox = {c["name"] for c in inspect(connection).get_columns("outbox")}
        tables = set(inspect(connection).get_table_names())
        count = connection.exec_driver_sql("SELECT count(*) FROM outbox").scalar()
    assert not {"key", "bundle_id"} & outbox and "send_pace" not in tables and count == 2
    database.dispose()
