"""The DM that asks how a client felt after a touchpoint, in each of its states."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Option, OverflowMenuElement

from bot.domain.feelings import FACES
from bot.messages import t
from bot.views.common import blocks_json, button, context, face_label, local_time, mrkdwn_escape, section


@dataclass(frozen=True)
class PromptFacts:
    prompt_id: int
    client_name: str
    title: str
    kind: str
    happened_at: datetime
    tz: str | None
    locale: str | None
    status: str
    score: int | None = None


def _names(f: PromptFacts) -> dict[str, str]:
    return {"client": mrkdwn_escape(f.client_name), "title": mrkdwn_escape(f.title)}


def _about(f: PromptFacts) -> str:
    return t(
        "prompt.context", f.locale, kind=t(f"kind.{f.kind}", f.locale), when=local_time(f.happened_at, f.tz)
    )


def question(f: PromptFacts, *, reminder: bool = False) -> dict[str, Any]:
    lc = f.locale
    key = "prompt.reminder" if reminder else "prompt.question"
    text = t(key, lc, **_names(f))
    pid = str(f.prompt_id)
    faces = ActionsBlock(
        block_id="prompt_faces",
        elements=[button(face_label(s), f"prompt_face_{s}", f"{pid}:{s}") for s in FACES],
    )
    more = ActionsBlock(
        block_id="prompt_more",
        elements=[
            button(t("prompt.details_button", lc), "prompt_details", pid),
            button(t("prompt.skip_button", lc), "prompt_skip", pid),
            OverflowMenuElement(
                action_id="prompt_snooze",
                options=[
                    Option(text=t(f"prompt.snooze.{choice}", lc), value=f"{pid}:{choice}")
                    for choice in ("1h", "3h", "1d")
                ],
            ),
        ],
    )
    blocks = [section(text), context(_about(f)), faces, more]
    return {"text": t(key, lc, client=f.client_name, title=f.title), "blocks": blocks_json(blocks)}


def answered(f: PromptFacts, score: int, checkin_id: int) -> dict[str, Any]:
    lc = f.locale
    text = t("prompt.answered", lc, face=face_label(score), **_names(f))
    actions = ActionsBlock(
        block_id="prompt_done",
        elements=[
            button(t("prompt.details_button", lc), "checkin_details", str(checkin_id)),
            button(t("common.undo", lc), "prompt_undo", str(f.prompt_id)),
        ],
    )
    return {"text": text, "blocks": blocks_json([section(text), context(_about(f)), actions])}


def skipped(f: PromptFacts) -> dict[str, Any]:
    lc = f.locale
    text = t("prompt.skipped", lc, **_names(f))
    actions = ActionsBlock(
        block_id="prompt_done", elements=[button(t("common.undo", lc), "prompt_undo", str(f.prompt_id))]
    )
    return {"text": text, "blocks": blocks_json([section(text), actions])}


def snoozed(f: PromptFacts, until: datetime) -> dict[str, Any]:
    text = t("prompt.snoozed", f.locale, when=local_time(until, f.tz, "%a %H:%M"), **_names(f))
    return {"text": text, "blocks": blocks_json([section(text)])}


def moved_to_reminder(f: PromptFacts) -> dict[str, Any]:
    text = t("prompt.moved", f.locale, **_names(f))
    return {"text": text, "blocks": blocks_json([section(text)])}


def expired(f: PromptFacts) -> dict[str, Any]:
    text = t("prompt.expired", f.locale, **_names(f))
    return {"text": text, "blocks": blocks_json([section(text), context(_about(f))])}


def settled(f: PromptFacts) -> dict[str, Any]:
    """Shown when a click arrives for a prompt that was already answered, skipped or expired."""
    text = t(f"prompt.already.{f.status}", f.locale, **_names(f))
    return {"text": text, "blocks": blocks_json([section(text)])}
