"""Small pieces every view uses."""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable, Hashable
from datetime import datetime
from functools import lru_cache
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.basic_objects import JsonObject
from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    ExternalDataSelectElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
)
from slack_sdk.models.views import View

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


def face_label(score: int) -> str:
    return f"{FACES[score].emoji} {FACES[score].label}"


def local_time(at: datetime, tz: str | None, fmt: str = "%a %d %b %H:%M") -> str:
    return at.astimezone(zone(tz)).strftime(fmt)


def blocks_json(blocks: list[Block]) -> list[dict[str, Any]]:
    """Blocks as Slack's JSON; slack_sdk checks each against Slack's limits first and raises if over."""
    return [block.to_dict() for block in blocks]


def drawn(part: Callable[..., JsonObject], *args: Hashable, **values: str) -> dict[str, Any]:
    """`part(*args, **values).to_dict()`: a part built and checked by slack_sdk, its JSON kept for the
    next call (a fresh copy each time, free to change).

    What it buys: slack_sdk looks up every validator of every object on each to_dict(), about 40 µs
    an object (a button, 100 µs); the feeling form has some 35 objects (1.6 ms of CPU) and most of
    its parts are the same words every time. Kept, the form costs 0.07 ms (timeit, 2-core VM).

    `args` are the words and choices the part is made of. `values` are per-call strings (an id in a
    button's value) that each stand whole as JSON values: slack_sdk builds and checks the part
    once per `args` and per *length* of each value (the limits it checks on such fields are lengths),
    with a stand-in of that length; each call then gets its values in place of the stand-ins. A
    value must not be empty. `part` must depend on its arguments alone.
    """
    lengths = tuple(sorted((name, len(value)) for name, value in values.items()))
    made, places = _drawn(part, args, lengths)
    data: dict[str, Any] = pickle.loads(made)  # unpickling is the quickest deep copy
    for path, name in places:
        node: Any = data
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = values[name]
    return data


_STAND_IN = "\U000f0000"  # a private-use character no words of Rapport's contain


@lru_cache(maxsize=1024)
def _drawn(
    part: Callable[..., JsonObject], args: tuple[Hashable, ...], lengths: tuple[tuple[str, int], ...]
) -> tuple[bytes, tuple[tuple[tuple[str | int, ...], str], ...]]:
    stand_ins = {}
    for number, (name, length) in enumerate(lengths):
        if length < 1:
            raise ValueError(f"{name} is empty; give the part no value rather than an empty one")
        stand_ins[name] = (chr(0xF0001 + number) + _STAND_IN * length)[:length]
    data = part(*args, **stand_ins).to_dict()  # slack_sdk checks it, with values of these lengths
    names = {stand_in: name for name, stand_in in stand_ins.items()}
    places: list[tuple[tuple[str | int, ...], str]] = []

    def find(node: Any, path: tuple[str | int, ...]) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            if isinstance(value, str) and value in names:
                places.append(((*path, key), names[value]))
            else:
                find(value, (*path, key))

    find(data, ())
    if {name for _, name in places} != set(stand_ins):
        raise ValueError(
            f"each of {sorted(stand_ins)} must stand whole, as a JSON value, in the JSON of {part.__name__}"
        )
    return pickle.dumps(data, pickle.HIGHEST_PROTOCOL), tuple(places)


def modal_json(
    callback_id: str, title: str, submit: str, close: str, private_metadata: str, blocks: list[dict[str, Any]]
) -> dict[str, Any]:
    """A form: its frame (title, buttons) made and checked by slack_sdk and kept by `drawn`, with
    the form's own metadata and blocks, held to the same limits slack_sdk holds a View to."""
    if not 0 < len(blocks) <= View.blocks_max_length:
        raise SlackObjectFormationError(f"views must contain between 1 and {View.blocks_max_length} blocks")
    if len(private_metadata) > View.private_metadata_max_length:
        raise SlackObjectFormationError(
            f"private_metadata must be at most {View.private_metadata_max_length} characters"
        )
    made = {**drawn(_modal_frame, callback_id, title, submit, close), "blocks": blocks}
    if private_metadata:  # slack_sdk leaves an empty one out too
        made["private_metadata"] = private_metadata
    return made


def _modal_frame(callback_id: str, title: str, submit: str, close: str) -> View:
    # slack_sdk checks a view only with a block in it; the form's own blocks replace this one.
    return View(
        type="modal",
        callback_id=callback_id,
        title=title,
        submit=submit,
        close=close,
        blocks=[DividerBlock()],
    )


def metadata(**values: Any) -> str:
    return json.dumps({k: v for k, v in values.items() if v is not None}, separators=(",", ":"))


# --- reading what a form sends back: any shape may arrive, only the expected ones are used -----

ID_MAX = 2**63 - 1  # the largest id a database row can have


def as_id(value: Any) -> int | None:
    """A row id from a button, an option or a form's metadata: a positive whole number, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= ID_MAX else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        number = int(value)
        return number if 0 < number <= ID_MAX else None
    return None


def as_text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def submitted(view: Any) -> dict[str, Any]:
    """The values of a submitted form (`view.state.values`), or none when they are not there."""
    state = view.get("state") if isinstance(view, dict) else None
    values = state.get("values") if isinstance(state, dict) else None
    return values if isinstance(values, dict) else {}


def answer(values: dict[str, Any], block: str, action: str) -> dict[str, Any]:
    """What one input of a submitted form holds (its `value`, `selected_option`...), or {}."""
    inputs = values.get(block)
    held = inputs.get(action) if isinstance(inputs, dict) else None
    return held if isinstance(held, dict) else {}


def chosen(values: dict[str, Any], block: str, action: str) -> dict[str, Any]:
    """The option picked in one input of a submitted form, or {}."""
    option = answer(values, block, action).get("selected_option")
    return option if isinstance(option, dict) else {}


def read_metadata(raw: str | None) -> dict[str, Any]:
    if not isinstance(raw, str):
        return {}
    try:
        value = json.loads(raw or "{}")
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def client_picker(client_id: int | None, client_name: str | None, locale: str | None) -> dict[str, Any]:
    """The type-ahead client input every form starts with (options come from the `client_select` handler).

    A client's name may be longer than an option's text can be: it is cut to fit, the id decides.
    """
    chosen = (
        (str(client_id), truncate(client_name, Option.label_max_length))
        if client_id and client_name
        else None
    )
    words = (t("modal.feeling.client", locale), t("modal.feeling.client_placeholder", locale))
    return drawn(_client_input, *words, chosen)


def _client_input(label: str, placeholder: str, chosen: tuple[str, str] | None) -> Block:
    return InputBlock(
        block_id="client",
        label=label,
        element=ExternalDataSelectElement(
            action_id="client_select",
            placeholder=placeholder,
            initial_option=Option(value=chosen[0], text=chosen[1]) if chosen else None,
            min_query_length=0,
        ),
    )
