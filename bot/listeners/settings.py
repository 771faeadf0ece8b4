"""`/rapport settings`: see one's working days, hours and reminder intensity, and change them (a
form behind the Change button, or typed: `hours 08:30-17:00`, `days mon-thu`, `intensity light`)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from bot.domain.problem import Problem
from bot.listeners.common import acting, after_ack, deps_of, open_view, reply, run_logged, who
from bot.listeners.followups import learn_zone
from bot.listeners.home import publish_home
from bot.services import settings as settings_service
from bot.services.staff import needs_profile
from bot.views import common as common_view
from bot.views import settings as settings_view


def register(app: App) -> None:
    app.action(settings_view.CHANGE)(after_ack(change_clicked))
    app.view(settings_view.CALLBACK)(settings_submitted)


def rapport_settings(
    ack: Ack, text: str, command: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Alone: the settings and a Change button. With words: that change, at once."""
    deps = deps_of(context)
    now = deps.now()
    asked = settings_service.read(text)
    with acting(context) as (session, staff):
        outcome = (
            settings_service.save(session, staff, asked, now)
            if isinstance(asked, settings_service.Change)
            else asked
        )
    if isinstance(outcome, settings_service.Saved):
        ack(**settings_view.message(outcome.after, saved=outcome))
        deps.background.submit(run_logged, _refresh_home, deps, client, context)
    else:  # nothing asked (show them), or why it could not be done
        ack(**settings_view.message(settings_service.current(staff), problem=outcome))
    if needs_profile(staff, now):  # the zone as Slack gives it, for next time (never waited for)
        deps.background.submit(run_logged, learn_zone, deps, client, staff)


def change_clicked(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """The Change button: the form, filled in with the settings as they are."""
    with acting(context) as (_, staff):
        current = settings_service.current(staff)
    response_url = common_view.as_text(body.get("response_url"))
    if not open_view(client, body.get("trigger_id"), settings_view.modal(current, response_url)):
        reply(deps_of(context), response_url, {"text": settings_view.no_form(current.locale)})


def settings_submitted(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    deps = deps_of(context)
    now = deps.now()
    with acting(context) as (session, staff):
        current = settings_service.current(staff)
        change, errors = settings_view.read(common_view.submitted(view), current.locale)
        _, problems = settings_service.check(current.hours, change)
        if "start" in errors or "end" in errors:
            problems.pop("end", None)  # whether the end is after the start needs both
        errors = {**settings_view.problems_as_errors(problems, current.locale), **errors}
        if errors:
            ack(response_action="errors", errors=errors)
            return
        saved = settings_service.save(session, staff, change, now)
    if isinstance(saved, Problem):  # the checks above leave nothing for this; said on the form all the same
        ack(response_action="errors", errors=settings_view.problems_as_errors({"end": saved}, current.locale))
        return
    ack()
    response_url = settings_view.origin_of(view)
    if response_url:
        answer = settings_view.message(saved.after, saved=saved)
        deps.background.submit(run_logged, reply, deps, response_url, answer, replace_original=True)
    deps.background.submit(run_logged, _refresh_home, deps, client, context)


def _refresh_home(deps: Deps, client: WebClient, context: BoltContext) -> None:
    team_id, user_id = who(context)
    publish_home(deps, client, team_id, user_id)
