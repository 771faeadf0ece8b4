"""The message shortcut "Log as client touchpoint"."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from bot.domain.text import truncate
from bot.listeners.common import after_ack, open_view
from bot.services.staff import ensure_staff
from bot.services.touchpoints import TouchpointDraft
from bot.views import touchpoint as touchpoint_view

SHORTCUT = "log_touchpoint"


def register(app: App, deps: Deps) -> None:
    @after_ack(app.shortcut(SHORTCUT), deps)
    def log_touchpoint(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        message = body.get("message") or {}
        first_line = (message.get("text") or "").strip().splitlines()[:1]
        title = truncate(first_line[0], 120) if first_line else ""
        with deps.db.session() as session:
            locale = ensure_staff(session, context.team_id or "", context.user_id or "").locale
        channel = (body.get("channel") or {}).get("id")
        permalink = f"slack://channel?id={channel}&message={message.get('ts')}" if channel else None
        view = touchpoint_view.modal(
            TouchpointDraft(kind="chat", title=title),
            deps.now(),
            permalink=permalink,
            response_url=body.get("response_url"),
            locale=locale,
        )
        open_view(client, body.get("trigger_id"), view)
