"""Touchpoints and the DM prompt: queued, sent in working hours, answered in one click, reminded
once, then expired; every send goes through the outbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from storage.models import CheckIn, OutboxMessage, Prompt, SendAttempt, Touchpoint
from tests.factories import add_client

USER = "U01LEAD001"


def prompt_row(db) -> Prompt:
    with db.session() as session:
        return session.scalars(select(Prompt).order_by(Prompt.id.desc())).first()


def dm(fake, user=USER):
    return fake.messages(user)


def action(message, action_id):
    for block in message["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return element
    raise AssertionError(f"no {action_id} in {message['blocks']}")


def log_touchpoint(rapport, db, text="acme call with Jan", user=USER):
    add_client(db, "Acme", lead=user)
    return rapport.slack.command("/rapport", f"touchpoint {text}", user=user)


def test_touchpoint_command_records_it_and_queues_a_prompt(rapport, db):
    body = log_touchpoint(rapport, db).json()
    assert "call with Jan" in body["text"] and "Acme" in body["text"]
    with db.session() as session:
        tp = session.scalars(select(Touchpoint)).one()
        assert (tp.kind, tp.title, tp.source) == ("call", "call with Jan", "manual")
        outbox = session.scalars(select(OutboxMessage)).one()
        assert (outbox.kind, outbox.status, outbox.channel) == ("prompt", "pending", USER)
    assert prompt_row(db).due_at == rapport.clock.now  # logged after the fact: ask at once
    assert rapport.fake.calls_to("chat.postMessage") == []  # only the outbox job sends


def test_the_outbox_sends_the_prompt_with_five_faces(rapport, db):
    log_touchpoint(rapport, db)
    counts = rapport.tick()
    assert counts["sent"] == 1
    [message] = dm(rapport.fake)
    assert "How did *Acme* feel after *call with Jan*?" in message["blocks"][0]["text"]["text"]
    faces = [e["text"]["text"] for e in message["blocks"][2]["elements"]]
    assert faces == ["😣 Upset", "🙁 Unhappy", "😐 Neutral", "🙂 Happy", "🤩 Delighted"]
    prompt = prompt_row(db)
    assert prompt.status == "sent" and prompt.message_ts == message["ts"]
    assert rapport.fake.calls_to("users.info")  # time zone comes from Slack
    assert rapport.tick()["sent"] == 0  # never sent twice


def test_one_click_logs_the_feeling_and_updates_the_message(rapport, db):
    log_touchpoint(rapport, db)
    rapport.tick()
    [message] = dm(rapport.fake)
    face = action(message, "prompt_face_5")
    rapport.slack.click(
        user=USER, action_id="prompt_face_5", value=face["value"], message=message, block_id="prompt_faces"
    )
    with db.session() as session:
        checkin = session.scalars(select(CheckIn)).one()
        assert (checkin.score, checkin.source) == (5, "prompt")
        assert checkin.touchpoint_id is not None
    assert prompt_row(db).status == "answered"
    [updated] = dm(rapport.fake)
    assert "🤩 Delighted" in updated["text"] and "logged" in updated["text"]
    # A second click (double click, or an old copy of the message) changes nothing.
    rapport.slack.click(
        user=USER,
        action_id="prompt_face_1",
        value=face["value"].replace(":5", ":1"),
        message=message,
        block_id="prompt_faces",
    )
    with db.session() as session:
        assert [c.score for c in session.scalars(select(CheckIn))] == [5]


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


def test_unanswered_prompt_is_reminded_once_then_expires_as_missed(rapport, db, clock):
    log_touchpoint(rapport, db)  # Tuesday 10:00 Amsterdam
    rapport.tick()
    clock.advance(hours=3, minutes=59)
    rapport.tick()
    assert len(rapport.fake.calls_to("chat.postMessage")) == 1
    clock.advance(minutes=1)  # 4 working hours later
    rapport.tick()
    posts = rapport.fake.calls_to("chat.postMessage")
    assert len(posts) == 2 and posts[1].args["text"].startswith("Reminder:")
    rapport.tick()  # the first message is edited to point at the reminder
    first, _second = dm(rapport.fake)
    assert "asked again" in first["text"]
    assert prompt_row(db).status == "reminded"
    clock.advance(hours=30)
    rapport.tick()
    assert prompt_row(db).status == "expired"
    rapport.tick()
    assert "counts as a missed check-in" in dm(rapport.fake)[1]["text"]
    clock.advance(days=3)
    rapport.tick()
    assert len(rapport.fake.calls_to("chat.postMessage")) == 2  # one reminder, never more


def test_didnt_happen_cancels_the_touchpoint_and_undo_reopens_it(rapport, db):
    log_touchpoint(rapport, db)
    rapport.tick()
    [message] = dm(rapport.fake)
    rapport.slack.click(
        user=USER, action_id="prompt_skip", value=action(message, "prompt_skip")["value"], message=message
    )
    assert prompt_row(db).status == "skipped"
    [updated] = dm(rapport.fake)
    assert "didn't happen" in updated["text"]
    rapport.slack.click(
        user=USER, action_id="prompt_undo", value=action(updated, "prompt_undo")["value"], message=updated
    )
    assert prompt_row(db).status == "sent"
    assert "How did" in dm(rapport.fake)[0]["text"]


def test_snooze_asks_again_later(rapport, db, clock):
    log_touchpoint(rapport, db)
    rapport.tick()
    [message] = dm(rapport.fake)
    pid = str(prompt_row(db).id)
    rapport.slack.click(
        user=USER,
        action_id="prompt_snooze",
        action_type="overflow",
        message=message,
        selected_option={"text": {"type": "plain_text", "text": "1h"}, "value": f"{pid}:1h"},
    )
    assert prompt_row(db).status == "scheduled"
    assert "Snoozed" in dm(rapport.fake)[0]["text"]
    clock.advance(minutes=59)
    rapport.tick()
    assert len(rapport.fake.calls_to("chat.postMessage")) == 1
    clock.advance(minutes=1)
    rapport.tick()
    assert len(rapport.fake.calls_to("chat.postMessage")) == 2
    assert prompt_row(db).status == "sent"


def test_add_note_modal_from_a_prompt_stores_details_and_updates_the_prompt(rapport, db):
    log_touchpoint(rapport, db)
    rapport.tick()
    [message] = dm(rapport.fake)
    rapport.slack.click(
        user=USER,
        action_id="prompt_details",
        value=action(message, "prompt_details")["value"],
        message=message,
    )
    view = rapport.fake.calls_to("views.open")[0].args["view"]
    assert "client" not in {b.get("block_id") for b in view["blocks"]}  # the prompt fixes the client
    rapport.slack.submit(
        view, user=USER, answers={"score": "2", "expectation": "below", "note": "budget cut"}
    )
    with db.session() as session:
        checkin = session.scalars(select(CheckIn)).one()
        assert (checkin.score, checkin.expectation, checkin.note) == (2, "below", "budget cut")
    assert "🙁 Unhappy" in dm(rapport.fake)[0]["text"]


def test_a_future_meeting_is_asked_about_15_minutes_after_it_ends(rapport, db, clock):
    client_id = add_client(db, "Acme", lead=USER)
    rapport.slack.command("/rapport", "touchpoint", user=USER)
    view = rapport.fake.calls_to("views.open")[0].args["view"]
    later = int(clock.now.timestamp()) + 2 * 3600
    rapport.slack.submit(
        view,
        user=USER,
        answers={
            "client": {"text": {"type": "plain_text", "text": "Acme"}, "value": str(client_id)},
            "kind": "meeting",
            "title": "Quarterly review",
            "when": later,
        },
    )
    prompt = prompt_row(db)
    assert prompt.due_at == datetime.fromtimestamp(later, UTC) + timedelta(minutes=15)
    assert rapport.tick()["sent"] == 0
    clock.set(prompt.due_at)
    assert rapport.tick()["sent"] == 1


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


def test_answering_the_reminder_at_once_still_retires_the_first_message(rapport, db, clock):
    log_touchpoint(rapport, db)
    rapport.tick()
    clock.advance(hours=4)
    rapport.tick()  # the reminder goes out; the edit of the first message is queued
    first, reminder = dm(rapport.fake)
    rapport.slack.click(
        user=USER,
        action_id="prompt_face_4",
        value=action(reminder, "prompt_face_4")["value"],
        message=reminder,
        block_id="prompt_faces",
    )
    rapport.tick()
    first, reminder = dm(rapport.fake)
    assert "asked again" in first["text"] and "prompt_faces" not in str(first["blocks"])
    assert "🙂 Happy" in reminder["text"]


def test_answering_from_home_updates_the_dm_question(rapport, db):
    log_touchpoint(rapport, db)
    rapport.tick()
    pid = str(prompt_row(db).id)
    rapport.slack.click(
        user=USER, action_id="home_prompt_answer", value=pid, view={"id": "VHOME", "blocks": []}
    )
    view = rapport.fake.calls_to("views.open")[-1].args["view"]
    rapport.slack.submit(view, user=USER, answers={"score": "5"})
    [message] = dm(rapport.fake)
    assert "🤩 Delighted" in message["text"]
    assert "home_prompt_answer" not in str(rapport.fake.home_view(USER))  # Home no longer lists it


def test_details_after_a_one_click_answer_keep_the_dm_whole(rapport, db):
    log_touchpoint(rapport, db)
    rapport.tick()
    [message] = dm(rapport.fake)
    rapport.slack.click(
        user=USER,
        action_id="prompt_face_3",
        value=action(message, "prompt_face_3")["value"],
        message=message,
        block_id="prompt_faces",
    )
    [answered] = dm(rapport.fake)
    rapport.slack.click(
        user=USER,
        action_id="checkin_details",
        value=action(answered, "checkin_details")["value"],
        message=answered,
    )
    view = rapport.fake.calls_to("views.open")[-1].args["view"]
    rapport.slack.submit(view, user=USER, answers={"expectation": "exceeded", "note": "asked for a quote"})
    with db.session() as session:
        checkin = session.scalars(select(CheckIn)).one()
        assert (checkin.score, checkin.expectation, checkin.note) == (3, "exceeded", "asked for a quote")
    [redrawn] = dm(rapport.fake)
    assert "😐 Neutral" in redrawn["text"]
    action(redrawn, "prompt_undo")  # still a whole prompt message, with its buttons
