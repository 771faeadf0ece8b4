"""The App Home tab: my clients, my open questions, buttons that open the forms."""

from __future__ import annotations

import json

from tests.factories import USER, add_client


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
