"""Events API: the Home tab, profile changes, uninstall. Each event is handled once, whatever the retries."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltRequest
from slack_bolt.middleware import Middleware
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient

from bot.deps import Deps
from bot.listeners.common import after_ack, publish_home
from bot.services.staff import apply_profile
from storage import queries

log = logging.getLogger(__name__)

SUBSCRIBED = ("app_home_opened", "app_uninstalled", "tokens_revoked", "user_change")


class HandleEachEventOnce(Middleware):
    """Slack retries an event it thinks failed (X-Slack-Retry-Num), and any process may get the retry,
    so the record of what was handled lives in the database, keyed by Slack's event id.

    A Middleware class rather than a function: Bolt then skips working out its arguments on every
    request (slash commands and clicks pass through here too).
    """

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        body = req.body
        if body.get("type") == "event_callback" and body.get("event_id"):
            event_type = (body.get("event") or {}).get("type")
            with self.deps.db.session() as session:
                first = queries.first_sighting(
                    session, body["event_id"], body.get("team_id") or "", event_type, self.deps.now()
                )
            if not first:
                log.info("skipping repeated event %s (%s)", body["event_id"], event_type)
                return BoltResponse(status=200, body="")
        next()
        return resp


def register(app: App, deps: Deps) -> None:
    app.use(HandleEachEventOnce(deps))

    @after_ack(app.event("app_home_opened"), deps)
    def home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if event.get("tab", "home") != "home":
            return
        publish_home(deps, client, context.team_id or "", event["user"])

    @app.event("user_change")
    def user_changed(event: dict[str, Any], context: BoltContext) -> None:
        user = event.get("user") or {}
        team_id = context.team_id or user.get("team_id") or ""
        with deps.db.session() as session:
            staff = queries.staff_by_user(session, team_id, user.get("id") or "")
            if staff is not None:
                apply_profile(session, staff, user, deps.now())

    @app.event("app_uninstalled")
    def uninstalled(context: BoltContext) -> None:
        _forget_install(deps, context.team_id or "")

    @app.event("tokens_revoked")
    def tokens_revoked(event: dict[str, Any], context: BoltContext) -> None:
        if (event.get("tokens") or {}).get("bot"):
            _forget_install(deps, context.team_id or "")


def _forget_install(deps: Deps, team_id: str) -> None:
    """Stop sending to a workspace that removed us; its data stays until an admin asks to forget it."""
    with deps.db.session() as session:
        workspace = queries.ensure_workspace(session, team_id)
        workspace.uninstalled_at = deps.now()
    if deps.installation_store is not None:
        deps.installation_store.delete_all(enterprise_id=None, team_id=team_id)
