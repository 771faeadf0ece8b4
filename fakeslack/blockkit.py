"""Block Kit checks that mirror what Slack rejects with invalid_blocks.

slack_sdk's `validate_json()` covers block-level limits but not nested elements inside actions,
section fields, select options or text-object types, so those limits are checked here as well.
Every problem is reported Slack-style: "[ERROR] <what> [json-pointer:/blocks/3/elements/0/text]".
"""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.basic_objects import JsonObject
from slack_sdk.models.blocks import Block, BlockElement
from slack_sdk.models.views import View

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_MESSAGE_TEXT = 40_000
MAX_ATTACHMENTS = 100

# Limits from the Block Kit reference (https://api.slack.com/reference/block-kit).
SECTION_TEXT_MAX = 3000
SECTION_FIELD_MAX = 2000
SECTION_FIELDS_MAX = 10
HEADER_TEXT_MAX = 150
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
URL_MAX = 3000
ID_MAX = 255
PLACEHOLDER_MAX = 150
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150
LABEL_MAX = 2000
ALT_TEXT_MAX = 2000
ACTIONS_ELEMENTS_MAX = 25
VIEW_TITLE_MAX = 24
PRIVATE_METADATA_MAX = 3000

_SELECTS = {
    "static_select",
    "external_select",
    "users_select",
    "conversations_select",
    "channels_select",
    "multi_static_select",
    "multi_external_select",
    "multi_users_select",
    "multi_conversations_select",
    "multi_channels_select",
}


def _subclass_types(cls: type) -> set[str]:
    """All `type` names slack_sdk knows for a model hierarchy, so unknown types can be refused quietly."""
    out: set[str] = set()
    stack: list[type] = list(cls.__subclasses__())
    while stack:
        sub = stack.pop()
        stack.extend(sub.__subclasses__())
        t = getattr(sub, "type", None)
        if isinstance(t, str):
            out.add(t)
    return out


KNOWN_BLOCK_TYPES = _subclass_types(Block)
KNOWN_ELEMENT_TYPES = _subclass_types(BlockElement) | {"plain_text", "mrkdwn"}


def _validator_names(cls: type) -> tuple[str, ...]:
    """The methods JsonObject.validate_json calls on an instance of `cls` (dir() order), when no
    instance attribute is callable."""
    names = []
    for name in dir(cls):
        attr = getattr(cls, name, None)
        if not name.startswith("__") and callable(attr) and hasattr(attr, "validator"):
            names.append(name)
    return tuple(names)


_VIEW_VALIDATORS = _validator_names(View)


def _validate_view(view: View) -> None:
    """view.validate_json() without its dir()/getattr scan of every attribute on each call.

    For a View built from JSON no instance attribute is callable (values are JSON, text objects or
    ViewState), so validate_json calls exactly the class's validators, in this order. If slack_sdk
    overrides validate_json or an instance attribute shadows a validator, slack_sdk's own runs.
    """
    shadowed = not vars(view).keys().isdisjoint(_VIEW_VALIDATORS)
    if shadowed or View.validate_json is not JsonObject.validate_json:
        view.validate_json()
        return
    for name in _VIEW_VALIDATORS:
        getattr(view, name)()


def _err(message: str, pointer: str) -> str:
    return f"[ERROR] {message} [json-pointer:{pointer}]"


# slack_sdk's parse + validate_json is most of the fake's CPU per call (dir() scans, model objects), and
# apps send the same blocks again and again. So blocks and elements that passed are remembered by their
# exact JSON text: only passes are cached, never failures, so a payload that differs in any byte (or
# that failed before) is checked again from scratch. The key is exact only for json.loads output (str
# keys, lists, no custom objects), so the cache is used only when the caller says so (`decoded_json`).
# A (Block, text) entry means the whole block passed every check below, not only slack_sdk's: the SDK
# check of a block runs only when the block's own checks found nothing.
_SDK_PASSED: dict[tuple[type, str], Any] = {}  # (model, json text) -> parsed slack_sdk object
_SDK_PASSED_MAX = 2048
_MISS = object()


_KEY_ENCODER = json.JSONEncoder(check_circular=False)  # json.loads output has no cycles


