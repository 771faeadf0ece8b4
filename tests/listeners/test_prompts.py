"""The DM prompt's buttons: one click logs a feeling, didn't happen, snooze, undo, details."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import (
    CheckIn,
)
from tests.factories import USER, action, dm, log_touchpoint, prompt_row


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


def test_a_click_carrying_a_value_rapport_never_drew_changes_nothing(rapport, db):
    log_touchpoint(rapport, db)
    rapport.tick()
    [message] = dm(rapport.fake)
    pid = str(prompt_row(db).id)
    for action_id, value in (
        ("prompt_face_5", f"{pid}:9"),  # a score outside 1-5
        ("prompt_face_5", "not-a-prompt"),
        ("prompt_face_5", "9" * 5000),  # far past any id
        ("prompt_skip", f"{int(pid) + 1}"),  # someone else's, or nobody's
    ):
        response = rapport.slack.click(
            user=USER, action_id=action_id, value=value, message=message, block_id="prompt_faces"
        )
        assert response.status == 200
    assert prompt_row(db).status == "sent"
    with db.session() as session:
        assert session.scalars(select(CheckIn)).all() == []
    assert dm(rapport.fake)[0]["text"] == message["text"]  # the question is still asked, untouched
