"""The "log a feeling" modal, its validation, and the confirmation after logging."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
)

from bot.domain import when
from bot.domain.feelings import FACES, Expectation
from bot.domain.hours import WorkingHours, zone
from bot.domain.text import NOTE_MAX, TAG_LEN_MAX, TAG_MAX, parse_tags, truncate
from bot.messages import t
from bot.services.checkins import Draft
from bot.services.followups import WHAT_MAX
from bot.services.followups import Draft as FollowUpDraft
from bot.views.common import (
    SECTION_MAX,
    answer,
    as_id,
    as_text,
    button,
    chosen,
    client_picker,
    context,
    drawn,
    face_label,
    metadata,
    modal_json,
    mrkdwn_escape,
    read_metadata,
    section,
)
from bot.views.followups import due_from_picks

CALLBACK = "feeling_modal"


@dataclass(frozen=True)
class ModalContext:
    """Where the modal came from, carried in private_metadata."""

    prompt_id: int | None = None
    checkin_id: int | None = None
    response_url: str | None = None
    fixed_client: str | None = None  # shown as text instead of a picker (prompt or amend)
    channel: str | None = None  # the DM prompt message to update after submit
    ts: str | None = None


def modal(
    draft: Draft, ctx: ModalContext, *, notice: str | None = None, locale: str | None = None
) -> dict[str, Any]:
    """The form, pre-filled with the draft. Its parts are kept by their words and choices (`drawn`)."""
    lc = locale
    blocks: list[dict[str, Any]] = []
    if notice:
        blocks.append(drawn(section, f":warning: {notice}"))
    if ctx.fixed_client:
        blocks.append(drawn(context, t("modal.feeling.about", lc, client=mrkdwn_escape(ctx.fixed_client))))
    else:
        blocks.append(client_picker(draft.client_id, draft.client_name, lc))
    score = draft.score if draft.score in FACES else None
    blocks.append(drawn(_score_input, t("modal.feeling.score", lc), score))
    expectations = tuple((t(f"expectation.{e.value}", lc), e.value) for e in Expectation)
    chosen = draft.expectation if draft.expectation in {e.value for e in Expectation} else None
    blocks.append(drawn(_expectation_input, t("modal.feeling.expectation", lc), expectations, chosen))
    note_words = (t("modal.feeling.note", lc), t("modal.feeling.note_placeholder", lc))
    hint = t("modal.feeling.note_hint", lc, limit=NOTE_MAX)
    blocks.append(drawn(_note_input, *note_words, hint, draft.note or None))
    tag_words = (t("modal.feeling.tags", lc), t("modal.feeling.tags_placeholder", lc))
    blocks.append(drawn(_tags_input, *tag_words, ", ".join(draft.tags) or None))
    promise_words = (t("modal.feeling.followup", lc), t("modal.feeling.followup_placeholder", lc))
    blocks.append(drawn(_followup_input, *promise_words))
    due_words = (t("modal.feeling.followup_date", lc), t("modal.feeling.followup_date_hint", lc))
    blocks.append(drawn(_followup_date_input, *due_words))
    meta = metadata(
        p=ctx.prompt_id, c=ctx.checkin_id, r=ctx.response_url, f=ctx.fixed_client, ch=ctx.channel, ts=ctx.ts
    )
    return modal_json(
        CALLBACK,
        t("modal.feeling.title", lc),
        t("modal.feeling.submit", lc),
        t("common.cancel", lc),
        meta,
        blocks,
    )


def _score_input(label: str, chosen: int | None) -> Block:
    faces = [Option(text=face_label(s), value=str(s)) for s in FACES]
    return InputBlock(
        block_id="score",
        label=label,
        element=RadioButtonsElement(
            action_id="score_pick", options=faces, initial_option=faces[chosen - 1] if chosen else None
        ),
    )


def _expectation_input(label: str, words: tuple[tuple[str, str], ...], chosen: str | None) -> Block:
    options = [Option(text=text, value=value) for text, value in words]
    return InputBlock(
        block_id="expectation",
        label=label,
        optional=True,
        element=RadioButtonsElement(
            action_id="expectation_pick",
            options=options,
            initial_option=next((o for o in options if o.value == chosen), None),
        ),
    )


def _note_input(label: str, placeholder: str, hint: str, initial: str | None) -> Block:
    # No max_length on purpose: a long note typed in a command must reach the form whole, and the
    # submit check explains the limit instead of Slack silently refusing to open it.
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


def _followup_input(label: str, placeholder: str) -> Block:
    return InputBlock(
        block_id="followup_what",
        label=label,
        optional=True,
        element=PlainTextInputElement(action_id="followup_what_input", placeholder=placeholder),
    )


def _followup_date_input(label: str, hint: str) -> Block:
    return InputBlock(
        block_id="followup_date",
        label=label,
        optional=True,
        hint=hint,
        element=DatePickerElement(action_id="followup_date_pick"),
    )


def context_of(raw: str | None) -> ModalContext:
    meta = read_metadata(raw)
    return ModalContext(
        prompt_id=as_id(meta.get("p")),
        checkin_id=as_id(meta.get("c")),
        response_url=as_text(meta.get("r")),
        fixed_client=as_text(meta.get("f")),
        channel=as_text(meta.get("ch")),
        ts=as_text(meta.get("ts")),
    )


def read(values: dict[str, Any], locale: str | None = None) -> tuple[Draft, dict[str, str]]:
    """The draft a submitted modal holds, and an error per block for anything to fix."""
    errors: dict[str, str] = {}
    client_id: int | None = None
    client_name: str | None = None
    if "client" in values:  # a form with a fixed client has no picker
        option = chosen(values, "client", "client_select")
        client_id = as_id(option.get("value"))
        label = option.get("text")
        client_name = as_text(label.get("text")) if isinstance(label, dict) else None
        if client_id is None:
            errors["client"] = no_client(locale)
    score = as_id(chosen(values, "score", "score_pick").get("value"))
    if score not in FACES:
        score = None
        errors["score"] = t("modal.feeling.error.score", locale)
    expectation = as_text(chosen(values, "expectation", "expectation_pick").get("value"))
    note = (as_text(answer(values, "note", "note_input").get("value")) or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = t("modal.feeling.error.note", locale, length=len(note), limit=NOTE_MAX)
    raw_tags = as_text(answer(values, "tags", "tags_input").get("value")) or ""
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


def read_promise(
    values: dict[str, Any], tz: str | None, wh: WorkingHours, now: datetime, locale: str | None = None
) -> tuple[FollowUpDraft | None, dict[str, str]]:
    """The form's "Follow-up needed": none when left empty; a day alone is an error (what about?).
    Without a day it is due by the end of the next working day."""
    what = (as_text(answer(values, "followup_what", "followup_what_input").get("value")) or "").strip()
    day = as_text(answer(values, "followup_date", "followup_date_pick").get("selected_date"))
    if not what:
        return None, ({"followup_what": t("modal.feeling.error.followup", locale)} if day else {})
    if len(what) > WHAT_MAX:
        too_long = t("followup.form.error.what_long", locale, length=len(what), limit=WHAT_MAX)
        return None, {"followup_what": too_long}
    if not day:
        by_then = when.by_next_working_day(now, tz, wh)
        # Kept as that day, so it is read again in the owner's zone once Slack says what it is.
        day_words = by_then.at.astimezone(zone(tz)).date().isoformat()
        return FollowUpDraft(what=what, due=by_then, due_words=day_words), {}
    due, problem = due_from_picks(day, None, tz, wh, now)
    if due is None:
        return None, {"followup_date": t(f"followup.form.error.{problem or 'date'}", locale)}
    return FollowUpDraft(what=what, due=due, due_words=day), {}


def logged(
    client_name: str,
    score: int,
    checkin_id: int,
    note: str | None,
    locale: str | None,
    *,
    recovery: bool = False,
) -> dict[str, Any]:
    """The ephemeral confirmation, with a cheap undo; after a bad one, a button for a recovery step."""
    # Drawn from kept parts, the values in place: this is the answer to every /feeling that logs.
    text = t("feeling.logged", locale, face=face_label(score), client=mrkdwn_escape(client_name))
    blocks = [drawn(section, text=truncate(text, SECTION_MAX))]
    if note:
        blocks.append(drawn(context, text=truncate(f"“{mrkdwn_escape(note)}”", SECTION_MAX)))
    words = (t("feeling.details_button", locale), t("common.undo", locale))
    blocks.append(drawn(_logged_actions, *words, checkin_id=str(checkin_id)))
    if recovery:
        blocks += recovery_ask(checkin_id, locale)
    return {"text": t("feeling.logged", locale, face=face_label(score), client=client_name), "blocks": blocks}


def _logged_actions(details: str, undo: str, checkin_id: str) -> Block:
    return ActionsBlock(
        block_id="checkin_logged",
        elements=[button(details, "checkin_details", checkin_id), button(undo, "checkin_undo", checkin_id)],
    )


def no_client(locale: str | None) -> str:
    return t("modal.feeling.error.client", locale)


def no_form(text: str, locale: str | None) -> str:
    """When the form cannot open: what was typed, so nothing is lost, and how to try again."""
    return t("feeling.no_trigger", locale, text=text or "—")


def saved(client_name: str, score: int, *, amended: bool, locale: str | None) -> str:
    """The line in the channel once the form was saved."""
    key = "feeling.amended" if amended else "feeling.logged"
    return t(key, locale, face=face_label(score), client=mrkdwn_escape(client_name))


def undone(client_name: str | None, locale: str | None) -> str:
    """After Undo: what was removed, or that there was nothing (left) of this person's to remove."""
    if client_name is None:
        return t("feeling.undo_gone", locale)
    return t("feeling.undone", locale, client=mrkdwn_escape(client_name))


def recovery_ask(checkin_id: int, locale: str | None) -> list[dict[str, Any]]:
    """After a bad check-in: what will you do to win them back? One click opens the follow-up form."""
    words = (t("feeling.recovery.ask", locale), t("feeling.recovery.button", locale))
    return [drawn(_recovery_ask, *words, checkin_id=str(checkin_id))]


def _recovery_ask(ask: str, label: str, checkin_id: str) -> Block:
    return SectionBlock(
        block_id="recovery",
        text=MarkdownTextObject(text=ask),
        accessory=button(label, "checkin_recovery", checkin_id, style="primary"),
    )
