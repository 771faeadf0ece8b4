"""The DM that asks how a client felt after a touchpoint, in each of its states."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Option, OverflowMenuElement

from bot.domain.feelings import FACES, is_bad
from bot.messages import t
from bot.services.prompts import Outcome, PromptFacts
from bot.views.common import blocks_json, button, context, face_label, local_time, mrkdwn_escape, section
from bot.views.feeling import recovery_ask


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


def answered(f: PromptFacts, score: int, checkin_id: int, *, recovery: bool = False) -> dict[str, Any]:
    lc = f.locale
    text = t("prompt.answered", lc, face=face_label(score), **_names(f))
    actions = ActionsBlock(
        block_id="prompt_done",
        elements=[
            button(t("prompt.details_button", lc), "checkin_details", str(checkin_id)),
            button(t("common.undo", lc), "prompt_undo", str(f.prompt_id)),
        ],
    )
    blocks = blocks_json([section(text), context(_about(f)), actions])
    if recovery:
        blocks += recovery_ask(checkin_id, lc)
    return {"text": text, "blocks": blocks}


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


def after_click(f: PromptFacts, outcome: Outcome) -> dict[str, Any]:
    """The prompt message once a button on it was clicked; how it was settled when it already was."""
    if not outcome.changed:
        return settled(f)
    if outcome.change == "answer" and outcome.score is not None and outcome.checkin_id is not None:
        return answered(f, outcome.score, outcome.checkin_id, recovery=is_bad(outcome.score, None))
    if outcome.change == "skip":
        return skipped(f)
    if outcome.change == "snooze" and outcome.until is not None:
        return snoozed(f, outcome.until)
    return question(f)  # undone: asking again


def settled(f: PromptFacts) -> dict[str, Any]:
    """Shown when a click arrives for a prompt that was already answered, skipped or expired."""
    text = t(f"prompt.already.{f.status}", f.locale, **_names(f))
    return {"text": text, "blocks": blocks_json([section(text)])}
