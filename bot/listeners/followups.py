"""Follow-ups: `/followup CLIENT WHAT [WHEN]`, `/followup list`, the form, and the nudges' buttons."""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from bot.domain.text import unescape_slack
from bot.listeners.common import (
    acting,
    after_ack,
    button_value,
    clicked_message,
    deps_of,
    open_form,
    open_view,
    redraw_clicked,
    redraw_part,
    reply,
    run_logged,
    update_message,
)
from bot.listeners.home import publish_home
from bot.services import clients, followups, quiet
from bot.services.staff import StaffRef, needs_profile, refresh_profile, row, working_hours
from bot.views import common as common_view
from bot.views import followups as followup_view
from bot.views import nudges as nudge_views
from bot.views import quiet as quiet_view

# The change each control on a nudge asks for (see `followups.CHANGES`).
BUTTONS = {
    "followup_done": "done",
    "followup_not_needed": "not_needed",
    "followup_undo": "undo",
    "followup_snooze": "snooze",
    "followup_reassign": "reassign",
    "followup_menu": "",  # `/followup list`: the change is in the option picked
}


def register(app: App) -> None:
    app.command("/followup")(followup_command)
    app.view(followup_view.CALLBACK)(followup_submitted)
    app.action(re.compile("^(" + "|".join(BUTTONS) + ")$"))(after_ack(followup_clicked))
    app.action("home_log_followup")(after_ack(log_followup_clicked))


def followup_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """`/followup acme call Jan back friday` records it; `list` shows mine; anything unclear, the form."""
    deps = deps_of(context)
    text = unescape_slack(command.get("text") or "").strip()
    now = deps.now()
    done = None
    with acting(context) as (session, staff):
        if text.lower() in ("list", "lijst", "ls"):
            ack(**followup_view.listing(followups.open_of(session, staff), staff.tz, staff.locale, now))
            return
        draft, problem = followups.interpret(session, staff, text, now)
        if problem is None and draft.client_id is not None and draft.due is not None:
            done = followups.record(
                session,
                owner=staff,
                client_id=draft.client_id,
                what=draft.what,
                due=draft.due,
                due_words=draft.due_words,
                now=now,
            )
    if done is not None:
        ack(**followup_view.recorded(done, staff.tz, staff.locale, now))
        if needs_profile(staff, now):
            deps.background.submit(run_logged, learn_zone, deps, client, staff)
        return
    ack()
    notice = common_view.notice(problem, staff.locale)
    url = command.get("response_url")
    form = partial(
        followup_view.modal, draft, now, staff.tz, notice=notice, response_url=url, locale=staff.locale
    )
    fallback = followup_view.no_form(text, staff.locale)
    deps.background.submit(run_logged, open_form, deps, client, command, form, fallback)


def followup_submitted(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    deps = deps_of(context)
    now = deps.now()
    response_url, checkin_id, wait_id = followup_view.origin_of(view)
    part = followup_view.part_of_origin(view)
    with acting(context) as (session, staff):
        fields, errors = followup_view.read(
            common_view.submitted(view), staff.tz, working_hours(staff), now, staff.locale
        )
        if fields["client_id"] is not None and not clients.exists(
            session, staff.team_id, fields["client_id"]
        ):
            errors["client"] = common_view.client_gone(staff.locale)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        done = followups.record(
            session,
            owner=staff,
            client_id=fields["client_id"],
            what=fields["what"],
            due=fields["due"],
            due_words=fields["due_words"],
            now=now,
            source="recovery" if checkin_id else ("quiet" if wait_id else "modal"),
            checkin_id=checkin_id,
        )
        chased = quiet.followed_up(session, staff, wait_id, now) if wait_id is not None else None
        text = followup_view.recorded(done, staff.tz, staff.locale, now)["text"]
        if chased is not None and chased.changed:
            text = f"{text}\n{quiet_view.stopped_waiting(chased.facts, staff.locale)}"
    ack()
    if needs_profile(staff, now):
        deps.background.submit(run_logged, learn_zone, deps, client, staff)
    if part is not None:
        # From a quiet-contact nudge among others in one message: that nudge alone says what was done.
        channel, ts, outbox_id = part
        redrawn = {"text": text, "blocks": common_view.blocks_json([common_view.section(text)])}
        deps.background.submit(run_logged, redraw_part, client, channel, ts, outbox_id, redrawn)
    elif response_url:
        # From a quiet-contact nudge: the nudge itself now says what was done about it.
        answer = partial(reply, replace_original=wait_id is not None)
        deps.background.submit(run_logged, answer, deps, response_url, {"text": text})
    else:
        deps.background.submit(
            run_logged, publish_home, deps, client, staff.team_id, staff.slack_user_id or ""
        )


def learn_zone(deps: Deps, client: WebClient, staff: StaffRef) -> None:
    """After the answer: the person's zone from Slack, if Rapport did not know it yet, and their
    promises read again in it, and the silences they watch counted in it (Slack's answer is never
    waited for before answering the command)."""
    now = deps.now()
    with deps.db.session() as session:
        refreshed = StaffRef.of(refresh_profile(session, client, row(session, staff), now))
        followups.rezone(session, refreshed, now)
        quiet.replan_for(session, refreshed, now)


def followup_clicked(
    body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Apply a control on a nudge or in my list, then redraw that message saying what happened."""
    deps = deps_of(context)
    action_id = action.get("action_id") or ""
    change = BUTTONS.get(action_id)
    if action_id == "followup_reassign":
        # A user select carries no value: the follow-up is named by its block.
        block_id, _ = nudge_views.part_of(action.get("block_id"))
        followup_id = common_view.as_id(block_id.rpartition(":")[2])
        arg = common_view.as_text(action.get("selected_user")) or ""
    else:
        followup_id, arg = button_value(action)
        if action_id == "followup_menu":
            change, _, arg = arg.partition(":")
    if followup_id is None or not change:
        return
    with acting(context) as (session, staff):
        outcome = followups.click(session, staff, followup_id, change, arg, deps.now())
        listed = followups.open_of(session, staff) if action_id == "followup_menu" else None
    if outcome is None:
        return
    channel, ts = clicked_message(body)
    if listed is not None:  # my list, redrawn as it is now: on the Home tab, or where it was asked for
        if (body.get("container") or {}).get("type") == "view":
            publish_home(deps, client, staff.team_id, staff.slack_user_id or "")
        else:
            redrawn = followup_view.listing(listed, staff.tz, staff.locale, deps.now())
            reply(deps, body.get("response_url"), redrawn, replace_original=True)
        return
    redrawn = followup_view.after_click(outcome.facts, outcome, deps.now())
    update_message(client, channel, ts, redraw_clicked(body, action, redrawn))


def log_followup_clicked(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """The Home tab's "Add a follow-up": an empty form."""
    deps = deps_of(context)
    with acting(context) as (_, staff):
        pass
    form = followup_view.modal(followups.Draft(), deps.now(), staff.tz, locale=staff.locale)
    open_view(client, body.get("trigger_id"), form)
