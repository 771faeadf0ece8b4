"""The prompt schedule: asked once, reminded once, then expired as missed."""

from __future__ import annotations

from tests.factories import USER, action, dm, log_touchpoint, prompt_row


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
