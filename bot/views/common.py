"""Small pieces every view uses."""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable, Hashable
from dataclasses import dataclass
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
    PlainTextObject,
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
    if type(view).to_dict is not JsonObject.to_dict:  # which validates first, and once is enough
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


def client_picker(client_id: int | None, client_name: str | None, locale: str | None) -> Block:
    """The type-ahead client input every form starts with (options come from the `client_select` handler)."""
    return _client_input(
        t("modal.feeling.client", locale),
        t("modal.feeling.client_placeholder", locale),
        str(client_id) if client_id else None,
        client_name,
    )


# --- JSON made once --------------------------------------------------------------------------
# slack_sdk's to_dict() costs ~40 us for even a one-line section (it walks every attribute of
# every nested object on each call). The hot /feeling views are mostly the same words each time,
# so slack_sdk builds, validates and converts each part once, and later calls copy that JSON.

_MARK = "\ue000"  # private-use character around a slot's name in a template
_CACHE_MAX = 256  # JSON kept per template; a template's fixed inputs are words of a locale and choices


@dataclass(frozen=True)
class Slot:
    """A per-call string in a `BlockTemplate`: a value no slack_sdk validator checks, up to `limit`.

    A longer value, or an empty one unless `omit_empty`, makes the block the slow way (through
    slack_sdk), which cuts it short or raises exactly as before. `omit_empty`: an empty value drops
    the key, as slack_sdk does for an empty attribute.
    """

    limit: int | None = None
    omit_empty: bool = False


@dataclass(frozen=True)
class _Made:
    blob: bytes  # the JSON, pickled: unpickling is the quickest deep copy
    slots: tuple[tuple[tuple[str | int, ...], str], ...]  # (path to a slot's key, slot name)


class BlockTemplate:
    """A block slack_sdk builds, validates and turns into JSON once per tuple of fixed inputs.

    `build(*fixed, **slots)` must make the block from its arguments alone; `fixed` (hashable: the
    words of a locale, which option is chosen...) is the cache key, so anything that changes the
    block and is not a slot must be in it. The JSON is made with a marker standing in for each slot
    and every use gets a fresh copy with the values put in; a caller may change it freely.
    """

    def __init__(self, build: Callable[..., Block], **slots: Slot) -> None:
        self.build = build
        self.slots = slots
        self._made: dict[tuple[Hashable, ...], _Made] = {}

    def __call__(self, *fixed: Hashable, **values: str | None) -> FrozenBlock:
        if values.keys() != self.slots.keys():
            raise TypeError(f"{self.build.__name__} takes the slots {sorted(self.slots)}")
        return FrozenBlock(self, fixed, values)

    def fast(self, values: dict[str, str | None]) -> bool:
        for name, slot in self.slots.items():
            value = values[name]
            if not value:
                if not slot.omit_empty:
                    return False
            elif slot.limit is not None and len(value) > slot.limit:
                return False
        return True

    def made(self, fixed: tuple[Hashable, ...]) -> _Made:
        made = self._made.get(fixed)
        if made is None:
            markers = {name: f"{_MARK}{name}{_MARK}" for name in self.slots}
            data = self.build(*fixed, **markers).to_dict()  # validates; raises before anything is kept
            made = _Made(pickle.dumps(data, pickle.HIGHEST_PROTOCOL), _find_slots(data, markers))
            if len(self._made) >= _CACHE_MAX:
                self._made.clear()
            self._made[fixed] = made
        return made


def _find_slots(data: Any, markers: dict[str, str]) -> tuple[tuple[tuple[str | int, ...], str], ...]:
    names = {marker: name for name, marker in markers.items()}
    found: list[tuple[tuple[str | int, ...], str]] = []

    def walk(node: Any, path: tuple[str | int, ...]) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            if isinstance(value, str) and _MARK in value and any(marker in value for marker in names):
                if value not in names or not isinstance(key, str):
                    raise ValueError(f"a slot must be a whole JSON value, not part of {value!r}")
                found.append(((*path, key), names[value]))
            else:
                walk(value, (*path, key))

    walk(data, ())
    missing = set(markers.values()) - {markers[name] for _, name in found}
    if missing:
        raise ValueError(f"slots missing from the JSON: {sorted(names[m] for m in missing)}")
    return tuple(found)


