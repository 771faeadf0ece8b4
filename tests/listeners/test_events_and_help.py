"""Events (handled once despite retries), the Home tab, /rapport help and the client card."""

from __future__ import annotations

import json

from sqlalchemy import select

from storage.models import ProcessedEvent, Staff, Workspace
from tests.factories import add_client

USER = "U01LEAD001"


def test_app_home_opened_publishes_my_clients_and_buttons(rapport, db):
    add_client(db, "Acme", lead=USER)
    add_client(db, "Globex", partner=USER)
    add_client(db, "Initech", lead="U01PART001")
    rapport.slack.command("/feeling", "acme 4", user=USER)
    rapport.slack.event({"type": "app_home_opened", "user": USER, "channel": "D0LEAD", "tab": "home"})
    view = rapport.fake.home_view(USER)
    text = json.dumps(view, ensure_ascii=False)
    assert "Acme" in text and "Globex" in text and "Initech" not in text
    assert "(partner)" in text and "🙂 Happy" in text
    actions = {e["action_id"] for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]}
    assert {"home_log_feeling", "home_log_touchpoint"} <= actions


def test_home_lists_pending_prompts_with_an_answer_button(rapport, db):
    add_client(db, "Acme", lead=USER)
    rapport.slack.command("/rapport", "touchpoint acme visit at their office", user=USER)
    rapport.tick()
    rapport.slack.event({"type": "app_home_opened", "user": USER, "channel": "D0LEAD", "tab": "home"})
    view = rapport.fake.home_view(USER)
    answer = [
        b["accessory"]
        for b in view["blocks"]
        if b.get("accessory", {}).get("action_id") == "home_prompt_answer"
    ]
    assert len(answer) == 1
    rapport.slack.click(user=USER, action_id="home_prompt_answer", value=answer[0]["value"], view=view)
    modal = rapport.fake.calls_to("views.open")[-1].args["view"]
    assert modal["callback_id"] == "feeling_modal"


def test_a_retried_event_is_processed_once(rapport, db):
    event = {"type": "app_home_opened", "user": USER, "channel": "D0LEAD", "tab": "home"}
    assert rapport.slack.event(event, event_id="Ev0000RETRY").status == 200
    assert rapport.slack.event(event, event_id="Ev0000RETRY", retry=1).status == 200
    assert rapport.slack.event(event, event_id="Ev0000RETRY", retry=2).status == 200
    assert len(rapport.fake.calls_to("views.publish")) == 1
    with db.session() as session:
        assert session.scalars(select(ProcessedEvent.event_id)).all() == ["Ev0000RETRY"]


def test_a_retry_reaching_another_process_is_still_processed_once(rapport, fake, db, clock):
    from bot.deps import InlineExecutor
    from bot.web import create_wsgi_app
    from fakeslack.payloads import SlackSender, WSGITransport
    from tests.conftest import SIGNING_SECRET, make_settings

    second = create_wsgi_app(
        make_settings(fake, db), db=type(db)(db.url), clock=clock, listener_executor=InlineExecutor()
    )
    other = SlackSender(signing_secret=SIGNING_SECRET, transport=WSGITransport(second), team_id="T0001")
    event = {"type": "app_home_opened", "user": USER, "channel": "D0LEAD", "tab": "home"}
    rapport.slack.event(event, event_id="Ev0000TWICE")
    other.event(event, event_id="Ev0000TWICE", retry=1)
    assert len(fake.calls_to("views.publish")) == 1


def test_user_change_updates_time_zone(rapport, db):
    rapport.slack.command("/feeling", "", user=USER)
    rapport.slack.event(
        {
            "type": "user_change",
            "user": {
                "id": USER,
                "team_id": "T0001",
                "name": "lena",
                "real_name": "Lena Lead",
                "tz": "Asia/Tokyo",
                "tz_offset": 32400,
                "profile": {"email": "lena@agency.example", "display_name": "Lena"},
            },
        }
    )
    with db.session() as session:
        staff = session.scalars(select(Staff).where(Staff.slack_user_id == USER)).one()
        assert (staff.tz, staff.email) == ("Asia/Tokyo", "lena@agency.example")


