"""Quiet contacts: `/rapport waiting …`, `/rapport quiet …`, and the buttons on a quiet-contact nudge."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.domain import when
from bot.listeners.common import (
    acting,
    after_ack,
    button_value,
    clicked_message,
    deps_of,
    open_view,
    redraw_clicked,
    reply,
    update_message,
)
from bot.listeners.home import publish_home
from bot.messages import t
from bot.services import access, clients, owners, quiet
from bot.services import followups as followup_service
from bot.services.staff import working_hours
from bot.views import followups as followup_view
from bot.views import nudges as nudge_views
from bot.views import quiet as quiet_view
from storage.models import Client

# The change each control asks for (see `quiet.CHANGES`); "followup" opens the follow-up form.
BUTTONS = {
    "quiet_replied": "replied",
    "quiet_not_needed": "not_needed",
    "quiet_undo": "undo",
    "quiet_snooze": "snooze",
    "quiet_followup": "followup",
    "quiet_menu": "",  # a list: the change is in the option picked
}
DEFAULT_WORDS = {"default", "standaard", "reset", "clear"}


def register(app: App) -> None:
    app.action(re.compile("^(" + "|".join(BUTTONS) + ")$"))(after_ack(quiet_clicked))


def rapport_waiting(
    ack: Ack, text: str, command: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """`/rapport waiting acme jan about the proposal`: I reached out and I'm waiting. Alone: my list."""
    deps = deps_of(context)
    now = deps.now()
    with acting(context) as (session, staff):
        lc, tz, wh = staff.locale, staff.tz, working_hours(staff)
        if not text:
            ack(**quiet_view.listing(quiet.waiting_on(session, staff), now, tz, wh, lc))
            return
        draft, problem = quiet.interpret(session, staff, text)
        if problem is not None or draft.client_id is None:
            key, values = (
                (problem.key, problem.values) if problem else ("quiet.problem.unknown", {"query": text})
            )
            ack(**quiet_view.problem(key, values, lc))
            return
        wait = quiet.wait_from(session, staff, draft, now)
        facts = quiet.facts_of(session, wait)
        told = (
            f"<@{facts.lead_user_id}>"
            if facts.lead_user_id and facts.lead_user_id != staff.slack_user_id
            else None
        )
        ack(**quiet_view.waiting_noted(facts, wait.next_check_at, tz, lc, told=told))


