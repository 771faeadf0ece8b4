"""`/rapport help` and the answer to a word Rapport doesn't know."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block

from bot.messages import t
from bot.views.common import blocks_json, context, mrkdwn_escape, section

COMMANDS = ("feeling", "touchpoint", "client", "clients", "help")


def help_message(locale: str | None, unknown: str | None = None) -> dict[str, Any]:
    blocks: list[Block] = []
    if unknown is not None:
        blocks.append(section(t("help.unknown", locale, word=mrkdwn_escape(unknown))))
    blocks.append(section(t("help.intro", locale)))
    blocks.append(section("\n".join(t(f"help.{name}", locale) for name in COMMANDS)))
    blocks.append(context(t("help.footer", locale)))
    text = t("help.unknown", locale, word=unknown) if unknown is not None else t("help.intro", locale)
    return {"response_type": "ephemeral", "text": text, "blocks": blocks_json(blocks)}


def clients_list(names: list[tuple[str, str]], total: int, locale: str | None) -> dict[str, Any]:
    """`/rapport clients`: every client with its lead."""
    if not names:
        return {"response_type": "ephemeral", "text": t("clients.none", locale)}
    lines = [f"• *{mrkdwn_escape(name)}* {lead}" for name, lead in names]
    chunks: list[str] = []
    for line in lines:
        if chunks and len(chunks[-1]) + len(line) < 2900:
            chunks[-1] += "\n" + line
        else:
            chunks.append(line)
    blocks: list[Block] = [section(t("clients.header", locale, count=total))]
    blocks += [section(c) for c in chunks[:45]]
    if total > len(names):
        blocks.append(context(t("clients.more", locale, count=total - len(names))))
    return {
        "response_type": "ephemeral",
        "text": t("clients.header", locale, count=total),
        "blocks": blocks_json(blocks),
    }
