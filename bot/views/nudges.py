"""The DM that carries several nudges to one person: a header saying how many there are and why they
came together, then each nudge as its own kind drew it, a divider between them, within Slack's 50
blocks per message."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slack_sdk.models.blocks import DividerBlock, HeaderBlock

from bot.domain.text import truncate
from bot.messages import t
from bot.views.common import blocks_json, context, section

MESSAGE_BLOCKS = 50  # Slack's most blocks in one message
BLOCK_ID_MAX = 255
TEXT_MAX = 3000  # the notification text: the header and each nudge's own, cut here
_HEADER_BLOCKS = 2


@dataclass(frozen=True)
class Part:
    """One nudge: its outbox row, and what its kind drew (`text` and `blocks`)."""

    outbox_id: int
    content: dict[str, Any]

    def blocks(self) -> list[dict[str, Any]]:
        drawn = self.content.get("blocks")
        if drawn:
            return list(drawn)
        return blocks_json([section(str(self.content.get("text") or ""))])


def bundle(parts: Sequence[Part], *, locale: str | None, every: timedelta) -> tuple[dict[str, Any], int]:
    """The message for as many of `parts`, from the first, as fit in one message, and how many that
    is. A part that goes alone goes as its kind drew it, without the header."""
    used, count = _HEADER_BLOCKS, 0
    for part in parts:
        need = len(part.blocks()) + (1 if count else 0)  # a divider before every part but the first
        if used + need > MESSAGE_BLOCKS:
            break
        used, count = used + need, count + 1
    if count <= 1:
        return dict(parts[0].content), 1
    going = parts[:count]
    title = t("nudges.bundle.title", locale, count=count)
    blocks = blocks_json(
        [HeaderBlock(text=title), context(t("nudges.bundle.why", locale, every=_every(every, locale)))]
    )
    for n, part in enumerate(going):
        if n:
            blocks.append(DividerBlock().to_dict())
        blocks.extend(_own(block, part.outbox_id) for block in part.blocks())
    texts = [title, *(str(part.content.get("text") or "") for part in going)]
    return {"text": truncate("\n".join(text for text in texts if text), TEXT_MAX), "blocks": blocks}, count


def _own(block: dict[str, Any], outbox_id: int) -> dict[str, Any]:
    """A part's block with a block_id of its own in this message (Slack refuses a message that repeats
    one, and two nudges of a kind draw the same): `<its block_id>~<outbox id>`."""
    block_id = block.get("block_id")
    if not block_id:
        return block
    suffix = f"~{outbox_id}"
    return {**block, "block_id": str(block_id)[: BLOCK_ID_MAX - len(suffix)] + suffix}


def _every(gap: timedelta, locale: str | None) -> str:
    seconds = int(gap.total_seconds())
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return t("nudges.every.hour", locale) if hours == 1 else t("nudges.every.hours", locale, count=hours)
    if seconds % 60 == 0:
        minutes = seconds // 60
        if minutes == 1:
            return t("nudges.every.minute", locale)
        return t("nudges.every.minutes", locale, count=minutes)
    return t("nudges.every.seconds", locale, count=seconds)
