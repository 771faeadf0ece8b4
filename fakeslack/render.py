"""Render Block Kit as readable terminal text, so the offline demo and test failures show what a user sees.

Not a faithful Slack renderer: layout is one block per paragraph, mrkdwn markers (*bold*, _italic_)
are kept as typed, and Slack's angle-bracket entities (<@U1>, <#C1|x>, <url|label>) are resolved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

DIVIDER = "-" * 40
_DIM = "\x1b[2m"
_RESET = "\x1b[0m"
_ENTITY = re.compile(r"<([^<>]+)>")
_TEXT_INPUTS = {
    "plain_text_input",
    "email_text_input",
    "url_text_input",
    "number_input",
    "rich_text_input",
}


def _resolve_entity(body: str, users: Mapping[str, str]) -> str:
    target, _, label = body.partition("|")
    if target.startswith("@"):
        uid = target[1:]
        return "@" + (users.get(uid) or label or uid)
    if target.startswith("#"):
        return "#" + (label or target[1:])
    if target.startswith("!"):
        special = target[1:]
        if special.startswith(("subteam^", "date^")):
            return label or special
        return "@" + special
    return label or target.removeprefix("mailto:")


def mrkdwn(text: str, users: Mapping[str, str] | None = None) -> str:
    """Resolve <@U…>, <#C…|name>, <!here>, <url|label>; keep *bold*/_italic_ markers; unescape &amp; etc."""
    users = users or {}
    out = _ENTITY.sub(lambda m: _resolve_entity(m.group(1), users), text)
    return out.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _text(obj: Any, users: Mapping[str, str]) -> str:
    if isinstance(obj, str):
        return obj
    if not isinstance(obj, dict):
        return ""
    text = str(obj.get("text", ""))
    return mrkdwn(text, users) if obj.get("type") == "mrkdwn" else text


def _option_text(opt: Any, users: Mapping[str, str]) -> str:
    return _text(opt.get("text"), users) if isinstance(opt, dict) else ""


def _element(el: Any, users: Mapping[str, str]) -> str:
    """One interactive element as a bracketed widget."""
    if not isinstance(el, dict):
        return ""
    kind = str(el.get("type", ""))
    placeholder = _text(el.get("placeholder"), users)
    if kind in ("button", "workflow_button"):
        return f"[ {_text(el.get('text'), users)} ]"
    if kind in ("plain_text", "mrkdwn"):
        return _text(el, users)
    if kind == "image":
        return f"[image: {el.get('alt_text', '')}]"
    if kind == "overflow":
        return "[ ... ]"
    if kind.endswith("select"):
        chosen = ""
        if isinstance(el.get("initial_option"), dict):
            chosen = _option_text(el["initial_option"], users)
        elif el.get("initial_options"):
            chosen = ", ".join(_option_text(o, users) for o in el["initial_options"])
        elif el.get("initial_user"):
            chosen = "@" + users.get(el["initial_user"], el["initial_user"])
        elif el.get("initial_users"):
            chosen = ", ".join("@" + users.get(u, u) for u in el["initial_users"])
        elif el.get("initial_channel") or el.get("initial_conversation"):
            chosen = "#" + str(el.get("initial_channel") or el.get("initial_conversation"))
        label = "multi-select" if kind.startswith("multi_") else "select"
        return f"[ {label}: {chosen or placeholder} ]"
    if kind == "datepicker":
        return f"[ date: {el.get('initial_date') or placeholder} ]"
    if kind == "timepicker":
        return f"[ time: {el.get('initial_time') or placeholder} ]"
    if kind == "datetimepicker":
        return f"[ datetime: {el.get('initial_date_time') or placeholder} ]"
    if kind in ("checkboxes", "radio_buttons"):
        chosen_values = {
            o.get("value") for o in el.get("initial_options") or [el.get("initial_option") or {}] if o
        }
        on, off = ("[x]", "[ ]") if kind == "checkboxes" else ("(*)", "( )")
        return "  ".join(
            f"{on if o.get('value') in chosen_values else off} {_option_text(o, users)}"
            for o in el.get("options") or []
            if isinstance(o, dict)
        )
    if kind in _TEXT_INPUTS:
        return "____" + (f" ({el['initial_value']})" if el.get("initial_value") else "")
    return f"[{kind}]"


