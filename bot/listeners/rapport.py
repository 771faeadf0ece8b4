"""`/rapport WORD …`: one command for everything but `/feeling`; each word is handled by its surface.

A capability adds its words to `WORDS`; `/rapport help` (or a word Rapport does not know) answers
with the list, never with silence.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.domain.text import unescape_slack
from bot.listeners import clients, digest, export, health, quiet, settings, touchpoints
from bot.views import help as help_view

# (ack, the text after the word, the command, the client, the context)
Subcommand = Callable[[Ack, str, dict[str, Any], WebClient, BoltContext], None]

WORDS: dict[str, Subcommand] = {
    "touchpoint": touchpoints.rapport_touchpoint,
    "tp": touchpoints.rapport_touchpoint,
    "client": clients.rapport_client,
    "clients": clients.rapport_clients,
    "waiting": quiet.rapport_waiting,
    "wachten": quiet.rapport_waiting,
    "quiet": quiet.rapport_quiet,
    "export": export.rapport_export,
    "settings": settings.rapport_settings,
    "instellingen": settings.rapport_settings,
    "digest": digest.rapport_digest,
    "health": health.rapport_health,
    "gezondheid": health.rapport_health,
}
HELP_WORDS = ("", "help", "?")


def register(app: App) -> None:
    app.command("/rapport")(rapport_command)


def rapport_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    text = unescape_slack(command.get("text") or "").strip()
    word, _, rest = text.partition(" ")
    word = word.lower()
    handler = WORDS.get(word)
    if handler is not None:
        handler(ack, rest.strip(), command, client, context)
    elif word in HELP_WORDS:
        ack(**help_view.help_message(None))
    else:
        ack(**help_view.help_message(None, unknown=word))
