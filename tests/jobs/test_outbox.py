"""The outbox: every DM sent once, in the recipient's working hours, retried and recorded, never dropped."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.deps import SENDING_RATE_LIMIT_WAIT
from bot.jobs import outbox
from bot.services import outbox as outbox_service
from storage.models import (
    OutboxMessage,
    SendAttempt,
)
from tests.factories import add_client, dm, log_touchpoint


def test_prompt_waits_for_working_hours_in_users_time_zone(rapport, db, clock):
    clock.set(datetime(2026, 11, 24, 1, 0, tzinfo=UTC))  # 02:00 in Amsterdam
    log_touchpoint(rapport, db)
    assert rapport.tick()["deferred"] == 1
    assert dm(rapport.fake) == []
    with db.session() as session:
        assert session.scalars(select(OutboxMessage)).one().not_before == datetime(
            2026, 11, 24, 8, 0, tzinfo=UTC
        )
    clock.set(datetime(2026, 11, 24, 7, 59, tzinfo=UTC))
    assert rapport.tick()["sent"] == 0
    clock.set(datetime(2026, 11, 24, 8, 0, tzinfo=UTC))  # 09:00 Amsterdam
    assert rapport.tick()["sent"] == 1


def test_new_york_staff_are_asked_in_new_york_hours(rapport, db, clock):
    clock.set(datetime(2026, 11, 24, 10, 0, tzinfo=UTC))  # 05:00 in New York
    log_touchpoint(rapport, db, user="U01NYC0001")
    rapport.tick()
    assert dm(rapport.fake, "U01NYC0001") == []
    clock.set(datetime(2026, 11, 24, 14, 0, tzinfo=UTC))  # 09:00 in New York
    rapport.tick()
    assert len(dm(rapport.fake, "U01NYC0001")) == 1


def test_a_failed_send_is_retried_and_every_attempt_recorded(rapport, db, clock):
    log_touchpoint(rapport, db)
    rapport.fake.inject("chat.postMessage", status=500, times=1)
    counts = rapport.tick()
    assert counts["retried"] == 1 and counts["sent"] == 0
    clock.advance(minutes=1)
    assert rapport.tick()["sent"] == 1
    with db.session() as session:
        attempts = [a.ok for a in session.scalars(select(SendAttempt).order_by(SendAttempt.id))]
        outbox = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "prompt")).one()
    assert attempts == [False, True]
    assert (outbox.status, outbox.attempts) == ("sent", 2)


def test_rate_limited_send_honours_retry_after_and_goes_through(rapport, db):
    log_touchpoint(rapport, db)
    rapport.fake.inject("chat.postMessage", status=429, retry_after=1, times=1)
    assert rapport.tick()["sent"] == 1
    assert len(dm(rapport.fake)) == 1


def test_a_permanent_error_is_recorded_as_failed_not_dropped(rapport, db):
    log_touchpoint(rapport, db)
    rapport.fake.inject("chat.postMessage", error="account_inactive", times=1)
    assert rapport.tick()["failed"] == 1
    with db.session() as session:
        outbox = session.scalars(select(OutboxMessage)).one()
        assert (outbox.status, outbox.last_error) == ("failed", "account_inactive")


def test_a_row_claimed_by_another_worker_is_not_sent_again(rapport, db, clock):
    from storage import queries

    log_touchpoint(rapport, db)
    with db.session() as session:
        outbox_id = session.scalars(select(OutboxMessage.id)).one()
        assert queries.claim_outbox(session, outbox_id, "other-worker", clock.now, clock.now)
    assert rapport.tick()["sent"] == 0
    assert dm(rapport.fake) == []
    clock.advance(minutes=6)  # the other worker died: its claim goes stale and the row is sent once
    assert rapport.tick()["sent"] == 1
    assert rapport.tick()["sent"] == 0


# --- kinds: each says how it is drawn, how it is sent and what follows; the engine never changes ---


@pytest.fixture
def test_kind() -> Iterator[list[outbox.Kind]]:
    """Kinds a test registers, taken out again afterwards."""
    added: list[outbox.Kind] = []
    yield added
    for kind in added:
        outbox.KINDS.pop(kind.name, None)


def queue(db, kind: str, channel: str = "C0DIGEST", **payload) -> int:
    add_client(db, "Acme")  # makes the workspace
    with db.session() as session:
        message = outbox_service.enqueue(
            session,
            team_id="T0001",
            kind=kind,
            channel=channel,
            not_before=datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
            payload=payload,
            respect_working_hours=False,
        )
        return message.id


def test_a_kind_can_share_a_file_drawn_when_it_is_sent(rapport, db, test_kind):
    drawn_at = []

    def draw(session, message):
        drawn_at.append(message.id)
        return {
            "filename": "feelings.csv",
            "content": b"client,score\nAcme,4\n",
            "title": message.payload["title"],
        }

    after = []
    kind = outbox.Kind("test_file", draw, outbox.upload, lambda s, settings, m, now: after.append(m.id))
    outbox.register(kind)
    test_kind.append(kind)
    message_id = queue(db, "test_file", title="This week")
    assert rapport.tick()["sent"] == 1
    assert drawn_at == after == [message_id]
    [complete] = rapport.fake.calls_to("files.completeUploadExternal")
    assert complete.args["channel_id"] == "C0DIGEST"
    assert list(rapport.fake.uploaded_files.values()) == [b"client,score\nAcme,4\n"]
    with db.session() as session:
        row = session.get(OutboxMessage, message_id)
        assert (row.status, row.response_channel) == ("sent", "C0DIGEST")


def test_a_message_that_no_longer_needs_sending_is_cancelled_not_sent(rapport, db, test_kind):
    kind = outbox.Kind("test_stale", lambda session, message: None)
    outbox.register(kind)
    test_kind.append(kind)
    message_id = queue(db, "test_stale")
    assert rapport.tick()["cancelled"] == 1
    assert rapport.fake.calls == []
    with db.session() as session:
        assert session.get(OutboxMessage, message_id).status == "cancelled"


def test_a_kind_this_version_does_not_know_fails_loudly_and_stays_recorded(rapport, db, caplog):
    message_id = queue(db, "from_the_future")
    assert rapport.tick()["failed"] == 1
    with db.session() as session:
        row = session.get(OutboxMessage, message_id)
        assert (row.status, row.last_error) == ("failed", "unknown message kind 'from_the_future'")
    assert "failed for good" in caplog.text


# --- one row's failure is that row's: recorded on it, retried, and the batch goes on ---------------


def queue_beside(db, kind: str, channel: str = "C0DIGEST") -> int:
    """A message of `kind` queued after whatever is queued already (the workspace exists)."""
    with db.session() as session:
        return outbox_service.enqueue(
            session,
            team_id="T0001",
            kind=kind,
            channel=channel,
            not_before=datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
            respect_working_hours=False,
        ).id


def attempts_of(db, message_id: int) -> list[tuple[bool, str | None]]:
    with db.session() as session:
        rows = session.scalars(
            select(SendAttempt).where(SendAttempt.outbox_id == message_id).order_by(SendAttempt.id)
        )
        return [(a.ok, a.error) for a in rows]


def test_slack_unreachable_for_a_profile_is_recorded_on_that_row_and_the_batch_goes_on(
    rapport, db, clock, test_kind
):
    log_touchpoint(rapport, db)  # a prompt for someone whose time zone Rapport has yet to ask Slack for
    kind = outbox.Kind("test_note", lambda session, message: {"text": "Weekly note"})
    outbox.register(kind)
    test_kind.append(kind)
    note_id = queue_beside(db, "test_note")
    rapport.fake.inject("users.info", hang_up=True, times=2)  # the call and slack_sdk's one more try

    counts = rapport.tick()

    assert (counts["retried"], counts["sent"]) == (1, 1)
    assert [m["text"] for m in rapport.fake.messages("C0DIGEST")] == ["Weekly note"]
    with db.session() as session:
        prompt = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "prompt")).one()
        assert (prompt.status, prompt.attempts, prompt.claimed_at) == ("pending", 1, None)
        assert prompt.last_error.startswith("profile: URLError")
        assert prompt.not_before == clock.now + outbox.backoff(1)
        prompt_id = prompt.id
    [(ok, error)] = attempts_of(db, prompt_id)
    assert not ok and error == prompt.last_error
    assert attempts_of(db, note_id) == [(True, None)]

    clock.advance(minutes=1)  # Slack answers again: the prompt goes out
    assert rapport.tick()["sent"] == 1
    assert len(dm(rapport.fake)) == 1


def test_a_draw_that_raises_is_recorded_on_its_row_and_the_batch_goes_on(
    rapport, db, clock, test_kind, caplog
):
    def broken(session, message):
        raise RuntimeError("no such template")

    for kind in (outbox.Kind("test_broken", broken), outbox.Kind("test_note", lambda s, m: {"text": "hi"})):
        outbox.register(kind)
        test_kind.append(kind)
    broken_id = queue(db, "test_broken")
    note_id = queue_beside(db, "test_note")

    counts = rapport.tick()

    assert (counts["retried"], counts["sent"]) == (1, 1)
    with db.session() as session:
        row = session.get(OutboxMessage, broken_id)
        assert (row.status, row.last_error) == ("pending", "drawing: RuntimeError: no such template")
    assert attempts_of(db, broken_id) == [(False, "drawing: RuntimeError: no such template")]
    assert attempts_of(db, note_id) == [(True, None)]
    assert "no such template" in caplog.text  # with its traceback, for whoever fixes it

    for _ in range(rapport.deps.settings.outbox_max_attempts - 1):  # still broken: it fails for good, loudly
        clock.advance(hours=1)
        rapport.tick()
    with db.session() as session:
        assert session.get(OutboxMessage, broken_id).status == "failed"
    assert "failed for good" in caplog.text


def test_a_long_rate_limit_sends_the_row_back_to_the_queue_until_slack_says(rapport, db, clock):
    log_touchpoint(rapport, db)
    rapport.fake.inject("chat.postMessage", status=429, retry_after=300)
    started = time.monotonic()
    assert rapport.tick()["retried"] == 1
    assert time.monotonic() - started < SENDING_RATE_LIMIT_WAIT  # not slept through in the call
    with db.session() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "prompt")).one()
        assert (row.status, row.last_error) == ("pending", "ratelimited")
        assert row.not_before == clock.now + timedelta(seconds=300)  # later than the back-off's minute
    clock.advance(seconds=300)
    assert rapport.tick()["sent"] == 1
