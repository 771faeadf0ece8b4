"""Small pieces every view uses."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    ExternalDataSelectElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
)

from bot.domain.feelings import FACES
from bot.domain.hours import zone
from bot.domain.problem import Problem
from bot.domain.text import truncate
from bot.messages import t

SECTION_MAX = 3000
BUTTON_MAX = 75


def notice(problem: Problem | None, locale: str | None) -> str | None:
    """Why a command could not be done at once, in words: shown at the top of the form it opened."""
    return t(problem.key, locale, **problem.values) if problem else None


def client_gone(locale: str | None) -> str:
    """A form's error when the client picked in it no longer exists."""
    return t("modal.feeling.error.gone", locale)


def mrkdwn_escape(text: str) -> str:
    """User text shown in mrkdwn: Slack needs &, < and > escaped, nothing more."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def section(text: str, accessory: Any = None) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=truncate(text, SECTION_MAX)), accessory=accessory)


def context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=truncate(text, SECTION_MAX))])


def button(text: str, action_id: str, value: str = "", style: str | None = None) -> ButtonElement:
    return ButtonElement(
        text=truncate(text, BUTTON_MAX), action_id=action_id, value=value or None, style=style
    )


def face(score: int) -> str:
    return FACES[score].emoji


def face_label(score: int) -> str:
    return f"{FACES[score].emoji} {FACES[score].label}"


def local_time(at: datetime, tz: str | None, fmt: str = "%a %d %b %H:%M") -> str:
    return at.astimezone(zone(tz)).strftime(fmt)


def blocks_json(blocks: list[Block]) -> list[dict[str, Any]]:
    """Blocks as Slack's JSON; slack_sdk checks each against Slack's limits first and raises if over."""
    return [block.to_dict() for block in blocks]


def metadata(**values: Any) -> str:
    return json.dumps({k: v for k, v in values.items() if v is not None}, separators=(",", ":"))


def read_metadata(raw: str | None) -> dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def client_picker(client_id: int | None, client_name: str | None, locale: str | None) -> Block:
    """The type-ahead client input every form starts with (options come from the `client_select` handler).

    A client's name may be longer than an option's text can be: it is cut to fit, the id decides.
    """
    initial = (
        Option(text=truncate(client_name, Option.label_max_length), value=str(client_id))
        if client_id and client_name
        else None
    )
    return InputBlock(
        block_id="client",
        label=t("modal.feeling.client", locale),
        element=ExternalDataSelectElement(
            action_id="client_select",
            placeholder=t("modal.feeling.client_placeholder", locale),
            initial_option=initial,
            min_query_length=0,
        ),
    )
