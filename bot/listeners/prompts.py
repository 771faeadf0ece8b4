"""The DM prompt's buttons: five faces, didn't happen, snooze, undo, and the form for details."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.domain.feelings import FACES
from bot.listeners.common import (
    acting,
    after_ack,
    button_value,
    clicked_message,
    deps_of,
    open_view,
    update_message,
)
from bot.services import checkins, prompts
from bot.views import feeling as feeling_view
from bot.views import prompt as prompt_view

# The change each button on the prompt asks for (see `prompts.CHANGES`); a face carries its score
# and the snooze menu its choice after the prompt id.
BUTTONS = {f"prompt_face_{score}": "answer" for score in FACES} | {
    "prompt_skip": "skip",
    "prompt_snooze": "snooze",
    "prompt_undo": "undo",
}


def register(app: App) -> None:
    app.action(re.compile("^(" + "|".join(BUTTONS) + ")$"))(after_ack(prompt_clicked))
    app.action("prompt_details")(after_ack(details_clicked))
    app.action("home_prompt_answer")(after_ack(details_clicked))


def prompt_clicked(
    body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Apply the click, then redraw the message; a stale click shows how the prompt was settled."""
    deps = deps_of(context)
    prompt_id, arg = button_value(action)
    change = BUTTONS.get(action.get("action_id") or "")
    if prompt_id is None or change is None:
        return
    with acting(context) as (session, staff):
        outcome = prompts.click(session, staff.team_id, staff, prompt_id, change, arg, deps.now())
        facts = prompts.facts(session, staff.team_id, prompt_id) if outcome else None
    if outcome is not None and facts is not None:
        update_message(client, *clicked_message(body), prompt_view.after_click(facts, outcome))


def details_clicked(
    body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """The DM's "Add note / expectations", or the Home tab's "Answer": the form for that prompt."""
    prompt_id, _ = button_value(action)
    if prompt_id is None:
        return
    with acting(context) as (session, staff):
        locale = staff.locale
        facts = prompts.facts(session, staff.team_id, prompt_id)
    if facts is None:
        return
    channel, ts = clicked_message(body)
    ctx = feeling_view.ModalContext(
        prompt_id=prompt_id, fixed_client=f"{facts.client_name}: {facts.title}", channel=channel, ts=ts
    )
    view = feeling_view.modal(checkins.Draft(prompt_id=prompt_id), ctx, locale=locale)
    open_view(client, body.get("trigger_id"), view)
