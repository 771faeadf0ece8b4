"""`/followup`: promises recorded from what people type, the form for anything unclear, my list, and
the buttons on a nudge. Through the real WSGI app; the clock starts Tuesday 24 Nov 2026, 10:00 in
Amsterdam."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from storage.models import FollowUp, FollowUpStep
from tests.factories import USER, action, add_client, dm

PARTNER = "U01PART001"


def followup_row(db) -> FollowUp:
    with db.session() as session:
        row = session.scalars(select(FollowUp).order_by(FollowUp.id.desc())).first()
        assert row is not None
        return row


def steps(db) -> list[str]:
    with db.session() as session:
        return [s.step for s in session.scalars(select(FollowUpStep).order_by(FollowUpStep.id))]


def test_a_promise_with_a_day_is_recorded_due_by_the_end_of_that_working_day(rapport, db):
    add_client(db, "Acme", lead=USER)
    answer = rapport.slack.command("/followup", "acme call Jan back about the invoice friday", user=USER)
    text = answer.json()["text"]
    assert "*call Jan back about the invoice*" in text and "*Acme*" in text and "Fri 27 Nov" in text
    row = followup_row(db)
    assert (row.what, row.has_time, row.status, row.source) == (
        "call Jan back about the invoice",
        False,
        "open",
        "command",
    )
    assert row.due_at == datetime(2026, 11, 27, 16, 30, tzinfo=UTC)  # 17:30 in Amsterdam
    assert row.next_nudge_at == datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # that morning, 09:00
    # Rapport learned Lena's zone from Slack after answering, and read "friday" again in it.
    assert steps(db) == ["made", "rezoned"]
    assert rapport.fake.calls_to("users.info") and rapport.fake.calls_to("views.open") == []


def test_a_promise_is_read_in_its_owners_zone_once_known_without_waiting_for_slack(rapport, db):
    add_client(db, "Acme", lead=USER)
    rapport.fake.inject("users.info", status=500, times=None)  # Slack cannot say yet
    rapport.slack.command("/followup", "acme send the deck friday", user=USER)
    assert followup_row(db).due_at == datetime(2026, 11, 27, 17, 30, tzinfo=UTC)  # read in UTC meanwhile
    rapport.fake.reset()
    rapport.slack.event(
        {"type": "user_change", "user": {"id": USER, "team_id": "T0001", "tz": "America/New_York"}}
    )
    row = followup_row(db)
    assert row.due_at == datetime(2026, 11, 27, 22, 30, tzinfo=UTC)  # 17:30 in New York
    assert row.next_nudge_at == datetime(2026, 11, 27, 14, 0, tzinfo=UTC)  # 09:00 there


def test_a_promise_with_a_time_is_due_then(rapport, db):
    add_client(db, "Acme", lead=USER)
    rapport.slack.command("/followup", "acme send the proposal tomorrow at 15:00", user=USER)
    row = followup_row(db)
    assert row.has_time and row.due_at == datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
    assert row.next_nudge_at == row.due_at


def test_a_promise_without_a_when_opens_the_form_with_what_was_typed(rapport, db):
    client_id = add_client(db, "Acme", lead=USER)
    rapport.slack.command("/followup", "acme call Jan back", user=USER)
    view = rapport.fake.calls_to("views.open")[-1].args["view"]
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert "When is it due?" in view["blocks"][0]["text"]["text"]
    assert blocks["client"]["element"]["initial_option"]["value"] == str(client_id)
    assert blocks["what"]["element"]["initial_value"] == "call Jan back"
    with db.session() as session:
        assert session.scalars(select(FollowUp)).all() == []


def test_followup_alone_opens_an_empty_form_and_the_form_saves_a_promise_with_a_time(rapport, db):
    client_id = add_client(db, "Acme", lead=USER)
    rapport.slack.command("/followup", "", user=USER)
    view = rapport.fake.calls_to("views.open")[-1].args["view"]
    option = {"text": {"type": "plain_text", "text": "Acme"}, "value": str(client_id)}
    answer = rapport.slack.submit(
        view,
        user=USER,
        answers={"client": option, "what": "renewal review", "date": "2026-12-04", "time": "10:30"},
    )
    assert answer.status == 200 and not answer.body
    row = followup_row(db)
    assert (row.what, row.has_time, row.source) == ("renewal review", True, "modal")
    assert row.due_at == datetime(2026, 12, 4, 9, 30, tzinfo=UTC)


def test_the_form_refuses_a_moment_that_has_passed(rapport, db):
    client_id = add_client(db, "Acme", lead=USER)
    rapport.slack.command("/followup", "", user=USER)
    view = rapport.fake.calls_to("views.open")[-1].args["view"]
    option = {"text": {"type": "plain_text", "text": "Acme"}, "value": str(client_id)}
    answer = rapport.slack.submit(
        view, user=USER, answers={"client": option, "what": "x", "date": "2026-11-01"}
    )
    assert answer.json()["response_action"] == "errors" and "passed" in answer.json()["errors"]["date"]


def test_an_unknown_client_opens_the_form_saying_so(rapport, db):
    add_client(db, "Acme", lead=USER)
    rapport.slack.command("/followup", "globex call back friday", user=USER)
    view = rapport.fake.calls_to("views.open")[-1].args["view"]
    assert "Globex" in view["blocks"][0]["text"]["text"] or "globex" in view["blocks"][0]["text"]["text"]


def test_my_list_shows_overdue_first_and_settles_one_from_its_menu(rapport, db, clock):
    add_client(db, "Acme", lead=USER)
    add_client(db, "Globex", lead=USER)
    rapport.slack.command("/followup", "acme send the deck friday", user=USER)
    rapport.slack.command("/followup", "globex call back today", user=USER)
    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))  # Wednesday: Globex's is overdue
    listing = rapport.slack.command("/followup", "list", user=USER).json()
    text = str(listing["blocks"])
    assert text.index("Globex") < text.index("Acme") and "Was due" in text
    menu = listing["blocks"][1]["accessory"]
    done = next(o for o in menu["options"] if o["value"].endswith(":done"))
    rapport.slack.click(user=USER, action_id="followup_menu", action_type="overflow", selected_option=done)
    with db.session() as session:
        statuses = {f.what: f.status for f in session.scalars(select(FollowUp))}
    assert statuses == {"call back": "done", "send the deck": "open"}


def nudge_for(rapport, db, clock, text="acme call Jan back friday"):
    add_client(db, "Acme", lead=USER, partner=PARTNER)
    rapport.slack.command("/followup", text, user=USER)
    clock.set(followup_row(db).next_nudge_at)
    rapport.tick()
    [message] = dm(rapport.fake)
    return message


def test_done_on_the_nudge_settles_it_in_place_and_undo_reopens_it(rapport, db, clock):
    message = nudge_for(rapport, db, clock)
    assert "call Jan back" in message["text"]
    rapport.slack.click(
        user=USER, action_id="followup_done", value=action(message, "followup_done")["value"], message=message
    )
    assert followup_row(db).status == "done"
    [updated] = dm(rapport.fake)
    assert updated["text"].startswith("Done:")
    rapport.slack.click(
        user=USER, action_id="followup_undo", value=action(updated, "followup_undo")["value"], message=updated
    )
    assert followup_row(db).status == "open"
    assert steps(db)[-2:] == ["done", "reopened"]


def test_snooze_asks_again_at_the_chosen_moment(rapport, db, clock):
    message = nudge_for(rapport, db, clock)
    snooze = action(message, "followup_snooze")
    tomorrow = next(o for o in snooze["options"] if o["value"].endswith(":tomorrow"))
    rapport.slack.click(
        user=USER,
        action_id="followup_snooze",
        action_type="static_select",
        message=message,
        selected_option=tomorrow,
    )
    row = followup_row(db)
    assert row.next_nudge_at == datetime(
        2026, 11, 30, 8, 0, tzinfo=UTC
    )  # Friday's "tomorrow" is Monday 09:00
    assert "Snoozed" in dm(rapport.fake)[0]["text"]


def test_reassign_hands_the_promise_to_a_colleague(rapport, db, clock):
    message = nudge_for(rapport, db, clock)
    fid = followup_row(db).id
    rapport.slack.click(
        user=USER, action_id="followup_reassign", action_type="users_select", message=message,
        block_id=f"followup_actions:{fid}", extra={"selected_user": PARTNER},
    )  # fmt: skip
    row = followup_row(db)
    with db.session() as session:
        from storage.models import Staff

        owner = session.get(Staff, row.owner_id)
        assert owner is not None and owner.slack_user_id == PARTNER
    assert "Handed to <@U01PART001>" in dm(rapport.fake)[0]["text"]


def test_someone_with_nothing_to_do_with_the_client_cannot_settle_it(rapport, db, clock):
    message = nudge_for(rapport, db, clock)
    rapport.slack.click(
        user="U01NYC0001",
        action_id="followup_done",
        value=action(message, "followup_done")["value"],
        message=message,
    )
    assert followup_row(db).status == "open"


def test_home_shows_my_follow_ups_overdue_first_and_settles_one_there(rapport, db, clock):
    add_client(db, "Acme", lead=USER)
    add_client(db, "Globex", lead=USER)
    rapport.slack.command("/followup", "acme send the deck friday", user=USER)
    rapport.slack.command("/followup", "globex call back today", user=USER)
    rapport.slack.command("/followup", "acme renewal review in 3 weeks", user=USER)  # not this week
    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    rapport.slack.event({"type": "app_home_opened", "user": USER, "channel": "D0LEAD", "tab": "home"})
    view = rapport.fake.home_view(USER)
    text = str(view["blocks"])
    assert "Follow-ups I owe" in text and text.index("call back") < text.index("send the deck")
    assert "renewal review" not in text
    menu = next(b["accessory"] for b in view["blocks"] if "call back" in str(b) and b.get("accessory"))
    done = next(o for o in menu["options"] if o["value"].endswith(":done"))
    rapport.slack.click(
        user=USER, action_id="followup_menu", action_type="overflow", selected_option=done, view=view
    )
    assert "call back" not in str(rapport.fake.home_view(USER)["blocks"])  # Home redrawn without it


def test_home_offers_a_form_for_a_new_follow_up(rapport, db):
    add_client(db, "Acme", lead=USER)
    rapport.slack.click(user=USER, action_id="home_log_followup", view={"id": "VHOME", "blocks": []})
    view = rapport.fake.calls_to("views.open")[-1].args["view"]
    assert view["callback_id"] == "followup_modal"


def test_the_client_card_shows_its_open_follow_ups_whoever_owes_them(rapport, db):
    add_client(db, "Acme", lead=USER, partner=PARTNER)
    rapport.slack.command("/followup", "acme send the deck friday", user=USER)
    rapport.slack.command("/followup", "acme book the workshop tomorrow", user=PARTNER)
    card = rapport.slack.command("/rapport", "client acme", user=USER).json()
    text = str(card["blocks"])
    assert "Open follow-ups" in text and "send the deck" in text and "book the workshop" in text
    assert "<@U01PART001>" in text