def _json_key(obj: Any) -> str | None:
    try:
        return _KEY_ENCODER.encode(obj)
    except (TypeError, ValueError, RecursionError):
        return None


def clear_cache() -> None:
    """Forget the blocks and elements known to pass slack_sdk's checks."""
    _SDK_PASSED.clear()


class _Checker:
    """Collects Slack-style error strings while walking one message or view."""

    def __init__(self, *, decoded_json: bool = False) -> None:
        self.errors: list[str] = []
        self.block_ids: set[str] = set()
        self.use_cache = decoded_json
        self.parsed_blocks: list[Any] = []  # slack_sdk objects of the blocks that passed, in order

    def add(self, message: str, pointer: str) -> None:
        self.errors.append(_err(message, pointer))

    def _sdk(self, model: Any, obj: dict[str, Any], pointer: str, text: str | None = None) -> Any:
        """Run slack_sdk's own parse + validate_json on one block or element.

        Returns what slack_sdk parsed, or _MISS after adding the error. `text`: obj's JSON, if known.
        """
        key = None
        if self.use_cache:
            text = text if text is not None else _json_key(obj)
            if text is not None:
                key = (model, text)
                hit = _SDK_PASSED.get(key, _MISS)
                if hit is not _MISS:
                    return hit
        try:
            parsed = model.parse(obj)
            if parsed is not None:
                parsed.validate_json()
        except Exception as exc:  # slack_sdk raises several types for malformed input
            self.add(str(exc), pointer)
            return _MISS
        if key is not None:
            if len(_SDK_PASSED) >= _SDK_PASSED_MAX:
                _SDK_PASSED.clear()
            _SDK_PASSED[key] = parsed
        return parsed

    def text_obj(
        self, obj: Any, pointer: str, *, max_len: int | None, plain_only: bool = False, required: bool = True
    ) -> None:
        if obj is None:
            if required:
                self.add("missing required field: text object", pointer)
            return
        if not isinstance(obj, dict):
            self.add("must be a text object", pointer)
            return
        kind = obj.get("type")
        if kind not in ("plain_text", "mrkdwn"):
            self.add("text object type must be plain_text or mrkdwn", pointer + "/type")
        elif plain_only and kind != "plain_text":
            self.add("must be a plain_text object", pointer + "/type")
        text = obj.get("text")
        if not isinstance(text, str) or not text:
            self.add("must be more than 0 characters", pointer + "/text")
        elif max_len is not None and len(text) > max_len:
            self.add(f"must be less than {max_len + 1} characters", pointer + "/text")

    def str_field(self, value: Any, pointer: str, max_len: int) -> None:
        if value is None:
            return
        if not isinstance(value, str):
            self.add("must be a string", pointer)
        elif len(value) > max_len:
            self.add(f"must be less than {max_len + 1} characters", pointer)

    def option(self, opt: Any, pointer: str, *, plain_only: bool) -> None:
        if not isinstance(opt, dict):
            self.add("must be an option object", pointer)
            return
        self.text_obj(opt.get("text"), pointer + "/text", max_len=OPTION_TEXT_MAX, plain_only=plain_only)
        self.str_field(opt.get("value"), pointer + "/value", OPTION_VALUE_MAX)
        if "description" in opt:
            self.text_obj(opt["description"], pointer + "/description", max_len=OPTION_TEXT_MAX)

    def element(self, el: Any, pointer: str) -> None:
        """Check one interactive/context element with slack_sdk, then the limits slack_sdk skips."""
        if not isinstance(el, dict) or not isinstance(el.get("type"), str):
            self.add("must be an element object with a type", pointer)
            return
        kind = el["type"]
        if kind not in KNOWN_ELEMENT_TYPES:
            self.add(f"unsupported type: {kind}", pointer + "/type")
            return
        before = len(self.errors)
        self.str_field(el.get("action_id"), pointer + "/action_id", ID_MAX)
        if kind == "button":
            self.text_obj(el.get("text"), pointer + "/text", max_len=BUTTON_TEXT_MAX, plain_only=True)
            self.str_field(el.get("value"), pointer + "/value", BUTTON_VALUE_MAX)
            self.str_field(el.get("url"), pointer + "/url", URL_MAX)
        if "placeholder" in el:
            self.text_obj(
                el["placeholder"], pointer + "/placeholder", max_len=PLACEHOLDER_MAX, plain_only=True
            )
        if kind in _SELECTS or kind in ("overflow", "checkboxes", "radio_buttons"):
            plain = kind in _SELECTS or kind == "overflow"
            for i, opt in enumerate(el.get("options") or []):
                self.option(opt, f"{pointer}/options/{i}", plain_only=plain)
            for g, group in enumerate(el.get("option_groups") or []):
                for i, opt in enumerate((group or {}).get("options") or []):
                    self.option(opt, f"{pointer}/option_groups/{g}/options/{i}", plain_only=True)
        if kind == "image":
            self.str_field(el.get("alt_text"), pointer + "/alt_text", ALT_TEXT_MAX)
        if len(self.errors) == before:  # slack_sdk second, so one problem is reported once
            self._sdk(BlockElement, el, pointer)

    def block(self, block: Any, pointer: str) -> None:
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            self.add("must be a block object with a type", pointer)
            return
        kind = block["type"]
        if kind not in KNOWN_BLOCK_TYPES:
            self.add(f"unsupported type: {kind}", pointer + "/type")
            return
        text = _json_key(block) if self.use_cache else None
        if text is not None:
            passed = _SDK_PASSED.get((Block, text), _MISS)
            if passed is not _MISS:
                # This exact block passed every check before; only the check across blocks is left.
                block_id = block.get("block_id")
                if block_id is not None:
                    if block_id in self.block_ids:
                        self.add(f"duplicate block_id: {block_id}", pointer + "/block_id")
                        return
                    self.block_ids.add(block_id)
                self.parsed_blocks.append(passed)
                return
        before = len(self.errors)
        block_id = block.get("block_id")
        if block_id is not None:
            self.str_field(block_id, pointer + "/block_id", ID_MAX)
            if isinstance(block_id, str):  # anything else was refused just above
                if block_id in self.block_ids:
                    self.add(f"duplicate block_id: {block_id}", pointer + "/block_id")
                self.block_ids.add(block_id)
        if kind == "section":
            if "text" in block:
                self.text_obj(block["text"], pointer + "/text", max_len=SECTION_TEXT_MAX)
            fields = block.get("fields") or []
            if len(fields) > SECTION_FIELDS_MAX:
                self.add(f"must have at most {SECTION_FIELDS_MAX} items", pointer + "/fields")
            for i, f in enumerate(fields):
                self.text_obj(f, f"{pointer}/fields/{i}", max_len=SECTION_FIELD_MAX)
            if "accessory" in block:
                self.element(block["accessory"], pointer + "/accessory")
        elif kind == "header":
            self.text_obj(block.get("text"), pointer + "/text", max_len=HEADER_TEXT_MAX, plain_only=True)
        elif kind == "actions":
            elements = block.get("elements") or []
            if len(elements) > ACTIONS_ELEMENTS_MAX:
                self.add(f"must have at most {ACTIONS_ELEMENTS_MAX} items", pointer + "/elements")
            seen: set[str] = set()
            for i, el in enumerate(elements):
                self.element(el, f"{pointer}/elements/{i}")
                aid = el.get("action_id") if isinstance(el, dict) else None
                if aid is not None:
                    if aid in seen:
                        self.add(f"duplicate action_id: {aid}", f"{pointer}/elements/{i}/action_id")
                    seen.add(aid)
        elif kind == "context":
            for i, el in enumerate(block.get("elements") or []):
                if isinstance(el, dict) and el.get("type") in ("plain_text", "mrkdwn"):
                    self.text_obj(el, f"{pointer}/elements/{i}", max_len=None)
                elif isinstance(el, dict) and el.get("type") == "image":
                    self.element(el, f"{pointer}/elements/{i}")
                else:
                    self.add("context elements must be text or image", f"{pointer}/elements/{i}")
        elif kind == "input":
            self.text_obj(block.get("label"), pointer + "/label", max_len=LABEL_MAX, plain_only=True)
            if "hint" in block:
                self.text_obj(block["hint"], pointer + "/hint", max_len=LABEL_MAX, plain_only=True)
            if "element" not in block:
                self.add("missing required field: element", pointer)
            else:
                self.element(block["element"], pointer + "/element")
        elif kind == "image":
            self.str_field(block.get("alt_text"), pointer + "/alt_text", ALT_TEXT_MAX)
            self.str_field(block.get("image_url"), pointer + "/image_url", URL_MAX)
            if "title" in block:
                self.text_obj(block["title"], pointer + "/title", max_len=LABEL_MAX, plain_only=True)
        if len(self.errors) == before:
            parsed = self._sdk(Block, block, pointer, text)
            if parsed is not _MISS:
                self.parsed_blocks.append(parsed)

    def blocks(self, blocks: Any, pointer: str, max_blocks: int) -> None:
        if not isinstance(blocks, list):
            self.add("must be an array of blocks", pointer)
            return
        if len(blocks) > max_blocks:
            self.add(f"no more than {max_blocks} items allowed", pointer)
        for i, b in enumerate(blocks):
            self.block(b, f"{pointer}/{i}")