class FrozenBlock(Block):
    """A `BlockTemplate` with its inputs: a slack_sdk Block whose JSON comes from the template.

    Errors come where slack_sdk raised them before: from validate_json() and to_dict(). Only the
    JSON is there to read; `type` and `block_id` are left None.
    """

    def __init__(
        self, template: BlockTemplate, fixed: tuple[Hashable, ...], values: dict[str, str | None]
    ) -> None:
        super().__init__()
        self._template = template
        self._fixed = fixed
        self._values = values
        self._fast = template.fast(values)

    def _slow(self) -> Block:
        return self._template.build(*self._fixed, **self._values)

    def validate_json(self) -> None:
        if self._fast:
            self._template.made(self._fixed)
        else:
            self._slow().validate_json()

    def to_dict(self, *args: Any) -> dict[str, Any]:
        if not self._fast:
            return self._slow().to_dict()
        made = self._template.made(self._fixed)
        data: dict[str, Any] = pickle.loads(made.blob)
        for path, name in made.slots:
            node: Any = data
            for step in path[:-1]:
                node = node[step]
            value = self._values[name]
            if value:
                node[path[-1]] = value
            else:
                del node[path[-1]]
        return data


class FrozenText(PlainTextObject):
    """A plain_text object whose JSON is made once per text."""

    def to_dict(self, *args: Any) -> dict[str, Any]:
        key = (self.text, self.type, self.emoji)
        made = _TEXTS.get(key)
        if made is None:
            made = super().to_dict(*args)
            if len(_TEXTS) >= _CACHE_MAX:
                _TEXTS.clear()
            _TEXTS[key] = made
        return dict(made)  # flat: strings and a bool


_TEXTS: dict[tuple[Any, ...], dict[str, Any]] = {}


class FrozenView(View):
    """A slack_sdk View (validated by slack_sdk as ever) whose frozen parts' JSON is taken as it comes.

    slack_sdk's get_non_null_attributes walks the JSON each part hands back once more, copying it;
    for `FrozenBlock` and `FrozenText` parts that JSON is already fresh and plain. The keys, their
    order and what is left out are slack_sdk's; any other kind of part goes the slack_sdk way.
    """

    def get_non_null_attributes(self) -> dict[str, Any]:
        if self.attributes is not View.attributes:
            return super().get_non_null_attributes()
        json: dict[str, Any] = {}
        for key in _VIEW_KEYS:
            value = getattr(self, key, None)
            if value is None:
                continue
            if isinstance(value, str | bool | int):
                if isinstance(value, str) and not value:
                    continue
                json[key] = value
            elif isinstance(value, FrozenText):
                json[key] = value.to_dict()
            elif isinstance(value, list) and all(isinstance(part, FrozenBlock) for part in value):
                if value:
                    json[key] = [part.to_dict() for part in value]
            else:
                return super().get_non_null_attributes()
        return json


_VIEW_KEYS = tuple(sorted(View.attributes))


def plain_text(text: str) -> PlainTextObject | None:
    """What slack_sdk makes of a str given as a view's title, submit or close, as a `FrozenText`."""
    return FrozenText(text=text, emoji=True) if text else None


def _client_input(
    label: str, placeholder: str, client_id: str | None = None, client_name: str | None = None
) -> Block:
    initial = Option(text=client_name, value=client_id) if client_id and client_name else None
    return InputBlock(
        block_id="client",
        label=label,
        element=ExternalDataSelectElement(
            action_id="client_select", placeholder=placeholder, initial_option=initial, min_query_length=0
        ),
    )


_SECTION = BlockTemplate(section, text=Slot(limit=SECTION_MAX))
_CONTEXT = BlockTemplate(context, text=Slot(limit=SECTION_MAX))
_PICKER = BlockTemplate(_client_input)
_PICKER_WITH_CLIENT = BlockTemplate(
    _client_input,
    client_id=Slot(limit=Option.value_max_length),
    client_name=Slot(limit=Option.label_max_length),
)


def frozen_section(text: str) -> Block:
    """`section(text)`, its JSON made from a template."""
    return _SECTION(text=truncate(text, SECTION_MAX))


def frozen_context(text: str) -> Block:
    """`context(text)`, its JSON made from a template."""
    return _CONTEXT(text=truncate(text, SECTION_MAX))


def frozen_client_picker(client_id: int | None, client_name: str | None, locale: str | None) -> Block:
    """`client_picker(...)`, its JSON made once per locale's words."""
    words = (t("modal.feeling.client", locale), t("modal.feeling.client_placeholder", locale))
    if client_id and client_name:
        return _PICKER_WITH_CLIENT(*words, client_id=str(client_id), client_name=client_name)
    return _PICKER(*words)
