"""A bad check-in gets a recovery step: the person who logged it is asked for one (it becomes a
follow-up), and the client's lead, if someone else logged it, is told."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import FollowUp
from tests.factories import USER, action, add_client, dm, log_touchpoint, prompt_row

PARTNER = "U01PART001"


def recovery_button(blocks) -> dict:
    return next(b["accessory"] for b in blocks if b.get("block_id") == "recovery")


def test_a_bad_check_in_asks_for_a_recovery_step_and_it_becomes_a_follow_up(rapport, db):
    client_id = add_client(db, "Acme", lead=USER, partner=PARTNER)
    answer = rapport.slack.command("/feeling", "acme 1 they were furious about the delay", user=PARTNER)
    button = recovery_button(answer.json()["blocks"])
    rapport.slack.click(user=PARTNER, action_id="checkin_recovery", value=button["value"], is_ephemeral=True)
    form = rapport.fake.calls_to("views.open")[-1].args["view"]
    assert form["callback_id"] == "followup_modal" and "recovery step" in form["blocks"][0]["text"]["text"]
    picked = {b.get("block_id"): b for b in form["blocks"]}["client"]["element"]["initial_option"]
    assert picked["value"] == str(client_id)
    rapport.slack.submit(
        form, user=PARTNER, answers={"what": "call with an apology and a plan", "date": "2026-11-26"}
    )
    with db.session() as session:
        followup = session.scalars(select(FollowUp)).one()
        assert (followup.kind, followup.source, followup.what) == (
            "recovery",
            "recovery",
            "call with an apology and a plan",
        )
        assert followup.checkin_id is not None


def test_the_lead_is_told_when_someone_else_logs_a_bad_check_in(rapport, db):
    add_client(db, "Acme", lead=USER, partner=PARTNER)
    rapport.slack.command("/feeling", "acme 2 not happy with the copy", user=PARTNER)
    rapport.tick()
    [told] = dm(rapport.fake, USER)
    assert (
        "<@U01PART001>" in told["text"]
        and "Acme" in told["text"]
        and "not happy with the copy" in told["text"]
    )


def test_a_good_check_in_asks_nothing_and_tells_nobody(rapport, db):
    add_client(db, "Acme", lead=USER, partner=PARTNER)
    answer = rapport.slack.command("/feeling", "acme 4 good call", user=PARTNER)
    assert "recovery" not in str(answer.json()["blocks"])
    rapport.tick()
    assert dm(rapport.fake, USER) == []


def test_the_lead_is_not_told_of_their_own_bad_check_in(rapport, db):
    add_client(db, "Acme", lead=USER)
    answer = rapport.slack.command("/feeling", "acme 1 rough meeting", user=USER)
    assert recovery_button(answer.json()["blocks"])
    rapport.tick()
    assert dm(rapport.fake, USER) == []


def test_a_bad_face_on_a_prompt_asks_for_a_recovery_step_in_the_dm(rapport, db):
    log_touchpoint(rapport, db)
    rapport.tick()
    [message] = dm(rapport.fake)
    face = action(message, "prompt_face_2")
    rapport.slack.click(
        user=USER, action_id="prompt_face_2", value=face["value"], message=message, block_id="prompt_faces"
    )
    [answered] = dm(rapport.fake)
    assert recovery_button(answered["blocks"])["action_id"] == "checkin_recovery"
    assert prompt_row(db).status == "answered"