def test_app_uninstalled_is_recorded(rapport, db):
    rapport.slack.event({"type": "app_uninstalled"})
    with db.session() as session:
        assert session.get(Workspace, "T0001").uninstalled_at == rapport.clock.now


def test_rapport_help_lists_the_commands(rapport):
    body = rapport.slack.command("/rapport", "help", user=USER).json()
    text = json.dumps(body["blocks"])
    for word in ("/feeling", "touchpoint", "client", "clients"):
        assert word in text


def test_an_unknown_word_gets_help_not_silence(rapport):
    body = rapport.slack.command("/rapport", "frobnicate", user=USER).json()
    assert "I don't know “frobnicate”" in body["text"]
    assert "/feeling" in json.dumps(body["blocks"])


def test_client_card_shows_owners_checkins_and_notes(rapport, db):
    add_client(db, "Acme", aliases=("ACME BV",), lead=USER, partner="U01PART001")
    rapport.slack.command("/feeling", "acme 2 invoice was late again", user=USER)
    rapport.slack.command("/feeling", "acme 4 kickoff went well", user="U01PART001")
    rapport.slack.command("/rapport", "touchpoint acme call with Jan", user=USER)
    body = rapport.slack.command("/rapport", "client acme bv", user=USER).json()
    text = json.dumps(body["blocks"], ensure_ascii=False)
    assert "<@U01LEAD001>" in text and "<@U01PART001>" in text
    assert "invoice was late again" in text and "kickoff went well" in text
    assert "3.0 / 5" in text
    assert "call with Jan" in text


def test_client_card_for_an_unknown_client_says_how_to_find_one(rapport, db):
    body = rapport.slack.command("/rapport", "client nobody", user=USER).json()
    assert "No client matches “nobody”" in body["text"] and "/rapport clients" in body["text"]


def test_clients_lists_every_client_of_this_workspace_only(rapport, db):
    add_client(db, "Acme", lead=USER)
    add_client(db, "Secret Other", team="T0OTHER")
    body = rapport.slack.command("/rapport", "clients", user=USER).json()
    text = json.dumps(body["blocks"])
    assert "Acme" in text and "Secret Other" not in text


def test_message_shortcut_opens_a_touchpoint_modal_prefilled(rapport, db):
    add_client(db, "Acme")
    rapport.slack.shortcut(
        "log_touchpoint",
        user=USER,
        channel="C0ACME",
        message={"ts": "1700000000.000100", "text": "Can we move the launch?\nThanks"},
    )
    view = rapport.fake.calls_to("views.open")[0].args["view"]
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["title"]["element"]["initial_value"] == "Can we move the launch?"


def test_home_buttons_open_the_feeling_and_touchpoint_forms(rapport, db):
    client_id = add_client(db, "Acme", lead=USER)
    rapport.slack.event({"type": "app_home_opened", "user": USER, "channel": "D0LEAD", "tab": "home"})
    view = rapport.fake.home_view(USER)
    rapport.slack.click(user=USER, action_id="home_log_touchpoint", view=view)
    rapport.slack.click(user=USER, action_id="home_client_feeling", value=str(client_id), view=view)
    touchpoint_modal, feeling_modal = (c.args["view"] for c in rapport.fake.calls_to("views.open"))
    assert touchpoint_modal["callback_id"] == "touchpoint_modal"
    blocks = {b.get("block_id"): b for b in feeling_modal["blocks"]}
    assert blocks["client"]["element"]["initial_option"]["text"]["text"] == "Acme"
    # Submitting from Home refreshes Home, which now shows the new feeling.
    rapport.slack.submit(feeling_modal, user=USER, answers={"score": "5"})
    assert "🤩 Delighted" in json.dumps(rapport.fake.home_view(USER), ensure_ascii=False)
