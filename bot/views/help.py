"""`/rapport help` and the answer to a word Rapport doesn't know."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block

from bot.messages import t
from bot.views.common import blocks_json, context, mrkdwn_escape, section

COMMANDS = (
    "feeling",
    "followup",
    "touchpoint",
    "waiting",
    "quiet",
    "client",
    "clients",
    "health",
    "digest",
    "export",
    "settings",
    "help",
)


def help_message(locale: str | None, unknown: str | None = None) -> dict[str, Any]:
    blocks: list[Block] = []
    if unknown is not None:
        blocks.append(section(t("help.unknown", locale, word=mrkdwn_escape(unknown))))
    blocks.append(section(t("help.intro", locale)))
    blocks.append(section("\n".join(t(f"help.{name}", locale) for name in COMMANDS)))
    blocks.append(context(t("help.footer", locale)))
    text = t("help.unknown", locale, word=unknown) if unknown is not None else t("help.intro", locale)
    return {"response_type": "ephemeral", "text": text, "blocks": blocks_json(blocks)}
