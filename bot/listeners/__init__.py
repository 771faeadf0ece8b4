"""Thin Slack handlers, grouped by surface. Each module has module-level handlers and a `register(app)`
that wires them; handlers find the app's collaborators with `common.deps_of(context)`."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners import (
    checkins,
    clients,
    digest,
    followups,
    home,
    prompts,
    quiet,
    rapport,
    settings,
    touchpoints,
    workspace,
)

SURFACES = (
    checkins,
    prompts,
    followups,
    quiet,
    touchpoints,
    clients,
    home,
    settings,
    digest,
    rapport,
    workspace,
)
# The Events API subscriptions the manifest must declare.
SUBSCRIBED = (*home.EVENTS, *workspace.EVENTS)


def register(app: App) -> None:
    for surface in SURFACES:
        surface.register(app)
