"""A nudge has a key (workspace, kind, subject, stage): asked for twice, by one clock or two, it is
queued once and sent once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.jobs import outbox
from bot.services import outbox as outbox_service
from storage.models import OutboxMessage
from tests.factories import add_client

DUE = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def note_kind() -> Iterator[str]:
    kind = outbox.Kind("test_key_note", lambda session, message: {"text": f"About {message.key}"})
    outbox.register(kind)
    yield kind.name
    outbox.KINDS.pop(kind.name, None)


def queue(db, kind: str, key: tuple[str, str], team: str = "T0001") -> outbox_service.Queued:
    with db.session() as session:
        return outbox_service.enqueue(
            session,
            team_id=team,
            kind=kind,
            channel="C0FOLLOW",
            not_before=DUE,
            respect_working_hours=False,
            key=key,
        )


def rows(db) -> list[OutboxMessage]:
    with db.session() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_nudge_queued_twice_is_one_row_and_the_second_call_says_so(db, note_kind):
    first = queue(db, note_kind, ("followup:42", "reminder-2"))
    second = queue(db, note_kind, ("followup:42", "reminder-2"))

    assert first.new and not second.new
    assert second.message.id == first.message.id
    [row] = rows(db)
    assert (row.key, row.team_id, row.kind, row.status) == (
        "followup:42/reminder-2",
        "T0001",
        note_kind,
        "pending",
    )


def test_the_same_call_twice_in_one_transaction_is_one_row(db, note_kind):
    with db.session() as session:
        calls = [
            outbox_service.enqueue(
                session,
                team_id="T0001",
                kind=note_kind,
                channel="C0FOLLOW",
                not_before=DUE,
                key=("contact:7", "quiet-14d"),
            )
            for _ in range(2)
        ]
    assert [call.new for call in calls] == [True, False]
    assert calls[0].message is calls[1].message
    assert len(rows(db)) == 1


def test_another_stage_subject_kind_or_workspace_is_another_nudge(db, note_kind):
    other = outbox.Kind("test_key_other", lambda session, message: {"text": "other"})
    outbox.register(other)
    try:
        made = [
            queue(db, note_kind, ("followup:42", "reminder-1")),
            queue(db, note_kind, ("followup:42", "reminder-2")),
            queue(db, note_kind, ("followup:43", "reminder-1")),
            queue(db, other.name, ("followup:42", "reminder-1")),
            queue(db, note_kind, ("followup:42", "reminder-1"), team="T0002"),
        ]
    finally:
        outbox.KINDS.pop(other.name, None)
    assert all(queued.new for queued in made)
    assert len(rows(db)) == 5


def test_messages_without_a_key_are_never_the_same_row(db, note_kind):
    for _ in range(2):
        with db.session() as session:
            message = outbox_service.enqueue(
                session, team_id="T0001", kind=note_kind, channel="C0FOLLOW", not_before=DUE
            )
            assert isinstance(message, OutboxMessage) and message.key is None
    assert len(rows(db)) == 2


@pytest.mark.parametrize(
    "key", [("followup:42", "a/b"), ("", "reminder-1"), ("followup:42", ""), ("x" * 200, "reminder-1")]
)
def test_a_key_that_could_read_as_another_is_refused(db, note_kind, key):
    with pytest.raises(ValueError):
        queue(db, note_kind, key)
    assert rows(db) == []


def test_two_clocks_asking_for_the_same_nudge_at_once_queue_it_once(db, note_kind):
    """Each clock in its own transaction, all at the same moment: one row, and only one hears it is new."""
    clocks = 4
    start = threading.Barrier(clocks)
    answers: list[bool] = []
    errors: list[BaseException] = []

    def clock() -> None:
        try:
            with db.session() as session:
                start.wait(timeout=5)
                answers.append(
                    outbox_service.enqueue(
                        session,
                        team_id="T0001",
                        kind=note_kind,
                        channel="C0FOLLOW",
                        not_before=DUE,
                        key=("followup:42", "due"),
                    ).new
                )
        except BaseException as error:  # handed to the test below
            errors.append(error)

    threads = [threading.Thread(target=clock) for _ in range(clocks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(answers) == [False] * (clocks - 1) + [True]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_twice_queued_once_sent_and_asking_again_later_sends_nothing(rapport, db, note_kind):
    add_client(db, "Acme")
    queue(db, note_kind, ("followup:42", "due"))
    queue(db, note_kind, ("followup:42", "due"))

    assert rapport.tick()["sent"] == 1

    again = queue(db, note_kind, ("followup:42", "due"))  # a job that runs twice, or a second clock
    assert not again.new and again.message.status == "sent"
    assert rapport.tick()["sent"] == 0
    assert [m["text"] for m in rapport.fake.messages("C0FOLLOW")] == ["About followup:42/due"]