def _rich_text(elements: Any, users: Mapping[str, str]) -> str:
    """Flatten rich_text sub-elements (sections, lists, quotes, code) to lines."""
    lines: list[str] = []
    for el in elements or []:
        if not isinstance(el, dict):
            continue
        kind = el.get("type")
        if kind == "rich_text_list":
            bullet = "1." if el.get("style") == "ordered" else "•"
            for item in el.get("elements") or []:
                lines.append(f"{bullet} {_rich_inline(item.get('elements'), users)}")
        elif kind == "rich_text_quote":
            lines.extend("> " + line for line in _rich_inline(el.get("elements"), users).splitlines())
        elif kind == "rich_text_preformatted":
            lines.append("```" + _rich_inline(el.get("elements"), users) + "```")
        else:
            lines.append(_rich_inline(el.get("elements"), users))
    return "\n".join(lines)


def _rich_inline(elements: Any, users: Mapping[str, str]) -> str:
    parts: list[str] = []
    for el in elements or []:
        kind = el.get("type")
        if kind == "text":
            text = str(el.get("text", ""))
            style = el.get("style") or {}
            if style.get("bold"):
                text = f"*{text}*"
            if style.get("italic"):
                text = f"_{text}_"
            parts.append(text)
        elif kind == "link":
            parts.append(str(el.get("text") or el.get("url", "")))
        elif kind == "user":
            parts.append("@" + users.get(el.get("user_id", ""), el.get("user_id", "")))
        elif kind == "channel":
            parts.append("#" + str(el.get("channel_id", "")))
        elif kind == "emoji":
            parts.append(f":{el.get('name', '')}:")
        elif kind == "broadcast":
            parts.append("@" + str(el.get("range", "")))
    return "".join(parts)


def _block(block: Any, users: Mapping[str, str], color: bool) -> str:
    if not isinstance(block, dict):
        return ""
    kind = block.get("type")
    if kind == "header":
        title = _text(block.get("text"), users)
        return f"{title}\n{'=' * len(title)}"
    if kind == "divider":
        return DIVIDER
    if kind == "section":
        lines = []
        if block.get("text"):
            lines.append(_text(block["text"], users))
        lines.extend(_text(f, users) for f in block.get("fields") or [])
        out = "\n".join(lines)
        if block.get("accessory"):
            widget = _element(block["accessory"], users)
            out = f"{out}  {widget}" if out else widget
        return out
    if kind == "context":
        parts = [
            f"image: {el.get('alt_text', '')}"
            if isinstance(el, dict) and el.get("type") == "image"
            else _element(el, users)
            for el in block.get("elements") or []
        ]
        text = "[" + " | ".join(p for p in parts if p) + "]"
        return f"{_DIM}{text}{_RESET}" if color else text
    if kind == "actions":
        return "  ".join(_element(el, users) for el in block.get("elements") or [])
    if kind == "input":
        label = _text(block.get("label"), users)
        if block.get("optional"):
            label += " (optional)"
        return f"{label}: {_element(block.get('element'), users)}"
    if kind == "image":
        title = _text(block.get("title"), users)
        return f"[image: {block.get('alt_text', '')}]" + (f" {title}" if title else "")
    if kind == "rich_text":
        return _rich_text(block.get("elements"), users)
    if kind == "markdown":
        return str(block.get("text", ""))
    if kind == "video":
        return f"[video: {_text(block.get('title'), users)}]"
    return f"[{kind}]"


def _blocks(blocks: Any, users: Mapping[str, str], color: bool) -> str:
    return "\n".join(r for r in (_block(b, users, color) for b in blocks or []) if r)


def render_message(
    text: str | None,
    blocks: list[dict[str, Any]] | None = None,
    users: Mapping[str, str] | None = None,
    *,
    attachments: list[dict[str, Any]] | None = None,
    color: bool = False,
) -> str:
    """Plain-text view of a message: blocks when present (Slack shows those), else the text fallback."""
    users = users or {}
    body = _blocks(blocks, users, color) if blocks else mrkdwn(text or "", users)
    for att in attachments or []:
        inner = (
            _blocks(att.get("blocks"), users, color)
            if att.get("blocks")
            else mrkdwn(str(att.get("text") or att.get("fallback") or ""), users)
        )
        body += "\n" + "\n".join("| " + line for line in inner.splitlines())
    return body


def render_view(view: dict[str, Any], users: Mapping[str, str] | None = None, *, color: bool = False) -> str:
    """Plain-text view of a modal (title, blocks, Close/Submit) or a Home tab."""
    users = users or {}
    is_home = view.get("type") == "home"
    head = "== Home ==" if is_home else f"== {_text(view.get('title'), users)} =="
    parts = [head, _blocks(view.get("blocks"), users, color)]
    if view.get("type") == "modal":
        buttons = [f"[ {_text(view.get('close'), users) or 'Cancel'} ]"]
        if view.get("submit"):
            buttons.append(f"[ {_text(view['submit'], users)} ]")
        parts.append("  ".join(buttons))
    return "\n".join(p for p in parts if p)
