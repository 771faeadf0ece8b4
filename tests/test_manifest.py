"""The manifest and the code agree: every command, shortcut and subscribed event has a listener."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.listeners import SUBSCRIBED
from bot.listeners.touchpoints import SHORTCUT
from config.settings import BOT_SCOPES

MANIFEST = yaml.safe_load((Path(__file__).resolve().parent.parent / "manifest.yml").read_text())


def test_every_subscribed_event_has_a_listener(rapport):
    events = MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    assert sorted(events) == sorted(SUBSCRIBED)
    samples = {
        "app_home_opened": {"user": "U01LEAD001", "channel": "D0LEAD", "tab": "home"},
        "app_uninstalled": {},
        "tokens_revoked": {"tokens": {"oauth": [], "bot": ["UBOT"]}},
        "user_change": {"user": {"id": "U01LEAD001", "team_id": "T0001", "tz": "Europe/Amsterdam"}},
    }
    for event_type in events:
        # Bolt answers 404 to an event no listener matches.
        assert rapport.slack.event({"type": event_type, **samples[event_type]}).status == 200, event_type


def test_commands_and_shortcut_in_manifest_are_handled(rapport):
    commands = {c["command"] for c in MANIFEST["features"]["slash_commands"]}
    assert commands == {"/feeling", "/followup", "/rapport"}
    for command in commands:
        response = rapport.slack.command(command, "help" if command == "/rapport" else "", user="U01LEAD001")
        assert response.status == 200
    assert MANIFEST["features"]["shortcuts"][0]["callback_id"] == SHORTCUT


def test_socket_mode_home_tab_and_scopes_match_the_code():
    assert MANIFEST["settings"]["socket_mode_enabled"] is True
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True
    assert sorted(MANIFEST["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)
