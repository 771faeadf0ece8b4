"""The "log a touchpoint" modal (from /rapport touchpoint, the Home tab or a message shortcut)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    DateTimePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticSelectElement,
)

from bot.domain.outreach import DIRECTIONS, OUTBOUND
from bot.messages import t
from bot.services.touchpoints import KINDS, TITLE_MAX, Recorded, TouchpointDraft
from bot.views.common import (
    answer,
    as_id,
    as_text,
    blocks_json,
    chosen,
    client_picker,
    local_time,
    metadata,
    modal_json,
    mrkdwn_escape,
    read_metadata,
    section,
)

CALLBACK = "touchpoint_modal"
CONTACT_MAX = 200


def modal(
    draft: TouchpointDraft,
    now: datetime,
    *,
    notice: str | None = None,
    permalink: str | None = None,
    response_url: str | None = None,
    locale: str | None = None,
) -> dict[str, Any]:
    lc = locale
    kinds = [Option(text=t(f"kind.{k}", lc), value=k) for k in KINDS]
    directions = [Option(text=t(f"direction.{d}", lc), value=d) for d in DIRECTIONS]
    blocks: list[Block] = []
    if notice:
        blocks.append(section(f":warning: {notice}"))
    blocks += [
        InputBlock(
            block_id="kind",
            label=t("modal.touchpoint.kind", lc),
            element=StaticSelectElement(
                action_id="kind_pick",
                options=kinds,
                initial_option=next((o for o in kinds if o.value == draft.kind), kinds[0]),
            ),
        ),
        InputBlock(
            block_id="title",
            label=t("modal.touchpoint.title_label", lc),
            element=PlainTextInputElement(
                action_id="title_input",
                initial_value=draft.title or None,
                placeholder=t("modal.touchpoint.title_placeholder", lc),
            ),
        ),
        InputBlock(
            block_id="when",
            label=t("modal.touchpoint.when", lc),
            element=DateTimePickerElement(action_id="when_pick", initial_date_time=int(now.timestamp())),
            hint=t("modal.touchpoint.when_hint", lc),
        ),
        InputBlock(
            block_id="contact",
            label=t("modal.touchpoint.contact", lc),
            optional=True,
            element=PlainTextInputElement(
                action_id="contact_input",
                initial_value=draft.contact or None,
                placeholder=t("modal.touchpoint.contact_placeholder", lc),
            ),
        ),
        InputBlock(
            block_id="direction",
            label=t("modal.touchpoint.direction", lc),
            optional=True,
            hint=t("modal.touchpoint.direction_hint", lc),
            element=RadioButtonsElement(
                action_id="direction_pick",
                options=directions,
                initial_option=next((o for o in directions if o.value == draft.direction), None),
            ),
        ),
    ]
    parts = blocks_json(blocks)
    parts.insert(1 if notice else 0, client_picker(draft.client_id, draft.client_name, lc))
    return modal_json(
        CALLBACK,
        t("modal.touchpoint.title", lc),
        t("modal.touchpoint.submit", lc),
        t("common.cancel", lc),
        metadata(l=permalink, r=response_url),
        parts,
    )


def read(
    values: dict[str, Any], now: datetime, locale: str | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    client_id = as_id(chosen(values, "client", "client_select").get("value"))
    if client_id is None:
        errors["client"] = t("modal.feeling.error.client", locale)
    kind = as_text(chosen(values, "kind", "kind_pick").get("value")) or "meeting"
    title = (as_text(answer(values, "title", "title_input").get("value")) or "").strip()
    if not title:
        errors["title"] = t("modal.touchpoint.error.title", locale)
    elif len(title) > TITLE_MAX:
        errors["title"] = t("modal.touchpoint.error.title_long", locale, length=len(title), limit=TITLE_MAX)
    stamp = answer(values, "when", "when_pick").get("selected_date_time")
    when = now
    if stamp is not None:
        picked = _moment(stamp)
        if picked is None:
            errors["when"] = t("modal.touchpoint.error.when", locale)
        else:
            when = picked
    contact = (as_text(answer(values, "contact", "contact_input").get("value")) or "").strip()
    if len(contact) > CONTACT_MAX:
        errors["contact"] = t("modal.touchpoint.error.contact", locale, limit=CONTACT_MAX)
    direction = as_text(chosen(values, "direction", "direction_pick").get("value"))
    return {
        "client_id": client_id,
        "kind": kind if kind in KINDS else "other",
        "title": title,
        "happened_at": when,
        "contact": contact or None,
        "direction": direction if direction in DIRECTIONS else None,
    }, errors


def origin_of(raw: Any) -> tuple[str | None, str | None]:
    """Where the form came from, from its metadata: (message permalink, response_url)."""
    meta = read_metadata(raw)
    return as_text(meta.get("l")), as_text(meta.get("r"))


# The date-time picker offers these years; anything outside them did not come from it.
EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)


def _moment(stamp: Any) -> datetime | None:
    if isinstance(stamp, bool) or not isinstance(stamp, int):
        return None
    if not EARLIEST.timestamp() <= stamp < LATEST.timestamp():
        return None
    return datetime.fromtimestamp(stamp, UTC)


def logged(done: Recorded, tz: str | None, locale: str | None) -> str:
    """The line confirming a touchpoint: when Rapport will ask how it went; for an outreach, that it
    waits for the answer; for an answer, that it stopped waiting."""
    who = (
        t("touchpoint.contact", locale, contact=mrkdwn_escape(done.contact_name)) if done.contact_name else ""
    )
    if done.direction == OUTBOUND:
        return t(
            "touchpoint.logged_outreach",
            locale,
            kind=t(f"kind.{done.kind}", locale).lower(),
            title=mrkdwn_escape(done.title),
            client=mrkdwn_escape(done.client_name),
            who=who,
            days=done.quiet_days or 0,
        )
    answered = t("touchpoint.answered", locale) if done.waiting == "answered" else ""
    when = (
        t("touchpoint.logged_when_later", locale, when=local_time(done.asks_at, tz)) if done.asks_at else ""
    )
    return (
        t(
            "touchpoint.logged",
            locale,
            kind=t(f"kind.{done.kind}", locale).lower(),
            title=mrkdwn_escape(done.title),
            client=mrkdwn_escape(done.client_name),
            when=when,
        )
        + answered
    )


def no_form(text: str, locale: str | None) -> str:
    return t("touchpoint.no_trigger", locale, text=text or "—")
