"""Follow-ups as people see them: the confirmation, the form, my list, and the nudges with buttons.

Every nudge says why it was sent, and answering it never needs typing: Done, Snooze, Reassign and
Not needed are buttons, a select and a menu.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    DatePickerElement,
    InputBlock,
    Option,
    OverflowMenuElement,
    PlainTextInputElement,
    StaticSelectElement,
    TimePickerElement,
    UserSelectElement,
)

from bot.domain import when
from bot.domain.hours import WorkingHours, zone
from bot.messages import t
from bot.services.checkins import BadCheckIn
from bot.services.followups import SNOOZES, WHAT_MAX, Draft, FollowUpFacts, Outcome, Recorded
from bot.views.common import (
    answer,
    as_text,
    blocks_json,
    button,
    client_picker,
    context,
    drawn,
    face_label,
    local_time,
    modal_json,
    mrkdwn_escape,
    section,
)

CALLBACK = "followup_modal"
LIST_MAX = 15  # follow-ups shown by `/followup list`, each a section: well inside 50 blocks


def due_text(
    facts_or_due: FollowUpFacts | when.Due, tz: str | None, locale: str | None, now: datetime
) -> str:
    due = (
        facts_or_due
        if isinstance(facts_or_due, when.Due)
        else when.Due(facts_or_due.due_at, facts_or_due.has_time)
    )
    return when.describe(due, tz, locale or "en", now)


def recorded(done: Recorded, tz: str | None, locale: str | None, now: datetime) -> dict[str, Any]:
    text = t(
        "followup.recorded",
        locale,
        what=mrkdwn_escape(done.what),
        client=mrkdwn_escape(done.client_name),
        due=due_text(done.due, tz, locale, now),
    )
    return {"response_type": "ephemeral", "text": text}


def _names(facts: FollowUpFacts) -> dict[str, str]:
    return {"what": mrkdwn_escape(facts.what), "client": mrkdwn_escape(facts.client_name)}


def _buttons(facts: FollowUpFacts, locale: str | None) -> Block:
    fid = str(facts.followup_id)
    return ActionsBlock(
        block_id=f"followup_actions:{fid}",
        elements=[
            button(t("followup.done_button", locale), "followup_done", fid, style="primary"),
            StaticSelectElement(
                action_id="followup_snooze",
                placeholder=t("followup.snooze_button", locale),
                options=[Option(text=t(f"followup.snooze.{c}", locale), value=f"{fid}:{c}") for c in SNOOZES],
            ),
            UserSelectElement(
                action_id="followup_reassign", placeholder=t("followup.reassign_button", locale)
            ),
            button(t("followup.not_needed_button", locale), "followup_not_needed", fid),
        ],
    )


def nudge_blocks(facts: FollowUpFacts, stage: str, now: datetime, *, for_owner: bool = True) -> list[Block]:
    """One nudge: what is owed to whom, since when, why this message, and the buttons."""
    lc, tz = facts.locale, facts.tz
    key = {"due": "followup.nudge.due", "reminder": "followup.nudge.reminder"}.get(
        stage, "followup.nudge.escalation"
    )
    text = t(key, lc, due=due_text(facts, tz, lc, now), **_names(facts))
    if not for_owner:
        why_key = "followup.nudge.why_escalated"
    elif facts.stage == "escalate":  # no reminder left: the partner or backup hears next
        why_key = "followup.nudge.why_last"
    else:
        why_key = "followup.nudge.why"
    why = t(
        why_key,
        lc,
        made=local_time(facts.made_at, tz, "%a %d %b"),
        owner=f"<@{facts.owner_user_id}>" if facts.owner_user_id else "—",
    )
    return [section(text), context(why), _buttons(facts, lc)]


def nudge(facts: FollowUpFacts, stage: str, now: datetime, *, for_owner: bool = True) -> dict[str, Any]:
    blocks = nudge_blocks(facts, stage, now, for_owner=for_owner)
    text = t("followup.nudge.fallback", facts.locale, what=facts.what, client=facts.client_name)
    return {"text": text, "blocks": blocks_json(blocks)}


def after_click(facts: FollowUpFacts, outcome: Outcome, now: datetime) -> dict[str, Any]:
    """The nudge once a button on it was used: what happened, with undo where it is cheap."""
    lc, tz = facts.locale, facts.tz
    fid = str(facts.followup_id)
    if not outcome.changed:
        text = t(f"followup.already.{facts.status}", lc, **_names(facts))
        return {"text": text, "blocks": blocks_json([section(text)])}
    if outcome.change == "snooze" and outcome.until is not None:
        text = t(
            "followup.snoozed", lc, when=local_time(outcome.until, tz, "%a %d %b %H:%M"), **_names(facts)
        )
        return {"text": text, "blocks": blocks_json([section(text)])}
    if outcome.change == "reassign":
        text = t("followup.reassigned", lc, who=f"<@{outcome.new_owner_user_id}>", **_names(facts))
        return {"text": text, "blocks": blocks_json([section(text)])}
    if outcome.change == "undo":
        return nudge(facts, "due", now)
    key = "followup.done" if outcome.change == "done" else "followup.not_needed"
    text = t(key, lc, **_names(facts))
    undo = ActionsBlock(
        block_id=f"followup_undo:{fid}", elements=[button(t("common.undo", lc), "followup_undo", fid)]
    )
    return {"text": text, "blocks": blocks_json([section(text), undo])}


def item(facts: FollowUpFacts, tz: str | None, locale: str | None, now: datetime) -> Block:
    """One open follow-up in a list (`/followup list`, the Home tab), with a menu to settle it."""
    line = t(
        "followup.list.overdue_line" if facts.overdue(now) else "followup.list.line",
        locale,
        due=due_text(facts, tz, locale, now),
        **_names(facts),
    )
    fid = str(facts.followup_id)
    menu = OverflowMenuElement(
        action_id="followup_menu",
        options=[
            Option(text=t("followup.done_button", locale), value=f"{fid}:done"),
            Option(text=t("followup.snooze.tomorrow", locale), value=f"{fid}:snooze:tomorrow"),
            Option(text=t("followup.snooze.next_week", locale), value=f"{fid}:snooze:next_week"),
            Option(text=t("followup.not_needed_button", locale), value=f"{fid}:not_needed"),
        ],
    )
    return section(line, menu)


def listing(
    open_ones: list[FollowUpFacts], tz: str | None, locale: str | None, now: datetime
) -> dict[str, Any]:
    """`/followup list`: my open follow-ups, overdue first, each with a menu to settle it."""
    if not open_ones:
        return {"response_type": "ephemeral", "text": t("followup.list.none", locale)}
    overdue = [f for f in open_ones if f.overdue(now)]
    later = [f for f in open_ones if not f.overdue(now)]
    blocks: list[Block] = [
        section(t("followup.list.header", locale, count=len(open_ones), overdue=len(overdue)))
    ]
    for facts in (overdue + later)[:LIST_MAX]:
        blocks.append(item(facts, tz, locale, now))
    if len(open_ones) > LIST_MAX:
        blocks.append(context(t("followup.list.more", locale, count=len(open_ones) - LIST_MAX)))
    text = t("followup.list.header", locale, count=len(open_ones), overdue=len(overdue))
    return {"response_type": "ephemeral", "text": text, "blocks": blocks_json(blocks)}


# --- the form ----------------------------------------------------------------------------------------


def modal(
    draft: Draft,
    now: datetime,
    tz: str | None,
    *,
    notice: str | None = None,
    response_url: str | None = None,
    checkin_id: int | None = None,
    wait_id: int | None = None,
    part: tuple[str, str, int] | None = None,
    locale: str | None = None,
) -> dict[str, Any]:
    """The follow-up form, pre-filled with what was typed; a date to pick, a time if one was promised.
    `checkin_id`: a recovery step after that check-in; `wait_id`: chasing that unanswered outreach;
    `part`: the nudge it came from, when that sat with others in one message (channel, ts, outbox id)."""
    lc = locale
    blocks: list[dict[str, Any]] = []
    if notice:
        blocks.append(drawn(section, f":warning: {notice}"))
    blocks.append(client_picker(draft.client_id, draft.client_name, lc))
    blocks.append(
        drawn(
            _what_input,
            t("followup.form.what", lc),
            t("followup.form.what_placeholder", lc),
            draft.what or None,
        )
    )
    local = draft.due.at.astimezone(zone(tz)) if draft.due else None
    day = (local.date() if local else now.astimezone(zone(tz)).date()).isoformat()
    clock = local.strftime("%H:%M") if local and draft.due and draft.due.has_time else None
    blocks.append(drawn(_date_input, t("followup.form.date", lc), day))
    blocks.append(drawn(_time_input, t("followup.form.time", lc), t("followup.form.time_hint", lc), clock))
    from bot.views.common import metadata

    return modal_json(
        CALLBACK,
        t("followup.form.title", lc),
        t("followup.form.submit", lc),
        t("common.cancel", lc),
        metadata(
            r=response_url,
            c=checkin_id,
            w=wait_id,
            **({"pc": part[0], "pt": part[1], "pn": part[2]} if part else {}),
        ),
        blocks,
    )


def _what_input(label: str, placeholder: str, initial: str | None) -> Block:
    return InputBlock(
        block_id="what",
        label=label,
        element=PlainTextInputElement(action_id="what_input", initial_value=initial, placeholder=placeholder),
    )


def _date_input(label: str, day: str) -> Block:
    return InputBlock(
        block_id="date", label=label, element=DatePickerElement(action_id="date_pick", initial_date=day)
    )


def _time_input(label: str, hint: str, clock: str | None) -> Block:
    return InputBlock(
        block_id="time",
        label=label,
        optional=True,
        hint=hint,
        element=TimePickerElement(action_id="time_pick", initial_time=clock),
    )


def read(
    values: dict[str, Any], tz: str | None, wh: WorkingHours, now: datetime, locale: str | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """The client, the promise and when it is due, from a submitted form; an error per block to fix."""
    from bot.views.common import as_id, chosen

    errors: dict[str, str] = {}
    client_id = as_id(chosen(values, "client", "client_select").get("value"))
    if client_id is None:
        errors["client"] = t("modal.feeling.error.client", locale)
    what = (as_text(answer(values, "what", "what_input").get("value")) or "").strip()
    if not what:
        errors["what"] = t("followup.form.error.what", locale)
    elif len(what) > WHAT_MAX:
        errors["what"] = t("followup.form.error.what_long", locale, length=len(what), limit=WHAT_MAX)
    day = as_text(answer(values, "date", "date_pick").get("selected_date"))
    clock = as_text(answer(values, "time", "time_pick").get("selected_time"))
    due, problem = due_from_picks(day, clock, tz, wh, now)
    if problem:
        errors["time" if problem == "past" and clock else "date"] = t(
            f"followup.form.error.{problem}", locale
        )
    due_words = f"{day} {clock}" if clock else day
    return {"client_id": client_id, "what": what, "due": due, "due_words": due_words}, errors


def due_from_picks(
    day: str | None, clock: str | None, tz: str | None, wh: WorkingHours, now: datetime
) -> tuple[when.Due | None, str | None]:
    """The due moment a picked day (and time) make, or why there is none ("date", "past")."""
    try:
        picked = datetime.strptime(day or "", "%Y-%m-%d").date()
        at_time = time.fromisoformat(clock) if clock else None
    except ValueError:
        return None, "date"
    if at_time is not None:
        due = when.Due(datetime.combine(picked, at_time, tzinfo=zone(tz)).astimezone(UTC), True)
        return (due, None) if due.at > now else (None, "past")
    # A day without a time: due by the end of that working day, as `/followup … friday` would be.
    due_by_day = when.read_when(picked.isoformat(), now, tz, wh)
    return (due_by_day, None) if due_by_day is not None else (None, "past")


def origin_of(view: Any) -> tuple[str | None, int | None, int | None]:
    """Where the form came from: the command's response_url, the check-in it recovers from, and the
    unanswered outreach it chases."""
    from bot.views.common import as_id, read_metadata

    meta = read_metadata(view.get("private_metadata") if isinstance(view, dict) else None)
    return as_text(meta.get("r")), as_id(meta.get("c")), as_id(meta.get("w"))


def part_of_origin(view: Any) -> tuple[str, str, int] | None:
    """The message and nudge the form came from, when that nudge sat with others in one message."""
    from bot.views.common import as_id, read_metadata

    meta = read_metadata(view.get("private_metadata") if isinstance(view, dict) else None)
    channel, ts, outbox_id = as_text(meta.get("pc")), as_text(meta.get("pt")), as_id(meta.get("pn"))
    return (channel, ts, outbox_id) if channel and ts and outbox_id is not None else None


def recovery_notice(locale: str | None) -> str:
    return t("followup.form.recovery", locale)


def bad_checkin(facts: BadCheckIn) -> dict[str, Any]:
    """To the client's lead: someone else logged a bad check-in, and was asked for a recovery step."""
    lc = facts.lead_locale
    note = f": “{mrkdwn_escape(facts.note)}”" if facts.note else ""
    text = t(
        "followup.bad_checkin",
        lc,
        who=f"<@{facts.by_user_id}>" if facts.by_user_id else "—",
        face=face_label(facts.score),
        client=mrkdwn_escape(facts.client_name),
        below=t("followup.bad_checkin.below", lc) if facts.expectation == "below" else "",
        note=note,
    )
    return {"text": text, "blocks": blocks_json([section(text), context(t("followup.bad_checkin.why", lc))])}


def no_form(text: str, locale: str | None) -> str:
    return t("followup.no_trigger", locale, text=text or "—")
