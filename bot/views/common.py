"""Small pieces every view uses."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from slack_sdk.models.basic_objects import JsonObject
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
from slack_sdk.models.views import View

from bot.domain.feelings import FACES
from bot.domain.hours import zone
from bot.domain.text import truncate
from bot.messages import t


def _validate_json(self: JsonObject) -> None:
    """slack_sdk's JsonObject.validate_json, with the validators found once per class.

    The original runs dir() and getattr() over every attribute (properties included) of every
    nested object on each to_dict(): about 3 ms of CPU for the /feeling modal, 1 ms for the
    check-in confirmation. Same validators, same errors, found once per class.
    """
    cls = type(self)
    names = _VALIDATORS.get(cls)
    if names is None:
        names = tuple(
            name
            for name in dir(cls)
            if not name.startswith("__")
            and callable(getattr(cls, name, None))
            and hasattr(getattr(cls, name), "validator")
        )
        _VALIDATORS[cls] = names
    for name in names:
        getattr(self, name)()


_VALIDATORS: dict[type, tuple[str, ...]] = {}
JsonObject.validate_json = _validate_json  # type: ignore[method-assign]

SECTION_MAX = 3000
BUTTON_MAX = 75


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
    for block in blocks:
        block.validate_json()
    return [b.to_dict() for b in blocks]


def view_json(view: View) -> dict[str, Any]:
    view.validate_json()
    return view.to_dict()


def metadata(**values: Any) -> str:
    return json.dumps({k: v for k, v in values.items() if v is not None}, separators=(",", ":"))


def read_metadata(raw: str | None) -> dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def client_picker(client_id: int | None, client_name: str | None, locale: str | None) -> InputBlock:
    """The type-ahead client input every form starts with (options come from the `client_select` handler)."""
    initial = Option(text=client_name, value=str(client_id)) if client_id and client_name else None
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