def rapport_quiet(
    ack: Ack, text: str, command: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """`/rapport quiet acme 3`, `/rapport quiet segment retail 7`, `/rapport quiet acme default`."""
    deps = deps_of(context)
    words = text.split()
    with acting(context) as (session, staff):
        lc = staff.locale
        usage = quiet_view.problem("quiet.days.usage", {"default": when.QUIET_WORKING_DAYS}, lc)
        if len(words) < 2:
            ack(**usage)
            return
        amount = words[-1].lower()
        days: int | None
        if amount in DEFAULT_WORDS:
            days = None
        elif amount.isdigit() and 1 <= int(amount) <= quiet.DAYS_MAX:
            days = int(amount)
        else:
            ack(
                **(
                    quiet_view.problem("quiet.days.range", {"max": quiet.DAYS_MAX}, lc)
                    if amount.isdigit()
                    else usage
                )
            )
            return
        target = " ".join(words[:-1])
        if words[0].lower() in ("segment", "segmenten", "segments") and len(words) > 2:
            segment = " ".join(words[1:-1])
            known = quiet.segments(session, staff.team_id)
            if segment.casefold() not in {s.casefold() for s in known}:
                shown = ", ".join(known) or "—"
                ack(
                    **quiet_view.problem(
                        "quiet.days.unknown_segment", {"segment": segment, "segments": shown}, lc
                    )
                )
                return
            moved = quiet.set_segment_days(session, staff.team_id, segment, days, deps.now())
            effective = days or when.QUIET_WORKING_DAYS
            count = t("quiet.days.segment_clients", lc, count=moved) if moved else ""
            ack(
                **quiet_view.problem(
                    "quiet.days.segment", {"segment": segment, "days": effective, "clients": count}, lc
                )
            )
            return
        match = clients.Resolver(session, staff.team_id)(target)
        client_row = (
            access.in_team(session, Client, match.client_id, staff.team_id) if match.client_id else None
        )
        if client_row is None:
            key = (
                "quiet.problem.ambiguous"
                if match.names() and len(match.names()) > 1
                else "quiet.problem.unknown"
            )
            ack(**quiet_view.problem(key, {"query": target, "names": match.names()}, lc))
            return
        if owners.role_of(client_row, staff.id) is None:
            ack(**quiet_view.problem("quiet.days.not_yours", {"client": client_row.name}, lc))
            return
        quiet.set_client_days(session, staff.team_id, client_row.id, days, deps.now())
        effective = quiet.quiet_days(session, client_row)
        ack(**quiet_view.problem("quiet.days.client", {"client": client_row.name, "days": effective}, lc))


def quiet_clicked(
    body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Apply a control on a nudge or in a list, then redraw that message saying what happened."""
    deps = deps_of(context)
    now = deps.now()
    action_id = action.get("action_id") or ""
    change = BUTTONS.get(action_id)
    wait_id, arg = button_value(action)
    if action_id == "quiet_menu":
        change, _, arg = arg.partition(":")
    if wait_id is None or not change:
        return
    if change == "followup":
        _open_followup(body, action, wait_id, client, context)
        return
    with acting(context) as (session, staff):
        outcome = quiet.click(session, staff, wait_id, change, arg, now)
        listed = quiet.waiting_on(session, staff) if action_id == "quiet_menu" else None
        tz, wh, lc = staff.tz, working_hours(staff), staff.locale
    if outcome is None:
        return
    container = body.get("container") or {}
    if listed is not None or container.get("type") == "view":
        if container.get("type") == "view":
            publish_home(deps, client, staff.team_id, staff.slack_user_id or "")
        else:
            reply(
                deps,
                body.get("response_url"),
                quiet_view.listing(listed or [], now, tz, wh, lc),
                replace_original=True,
            )
        return
    redrawn = redraw_clicked(body, action, quiet_view.after_click(outcome.facts, outcome, now, tz, wh, lc))
    if container.get("is_ephemeral"):
        reply(deps, body.get("response_url"), redrawn, replace_original=True)
        return
    channel, ts = clicked_message(body)
    update_message(client, channel, ts, redrawn)


def _open_followup(
    body: dict[str, Any], action: dict[str, Any], wait_id: int, client: WebClient, context: BoltContext
) -> None:
    """ "Log a follow-up": the follow-up form, about this contact, to chase it from now on."""
    deps = deps_of(context)
    with acting(context) as (session, staff):
        facts = quiet.facts(session, staff.team_id, wait_id)
        if facts is None:
            return
        what = t(
            "quiet.followup_what",
            staff.locale,
            who=facts.contact_name or facts.client_name,
            about=t("quiet.list.about", staff.locale, about=facts.about) if facts.about else "",
        )
        draft = followup_service.Draft(client_id=facts.client_id, client_name=facts.client_name, what=what)
    form = followup_view.modal(
        draft,
        deps.now(),
        staff.tz,
        response_url=body.get("response_url"),
        wait_id=wait_id,
        part=_part(body, action),
        locale=staff.locale,
    )
    open_view(client, body.get("trigger_id"), form)


def _part(body: dict[str, Any], action: dict[str, Any]) -> tuple[str, str, int] | None:
    """The message and nudge a button sat on, when that message carries several nudges."""
    _, outbox_id = nudge_views.part_of(action.get("block_id"))
    channel, ts = clicked_message(body)
    return (channel, ts, outbox_id) if channel and ts and outbox_id is not None else None