def check_blocks(
    blocks: Any,
    *,
    pointer: str = "/blocks",
    max_blocks: int = MAX_MESSAGE_BLOCKS,
    decoded_json: bool = False,
) -> list[str]:
    """Return Slack-style error strings for a message's blocks (empty list when valid).

    decoded_json=True: `blocks` is straight from json.loads, so passing blocks may be cached.
    """
    c = _Checker(decoded_json=decoded_json)
    c.blocks(blocks, pointer, max_blocks)
    return c.errors


def check_attachments(attachments: Any, *, decoded_json: bool = False) -> list[str]:
    """Validate blocks nested in legacy attachments, which Slack checks like message blocks."""
    if not isinstance(attachments, list):
        return [_err("must be an array of attachments", "/attachments")]
    errors: list[str] = []
    for i, att in enumerate(attachments):
        if not isinstance(att, dict):
            errors.append(_err("must be an attachment object", f"/attachments/{i}"))
        elif "blocks" in att:
            errors.extend(
                check_blocks(att["blocks"], pointer=f"/attachments/{i}/blocks", decoded_json=decoded_json)
            )
    return errors


def check_view(view: Any, *, decoded_json: bool = False) -> list[str]:
    """Return Slack-style error strings for a modal or Home tab view (empty list when valid).

    decoded_json=True: `view` is straight from json.loads, so passing blocks may be cached.
    """
    if not isinstance(view, dict):
        return [_err("must be a view object", "/view")]
    c = _Checker(decoded_json=decoded_json)
    kind = view.get("type")
    if kind not in ("modal", "home"):
        c.add("view type must be modal or home", "/view/type")
    if kind == "modal":
        c.text_obj(view.get("title"), "/view/title", max_len=VIEW_TITLE_MAX, plain_only=True)
        for key in ("submit", "close"):
            if key in view:
                c.text_obj(view[key], f"/view/{key}", max_len=VIEW_TITLE_MAX, plain_only=True)
        has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in view.get("blocks") or [])
        if has_input and "submit" not in view:
            c.add("submit is required when a modal has input blocks", "/view/submit")
    c.str_field(view.get("private_metadata"), "/view/private_metadata", PRIVATE_METADATA_MAX)
    c.str_field(view.get("callback_id"), "/view/callback_id", ID_MAX)
    c.str_field(view.get("external_id"), "/view/external_id", ID_MAX)
    c.blocks(view.get("blocks"), "/view/blocks", MAX_VIEW_BLOCKS)
    if not c.errors:  # slack_sdk last, so one problem is reported once
        try:
            if decoded_json:
                # Every block passed Block.parse above; hand View those very results instead of parsing
                # the blocks a second time (View's own checks are unchanged).
                blocks = view.get("blocks")
                if isinstance(blocks, list) and len(c.parsed_blocks) == len(blocks):
                    view = {**view, "blocks": c.parsed_blocks}
                _validate_view(View(**view))
            else:
                View(**view).validate_json()
        except Exception as exc:  # slack_sdk raises several types for malformed input
            c.add(str(exc), "/view")
    return c.errors
