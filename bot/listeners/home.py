"""The App Home tab: drawn afresh each time it is opened, and after anything that changes it."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.listeners.common import after_ack, deps_of
from bot.services import home as home_service
from bot.services.staff import StaffRef, ensure_staff, needs_profile, refresh_profile, row
from bot.views import home as home_view

log = logging.getLogger(__name__)

EVENTS = ("app_home_opened",)  # Events API subscriptions this surface needs (see manifest.yml)


def register(app: App) -> None:
    app.event("app_home_opened")(after_ack(home_opened))


def home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if event.get("tab", "home") != "home":
        return
    publish_home(deps_of(context), client, context.team_id or "", event["user"])


def publish_home(deps: Deps, client: WebClient, team_id: str, user_id: str) -> None:
    now = deps.now()
    with deps.db.session() as session:
        staff = ensure_staff(session, team_id, user_id)
        if needs_profile(staff, now):  # time zone and language from Slack, at most once a day
            staff = StaffRef.of(refresh_profile(session, client, row(session, staff), now))
        view = home_view.home(home_service.build(session, team_id, staff, now))
    try:
        client.views_publish(user_id=user_id, view=view)
    except SlackApiError as error:
        log.warning("views.publish failed for %s: %s", user_id, error.response.get("error"))
