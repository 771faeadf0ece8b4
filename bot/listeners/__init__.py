"""Thin Slack handlers, grouped by kind. Each module has `register(app, deps)`."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from bot.listeners import actions, commands, events, options, shortcuts, views


def register(app: App, deps: Deps) -> None:
    for module in (commands, actions, views, options, events, shortcuts):
        module.register(app, deps)
