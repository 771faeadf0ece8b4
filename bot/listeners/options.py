"""Type-ahead for the client pickers (external_select)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.deps import Deps
from bot.domain.text import truncate
from bot.services import clients


def register(app: App, deps: Deps) -> None:
    @app.options("client_select")
    def client_options(ack: Ack, payload: dict[str, Any], context: BoltContext) -> None:
        with deps.db.session() as session:
            found = clients.options(session, context.team_id or "", payload.get("value") or "")
        ack(
            options=[
                {"text": {"type": "plain_text", "text": truncate(name, 75)}, "value": str(client_id)}
                for client_id, name in found
            ]
        )
