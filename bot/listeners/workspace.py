"""Events about the workspace itself: a person's profile changed, Rapport was removed."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext

from bot.deps import Deps
from bot.listeners.common import deps_of
from bot.services import followups, quiet, workspaces
from bot.services import staff as staff_service

EVENTS = ("user_change", "app_uninstalled", "tokens_revoked")  # subscriptions (see manifest.yml)


def register(app: App) -> None:
    app.event("user_change")(user_changed)
    app.event("app_uninstalled")(uninstalled)
    app.event("tokens_revoked")(tokens_revoked)


def user_changed(event: dict[str, Any], context: BoltContext) -> None:
    """A new time zone, locale, name or e-mail in Slack reaches the staff row at once."""
    deps = deps_of(context)
    user = event.get("user") or {}
    team_id = context.team_id or user.get("team_id") or ""
    with deps.db.session() as session:
        changed = staff_service.profile_changed(session, team_id, user, deps.now())
        if changed is not None:  # a new zone: their promises read again in it, silences counted in it
            followups.rezone(session, changed, deps.now())
            quiet.replan_for(session, changed, deps.now())


def uninstalled(context: BoltContext) -> None:
    _forget_install(deps_of(context), context.team_id or "")


def tokens_revoked(event: dict[str, Any], context: BoltContext) -> None:
    if (event.get("tokens") or {}).get("bot"):
        _forget_install(deps_of(context), context.team_id or "")


def _forget_install(deps: Deps, team_id: str) -> None:
    """Stop sending to a workspace that removed us; its data stays until an admin asks to forget it."""
    with deps.db.session() as session:
        workspaces.uninstalled(session, team_id, deps.now())
    if deps.installation_store is not None:
        deps.installation_store.delete_all(enterprise_id=None, team_id=team_id)
