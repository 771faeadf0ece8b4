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
PART = "~"  # between a block's own id and its nudge's outbox row, in a message of several


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
        blocks.extend(_own(block, part.outbox_id, i) for i, block in enumerate(part.blocks()))
    texts = [title, *(str(part.content.get("text") or "") for part in going)]
    return {"text": truncate("\n".join(text for text in texts if text), TEXT_MAX), "blocks": blocks}, count


def _own(block: dict[str, Any], outbox_id: int, n: int) -> dict[str, Any]:
    """A part's block with a block_id of its own in this message, `<its block_id>~<outbox id>`: Slack
    refuses a message that repeats one (two nudges of a kind draw the same), and a button's block says
    which nudge it is on, so using it redraws that nudge alone (`replace_part`). A block drawn without
    an id gets `part<n>`."""
    block_id = str(block.get("block_id") or f"part{n}")
    suffix = f"{PART}{outbox_id}"
    return {**block, "block_id": block_id[: BLOCK_ID_MAX - len(suffix)] + suffix}


def part_of(block_id: Any) -> tuple[str, int | None]:
    """A block's id as its nudge drew it, and the outbox row of the nudge it belongs to when it sits in
    a message of several (None when the message is one nudge, or no nudge at all)."""
    text = str(block_id or "")
    base, sep, tail = text.rpartition(PART)
    if sep and tail.isdigit():
        return base, int(tail)
    return text, None


def replace_part(message: dict[str, Any], outbox_id: int, content: dict[str, Any]) -> dict[str, Any]:
    """A message of several nudges with one of them redrawn as `content` (a button on it was used, and
    it now says what happened); the other nudges, and the header, stay as they are. A message that
    does not hold that nudge is replaced by `content` whole."""
    blocks = [block for block in (message.get("blocks") or []) if isinstance(block, dict)]
    mine = [n for n, block in enumerate(blocks) if part_of(block.get("block_id"))[1] == outbox_id]
    if not mine:
        return content
    drawn = content.get("blocks") or blocks_json([section(str(content.get("text") or ""))])
    redrawn = [_own(block, outbox_id, n) for n, block in enumerate(drawn)]
    blocks[mine[0] : mine[-1] + 1] = redrawn
    return {"text": str(message.get("text") or content.get("text") or ""), "blocks": blocks}


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
