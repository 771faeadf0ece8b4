"""Logging a client touchpoint: `/rapport touchpoint`, its form, the Home button and the message shortcut."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.domain import outreach
from bot.domain.text import truncate
from bot.listeners.common import acting, after_ack, deps_of, open_form, open_view, reply, run_logged, who
from bot.listeners.home import publish_home
from bot.services import clients, touchpoints
from bot.services.touchpoints import TouchpointDraft
from bot.views import common as common_view
from bot.views import touchpoint as touchpoint_view

SHORTCUT = "log_touchpoint"


def register(app: App) -> None:
    app.view(touchpoint_view.CALLBACK)(touchpoint_submitted)
    app.action("home_log_touchpoint")(after_ack(log_touchpoint_clicked))
    app.shortcut(SHORTCUT)(after_ack(message_shortcut))


def rapport_touchpoint(
    ack: Ack, text: str, command: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """`/rapport touchpoint acme call with Jan` logs it; anything missing or unclear opens the form."""
    deps = deps_of(context)
    now = deps.now()
    done = None
    with acting(context) as (session, staff):
        locale, tz = staff.locale, staff.tz
        draft, problem = touchpoints.interpret(session, staff.team_id, text)
        if problem is None and draft.client_id is not None:
            done = touchpoints.record(
                session,
                deps.settings,
                team_id=staff.team_id,
                staff=staff,
                client_id=draft.client_id,
                kind=draft.kind,
                title=draft.title,
                happened_at=now,
                now=now,
                direction=draft.direction,
                contact=draft.contact,
            )
    if done is not None:
        ack(response_type="ephemeral", text=touchpoint_view.logged(done, tz, locale))
        return
    ack()
    notice = common_view.notice(problem, locale)
    url = command.get("response_url")
    form = partial(touchpoint_view.modal, draft, now, notice=notice, response_url=url, locale=locale)
    deps.background.submit(
        run_logged, open_form, deps, client, command, form, touchpoint_view.no_form(text, locale)
    )


def touchpoint_submitted(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    deps = deps_of(context)
    team_id, user_id = who(context)
    permalink, response_url = touchpoint_view.origin_of(view.get("private_metadata"))
    now = deps.now()
    with acting(context) as (session, staff):
        locale = staff.locale
        fields, errors = touchpoint_view.read(common_view.submitted(view), now, locale)
        if fields["client_id"] is not None and not clients.exists(session, team_id, fields["client_id"]):
            errors["client"] = common_view.client_gone(locale)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        done = touchpoints.record(
            session,
            deps.settings,
            team_id=team_id,
            staff=staff,
            client_id=fields["client_id"],
            kind=fields["kind"],
            title=fields["title"],
            happened_at=fields["happened_at"],
            now=now,
            permalink=permalink,
            direction=fields["direction"],
            contact=fields["contact"],
        )
        text = touchpoint_view.logged(done, staff.tz, locale)
    ack()
    if response_url:
        deps.background.submit(run_logged, reply, deps, response_url, {"text": text})
    else:
        deps.background.submit(run_logged, publish_home, deps, client, team_id, user_id)


def log_touchpoint_clicked(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """The Home tab's "Log a touchpoint": an empty form."""
    deps = deps_of(context)
    with acting(context) as (_, staff):
        locale = staff.locale
    open_view(
        client, body.get("trigger_id"), touchpoint_view.modal(TouchpointDraft(), deps.now(), locale=locale)
    )


def message_shortcut(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """The message shortcut "Log as client touchpoint": the form, titled with the first line."""
    deps = deps_of(context)
    message = body.get("message") or {}
    first_line = (message.get("text") or "").strip().splitlines()[:1]
    title = truncate(first_line[0], 120) if first_line else ""
    with acting(context) as (_, staff):
        locale = staff.locale
    channel = (body.get("channel") or {}).get("id")
    permalink = f"slack://channel?id={channel}&message={message.get('ts')}" if channel else None
    # A message from someone in another workspace (a shared channel) is the client speaking.
    ours = (body.get("team") or {}).get("id")
    theirs = message.get("user_team") or message.get("team")
    direction = outreach.INBOUND if theirs and ours and theirs != ours else outreach.BOTH
    view = touchpoint_view.modal(
        TouchpointDraft(kind="chat", title=title, direction=direction),
        deps.now(),
        permalink=permalink,
        response_url=body.get("response_url"),
        locale=locale,
    )
    open_view(client, body.get("trigger_id"), view)
