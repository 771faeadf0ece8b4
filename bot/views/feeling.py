"""The "log a feeling" modal, its validation, and the confirmation after logging."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
)
from slack_sdk.models.views import View

from bot.domain.feelings import FACES, Expectation
from bot.domain.text import NOTE_MAX, TAG_LEN_MAX, TAG_MAX, parse_tags
from bot.messages import t
from bot.services.checkins import Draft
from bot.views.common import (
    BlockTemplate,
    FrozenView,
    Slot,
    blocks_json,
    button,
    face_label,
    frozen_client_picker,
    frozen_context,
    frozen_section,
    metadata,
    mrkdwn_escape,
    plain_text,
    read_metadata,
)

CALLBACK = "feeling_modal"


def _face_options() -> tuple[tuple[str, str], ...]:
    return tuple((face_label(s), str(s)) for s in FACES)


_EXPECTATIONS = tuple(e.value for e in Expectation)


def _expectation_options(locale: str | None) -> tuple[tuple[str, str], ...]:
    return tuple((t(f"expectation.{value}", locale), value) for value in _EXPECTATIONS)


# The parts of the modal, each built by slack_sdk from its arguments alone; `BlockTemplate` turns
# each into JSON once per set of words and choice (see bot.views.common).


def _score_input(label: str, options: tuple[tuple[str, str], ...], chosen: int | None) -> Block:
    faces = [Option(text=text, value=value) for text, value in options]
    return InputBlock(
        block_id="score",
        label=label,
        element=RadioButtonsElement(
            action_id="score_pick",
            options=faces,
            initial_option=faces[chosen] if chosen is not None else None,
        ),
    )


def _expectation_input(label: str, options: tuple[tuple[str, str], ...], chosen: int | None) -> Block:
    expectations = [Option(text=text, value=value) for text, value in options]
    return InputBlock(
        block_id="expectation",
        label=label,
        optional=True,
        element=RadioButtonsElement(
            action_id="expectation_pick",
            options=expectations,
            initial_option=expectations[chosen] if chosen is not None else None,
        ),
    )


def _note_input(label: str, placeholder: str, hint: str, initial: str | None) -> Block:
    # No max_length on purpose: a long note typed in a command must reach the form whole, and
    # the submit check explains the limit instead of Slack silently refusing to open it.
    return InputBlock(
        block_id="note",
        label=label,
        optional=True,
        element=PlainTextInputElement(
            action_id="note_input", multiline=True, initial_value=initial, placeholder=placeholder
        ),
        hint=hint,
    )


def _tags_input(label: str, placeholder: str, initial: str | None) -> Block:
    return InputBlock(
        block_id="tags",
        label=label,
        optional=True,
        element=PlainTextInputElement(action_id="tags_input", initial_value=initial, placeholder=placeholder),
    )


def _logged_actions(details: str, undo: str, checkin_id: str) -> Block:
    return ActionsBlock(
        block_id="checkin_logged",
        elements=[button(details, "checkin_details", checkin_id), button(undo, "checkin_undo", checkin_id)],
    )


_SCORE = BlockTemplate(_score_input)
_EXPECTATION = BlockTemplate(_expectation_input)
_NOTE = BlockTemplate(_note_input, initial=Slot(omit_empty=True))  # slack_sdk checks no initial_value
_TAGS = BlockTemplate(_tags_input, initial=Slot(omit_empty=True))
_LOGGED_ACTIONS = BlockTemplate(_logged_actions, checkin_id=Slot(limit=ButtonElement.value_max_length))


@dataclass(frozen=True)
class ModalContext:
    """Where the modal came from, carried in private_metadata."""

    prompt_id: int | None = None
    checkin_id: int | None = None
    response_url: str | None = None
    fixed_client: str | None = None  # shown as text instead of a picker (prompt or amend)
    channel: str | None = None  # the DM prompt message to update after submit
    ts: str | None = None


def modal(draft: Draft, ctx: ModalContext, *, notice: str | None = None, locale: str | None = None) -> View:
    lc = locale
    blocks: list[Block] = []
    if notice:
        blocks.append(frozen_section(f":warning: {notice}"))
    if ctx.fixed_client:
        blocks.append(frozen_context(t("modal.feeling.about", lc, client=mrkdwn_escape(ctx.fixed_client))))
    else:
        blocks.append(frozen_client_picker(draft.client_id, draft.client_name, lc))
    score = draft.score - 1 if draft.score in FACES else None
    blocks.append(_SCORE(t("modal.feeling.score", lc), _face_options(), score))
    expectations = _expectation_options(lc)
    chosen = next((i for i, (_, value) in enumerate(expectations) if value == draft.expectation), None)
    blocks.append(_EXPECTATION(t("modal.feeling.expectation", lc), expectations, chosen))
    blocks.append(
        _NOTE(
            t("modal.feeling.note", lc),
            t("modal.feeling.note_placeholder", lc),
            t("modal.feeling.note_hint", lc, limit=NOTE_MAX),
            initial=draft.note or None,
        )
    )
    blocks.append(
        _TAGS(
            t("modal.feeling.tags", lc),
            t("modal.feeling.tags_placeholder", lc),
            initial=", ".join(draft.tags) or None,
        )
    )
    meta = metadata(
        p=ctx.prompt_id, c=ctx.checkin_id, r=ctx.response_url, f=ctx.fixed_client, ch=ctx.channel, ts=ctx.ts
    )
    # A slack_sdk View as before (validated by slack_sdk in view_json/to_dict); its parts bring
    # JSON made once.
    return FrozenView(
        type="modal",
        callback_id=CALLBACK,
        title=plain_text(t("modal.feeling.title", lc)),
        submit=plain_text(t("modal.feeling.submit", lc)),
        close=plain_text(t("common.cancel", lc)),
        private_metadata=meta,
        blocks=blocks,
    )


def context_of(raw: str | None) -> ModalContext:
    meta = read_metadata(raw)
    return ModalContext(
        prompt_id=meta.get("p"),
        checkin_id=meta.get("c"),
        response_url=meta.get("r"),
        fixed_client=meta.get("f"),
        channel=meta.get("ch"),
        ts=meta.get("ts"),
    )


def read(values: dict[str, Any], locale: str | None = None) -> tuple[Draft, dict[str, str]]:
    """The draft a submitted modal holds, and an error per block for anything to fix."""
    errors: dict[str, str] = {}

    def state(block: str, action: str) -> dict[str, Any]:
        return values.get(block, {}).get(action, {}) or {}

    client_id: int | None = None
    client_name: str | None = None
    if "client" in values:
        option = state("client", "client_select").get("selected_option") or {}
        try:
            client_id = int(option.get("value", ""))
            client_name = (option.get("text") or {}).get("text")
        except ValueError:
            errors["client"] = t("modal.feeling.error.client", locale)
    score_option = state("score", "score_pick").get("selected_option") or {}
    score = int(score_option["value"]) if str(score_option.get("value", "")).isdigit() else None
    if score not in FACES:
        score = None
        errors["score"] = t("modal.feeling.error.score", locale)
    expectation = (state("expectation", "expectation_pick").get("selected_option") or {}).get("value")
    note = (state("note", "note_input").get("value") or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = t("modal.feeling.error.note", locale, length=len(note), limit=NOTE_MAX)
    raw_tags = state("tags", "tags_input").get("value") or ""
    words = [w for w in raw_tags.replace(",", " ").split() if w.strip("#")]
    if len(words) > TAG_MAX or any(len(w.lstrip("#")) > TAG_LEN_MAX for w in words):
        errors["tags"] = t("modal.feeling.error.tags", locale, max=TAG_MAX, length=TAG_LEN_MAX)
    draft = Draft(
        client_id=client_id,
        client_name=client_name,
        score=score,
        expectation=expectation if expectation in {e.value for e in Expectation} else None,
        note=note,
        tags=tuple(parse_tags(raw_tags)),
    )
    return draft, errors


def logged(
    client_name: str, score: int, checkin_id: int, note: str | None, locale: str | None
) -> dict[str, Any]:
    """The ephemeral confirmation, with a cheap undo."""
    text = t("feeling.logged", locale, face=face_label(score), client=mrkdwn_escape(client_name))
    blocks: list[Block] = [frozen_section(text)]
    if note:
        blocks.append(frozen_context(f"“{mrkdwn_escape(note)}”"))
    blocks.append(
        _LOGGED_ACTIONS(
            t("feeling.details_button", locale), t("common.undo", locale), checkin_id=str(checkin_id)
        )
    )
    return {
        "text": t("feeling.logged", locale, face=face_label(score), client=client_name),
        "blocks": blocks_json(blocks),
    }
