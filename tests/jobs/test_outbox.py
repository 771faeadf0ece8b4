"""The outbox: every DM sent once, in the recipient's working hours, retried and recorded, never dropped."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot import deps as deps_module
from bot.deps import SENDING_RATE_LIMIT_WAIT
from bot.jobs import outbox
from bot.services import outbox as outbox_service
from bot.webclient import longest_call
from storage import queries
from storage.models import (
    OutboxMessage,
    SendAttempt,
)
from tests.factories import add_client, dm, log_touchpoint, prompt_row


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
    assert (outbox.status, outbox.attempts, outbox.in_doubt_since) == ("sent", 2, None)
    # A 500 does not say whether Slack kept the message: it was looked for before going again.
    assert len(rapport.fake.calls_to("conversations.history")) == 1
    assert len(dm(rapport.fake)) == 1


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
    log_touchpoint(rapport, db)
    lease = outbox.lease(outbox.KINDS["prompt"])
    with db.session() as session:
        outbox_id = session.scalars(select(OutboxMessage.id)).one()
        assert queries.claim_outbox(session, outbox_id, "other-worker", clock.now, clock.now + lease)
    assert rapport.tick()["sent"] == 0
    assert dm(rapport.fake) == []
    clock.advance(seconds=lease.total_seconds() - 1)
    assert rapport.tick()["sent"] == 0
    clock.advance(seconds=2)  # the other worker died before sending: its claim runs out, the row goes once
    assert rapport.tick()["sent"] == 1
    assert rapport.tick()["sent"] == 0
    assert rapport.fake.calls_to("conversations.history") == []  # it never began a send: nothing in doubt


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


# --- exactly once: a send whose outcome is unknown is looked up in Slack before it goes again ------


def first_row(db) -> OutboxMessage:
    with db.session() as session:
        return session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()


def died_sending(rapport, db, clock, *, reached_slack: bool) -> int:
    """The first queued row as a clock process leaves it that is killed in the middle of its send:
    claimed, held for sending, and posted to Slack or not, with nothing recorded after."""
    with db.session() as session:
        message = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
        kind = outbox.KINDS[message.kind]
        until = clock.now + outbox.lease(kind)
        assert queries.claim_outbox(session, message.id, "dead-clock", clock.now, until)
        assert queries.hold_for_sending(session, message.id, "dead-clock", clock.now, clock.now, until)
        session.refresh(message)
        content = kind.draw(session, message)
        assert content is not None
        if reached_slack:
            kind.send(rapport.deps.sender_for(message.team_id), message, content)
        return message.id


def after_the_claim_runs_out(clock, kind: str = "prompt") -> None:
    clock.advance(seconds=outbox.lease(outbox.KINDS[kind]).total_seconds() + 1)


def notes_of(db, message_id: int) -> list[tuple[bool, str | None, str | None]]:
    with db.session() as session:
        rows = session.scalars(
            select(SendAttempt).where(SendAttempt.outbox_id == message_id).order_by(SendAttempt.id)
        )
        return [(a.ok, a.error, a.note) for a in rows]


def test_every_post_carries_its_outbox_key_in_its_metadata(rapport, db):
    log_touchpoint(rapport, db)
    rapport.tick()
    [message] = dm(rapport.fake)
    row = first_row(db)
    assert message["metadata"] == {
        "event_type": "rapport_outbox",
        "event_payload": {"outbox_id": row.id, "team": "T0001"},
    }
    assert (row.status, row.in_doubt_since, row.claimed_until) == ("sent", None, row.claimed_until)


def test_the_claim_lasts_a_little_more_than_the_longest_send(rapport):
    sender = rapport.deps.sender_for("T0001")
    longest = longest_call(sender.timeout, sender.retry_handlers)
    assert outbox.LONGEST_CALL == timedelta(seconds=longest) == timedelta(seconds=82)
    assert outbox.lease(outbox.KINDS["prompt"]) == outbox.LONGEST_CALL + outbox.CLAIM_MARGIN  # 87 s
    # An upload: a DM opened, then files_upload_v2's three calls.
    assert outbox.lease(outbox.Kind("file", lambda s, m: {}, outbox.upload)) == 4 * outbox.LONGEST_CALL + (
        outbox.CLAIM_MARGIN
    )


def test_a_stale_row_slack_already_has_is_recorded_as_sent_without_a_second_post(rapport, db, clock):
    log_touchpoint(rapport, db)
    row_id = died_sending(rapport, db, clock, reached_slack=True)
    [posted] = dm(rapport.fake)
    assert rapport.tick()["found"] == 0  # its claim still holds: nobody touches it
    after_the_claim_runs_out(clock)

    counts = rapport.tick()

    assert (counts["found"], counts["sent"]) == (1, 0)
    assert len(rapport.fake.calls_to("chat.postMessage")) == 1
    [opened] = rapport.fake.calls_to("conversations.open")
    [history] = rapport.fake.calls_to("conversations.history")
    assert opened.args["users"] == "U01LEAD001" and history.args["channel"] == "D01LEAD001"
    assert history.args["include_all_metadata"] in (True, "true", "1")
    row = first_row(db)
    assert (row.status, row.response_channel, row.response_ts) == ("sent", "D01LEAD001", posted["ts"])
    assert (row.attempts, row.in_doubt_since) == (1, None)
    assert notes_of(db, row_id) == [(True, None, outbox.FOUND)]
    prompt = prompt_row(db)  # the kind's follow-up ran as for a send: the reminder is scheduled
    assert (prompt.status, prompt.message_ts) == ("sent", posted["ts"]) and prompt.remind_at is not None
    assert rapport.tick()["sent"] == 0


def test_a_stale_row_slack_does_not_have_is_sent_once(rapport, db, clock):
    log_touchpoint(rapport, db)
    row_id = died_sending(rapport, db, clock, reached_slack=False)
    after_the_claim_runs_out(clock)

    counts = rapport.tick()

    assert (counts["found"], counts["sent"]) == (0, 1)
    assert len(rapport.fake.calls_to("conversations.history")) == 1
    [message] = dm(rapport.fake)
    assert message["metadata"]["event_payload"]["outbox_id"] == row_id
    assert notes_of(db, row_id) == [(True, None, None)]
    assert rapport.tick()["sent"] == 0


@pytest.mark.parametrize(
    "fault, error",
    [
        ({"status": 429, "retry_after": 120}, "ratelimited"),
        ({"status": 500}, "fatal_error"),
        ({"hang_up": True, "times": 2}, "URLError: <urlopen error"),
    ],
    ids=["rate-limited", "server-error", "unreachable"],
)
def test_a_history_look_up_that_fails_is_recorded_and_retried_never_sent_blind(
    rapport, db, clock, fault, error
):
    log_touchpoint(rapport, db)
    row_id = died_sending(rapport, db, clock, reached_slack=True)
    after_the_claim_runs_out(clock)
    rapport.fake.inject("conversations.history", **fault)

    assert rapport.tick()["retried"] == 1

    assert len(rapport.fake.calls_to("chat.postMessage")) == 1  # the dead worker's, and no other
    row = first_row(db)
    assert (row.status, row.attempts) == ("pending", 1) and row.in_doubt_since is not None
    assert row.last_error.startswith(f"looking in Slack: {error}")
    [(ok, recorded, _note)] = notes_of(db, row_id)
    assert not ok and recorded == row.last_error
    assert row.not_before == clock.now + max(
        outbox.backoff(1), timedelta(seconds=fault.get("retry_after", 0))
    )

    clock.set(row.not_before)
    assert rapport.tick()["found"] == 1
    assert len(rapport.fake.calls_to("chat.postMessage")) == 1
    assert first_row(db).status == "sent"


def test_a_send_whose_answer_never_came_is_found_in_slack_not_sent_again(rapport, db, clock, monkeypatch):
    monkeypatch.setattr(deps_module, "SLACK_TIMEOUT", 1)  # the sending client gives up on Slack after 1 s
    log_touchpoint(rapport, db)
    rapport.fake.inject("chat.postMessage", delay=1.5)  # Slack keeps it, but answers too late

    assert rapport.tick()["retried"] == 1
    rapport.fake.wait_for("chat.postMessage")
    row = first_row(db)
    assert row.last_error.startswith("TimeoutError") and row.in_doubt_since is not None

    clock.advance(minutes=1)
    assert rapport.tick()["found"] == 1
    assert len(dm(rapport.fake)) == 1 and len(rapport.fake.calls_to("chat.postMessage")) == 1


def test_when_the_follow_up_fails_after_slack_has_the_message_it_is_found_not_posted_again(
    rapport, db, clock, test_kind
):
    followed: list[int] = []

    def follow_up(session, settings, message, now):
        followed.append(message.id)
        if len(followed) == 1:
            raise RuntimeError("lost the database for a moment")

    kind = outbox.Kind("test_note", lambda s, m: {"text": "hi"}, outbox.post, follow_up)
    outbox.register(kind)
    test_kind.append(kind)
    note_id = queue(db, "test_note")

    assert rapport.tick()["retried"] == 1
    assert first_row(db).last_error == "recording: RuntimeError: lost the database for a moment"
    clock.advance(minutes=1)
    assert rapport.tick()["found"] == 1

    assert followed == [note_id, note_id]
    assert len(rapport.fake.calls_to("chat.postMessage")) == 1


def test_a_worker_whose_claim_was_taken_over_does_not_send(rapport, db, clock, test_kind):
    taken = []

    def slow_draw(session, message):
        # Meanwhile this worker's claim ran out and another clock process took the row over.
        later = clock.now + outbox.lease(kind) + timedelta(seconds=1)
        with db.session() as other:
            taken.append(
                queries.claim_outbox(other, message.id, "other-clock", later, later + outbox.lease(kind))
            )
        return {"text": "hi"}

    kind = outbox.Kind("test_slow", slow_draw)
    outbox.register(kind)
    test_kind.append(kind)
    queue(db, "test_slow")

    assert rapport.tick()["sent"] == 0
    assert taken == [True]
    assert rapport.fake.calls_to("chat.postMessage") == []
    row = first_row(db)
    assert (row.status, row.claimed_by, row.in_doubt_since) == ("sending", "other-clock", None)


def test_an_edit_in_doubt_is_sent_again_without_looking(rapport, db, clock, test_kind):
    posted = rapport.deps.sender_for("T0001").chat_postMessage(channel="C0DIGEST", text="3 clients")
    kind = outbox.Kind("test_edit", lambda s, m: {"text": "4 clients"}, outbox.update)
    outbox.register(kind)
    test_kind.append(kind)
    queue(db, "test_edit", ts=posted["ts"])
    died_sending(rapport, db, clock, reached_slack=True)
    after_the_claim_runs_out(clock, "test_edit")

    assert rapport.tick()["sent"] == 1
    assert rapport.fake.calls_to("conversations.history") == []
    assert len(rapport.fake.calls_to("chat.update")) == 2  # the same edit twice: the message reads the same
    assert [m["text"] for m in rapport.fake.messages("C0DIGEST")] == ["4 clients"]


def test_an_upload_in_doubt_is_sent_again_and_its_attempt_says_so(rapport, db, clock, test_kind, caplog):
    kind = outbox.Kind("test_file", lambda s, m: {"filename": "a.csv", "content": b"x"}, outbox.upload)
    outbox.register(kind)
    test_kind.append(kind)
    row_id = queue(db, "test_file")
    died_sending(rapport, db, clock, reached_slack=True)
    after_the_claim_runs_out(clock, "test_file")

    assert rapport.tick()["sent"] == 1
    assert len(rapport.fake.calls_to("files.completeUploadExternal")) == 2  # no metadata to find it by
    assert notes_of(db, row_id) == [(True, None, outbox.RESENT)]
    assert outbox.RESENT in caplog.text


def test_a_claim_made_before_claims_had_an_end_lasts_the_five_minutes_it_was_made_under(rapport, db, clock):
    log_touchpoint(rapport, db)
    with db.session() as session:
        row = session.scalars(select(OutboxMessage)).one()
        row.status, row.claimed_at, row.claimed_by = "sending", clock.now, "clock-of-an-older-version"
    clock.advance(minutes=5)
    assert rapport.tick()["sent"] == 0
    clock.advance(seconds=1)
    assert rapport.tick()["sent"] == 1
    assert len(dm(rapport.fake)) == 1
