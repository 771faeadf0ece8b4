"""The DM prompt after a touchpoint: scheduled, sent, reminded once, answered, skipped or expired.

The schedule is data on the prompt row (`due_at`, `remind_at`, `expires_at`); state changes are
conditional so two clicks, two workers or a click racing the clock resolve to one outcome. What the
prompt looks like is drawn when it is sent (`bot.jobs.prompts`); this module only queues it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.domain import intensity
from bot.domain.feelings import SCORE_MAX, SCORE_MIN
from bot.domain.hours import add_working_time
from bot.services import access, checkins, outbox
from bot.services.staff import StaffRef, working_hours
from config.settings import Settings
from storage import queries
from storage.models import OutboxMessage, Prompt, Touchpoint

OPEN = queries.OPEN_PROMPT_STATES
# Outbox kinds: the question and its reminder (posted), and edits of a question already sent.
QUESTION, REMINDER, MOVED, EXPIRED = "prompt", "prompt_reminder", "prompt_moved", "prompt_expired"
ASKING = (QUESTION, REMINDER)  # withdrawn once the prompt is settled; edits stay queued
SNOOZES = {"1h": timedelta(hours=1), "3h": timedelta(hours=3), "1d": timedelta(days=1)}


@dataclass(frozen=True)
class PromptFacts:
    """What a prompt message shows, read from its rows."""

    prompt_id: int
    client_name: str
    title: str
    kind: str
    happened_at: datetime
    tz: str | None
    locale: str | None
    status: str


def facts_of(prompt: Prompt) -> PromptFacts:
    tp = prompt.touchpoint
    return PromptFacts(
        prompt_id=prompt.id,
        client_name=prompt.client.name,
        title=tp.title,
        kind=tp.kind,
        happened_at=tp.happened_at,
        tz=prompt.staff.tz,
        locale=prompt.staff.locale,
        status=prompt.status,
    )


def facts(session: Session, team_id: str, prompt_id: int) -> PromptFacts | None:
    prompt = access.in_team(session, Prompt, prompt_id, team_id)
    return facts_of(prompt) if prompt is not None else None


def schedule(
    session: Session, settings: Settings, touchpoint: Touchpoint, staff: StaffRef, now: datetime
) -> Prompt:
    """Ask after the touchpoint ends: a while after a scheduled end, at once for one in the past."""
    end = touchpoint.ends_at or touchpoint.happened_at
    due = end + timedelta(minutes=settings.prompt_delay_minutes) if end > now else now
    prompt = Prompt(
        team_id=touchpoint.team_id,
        touchpoint_id=touchpoint.id,
        staff_id=staff.id,
        client_id=touchpoint.client_id,
        status="scheduled",
        due_at=due,
        created_at=now,
    )
    session.add(prompt)
    session.flush()
    _queue_question(session, prompt, staff.slack_user_id, due, kind=QUESTION)
    return prompt


def _queue_question(
    session: Session, prompt: Prompt, slack_user_id: str | None, at: datetime, kind: str
) -> OutboxMessage:
    assert slack_user_id, "prompts go to staff who are in Slack"
    return outbox.enqueue(
        session,
        team_id=prompt.team_id,
        kind=kind,
        channel=slack_user_id,
        not_before=at,
        recipient_staff_id=prompt.staff_id,
        ref=("prompt", prompt.id),
    )


def _queue_edit(session: Session, prompt: Prompt, channel: str, ts: str, kind: str, now: datetime) -> None:
    outbox.enqueue_update(
        session, team_id=prompt.team_id, kind=kind, channel=channel, ts=ts, now=now, ref=("prompt", prompt.id)
    )


def _prompt_of(session: Session, message: OutboxMessage) -> Prompt | None:
    return access.in_team(session, Prompt, message.ref_id, message.team_id)


def still_asking(session: Session, message: OutboxMessage) -> PromptFacts | None:
    """The prompt a queued question is about, while it still needs asking; else None."""
    prompt = _prompt_of(session, message)
    return facts_of(prompt) if prompt is not None and prompt.status in OPEN else None


def about(session: Session, message: OutboxMessage) -> PromptFacts | None:
    """The prompt a queued edit is about."""
    prompt = _prompt_of(session, message)
    return facts_of(prompt) if prompt is not None else None


def on_sent(session: Session, settings: Settings, message: OutboxMessage, now: datetime) -> None:
    """Slack has the question: remember where it is, and when to remind and to give up."""
    prompt = _prompt_of(session, message)
    if prompt is None:
        return
    wh = working_hours(prompt.staff)
    tz = prompt.staff.tz
    previous = (prompt.channel_id, prompt.message_ts)
    prompt.channel_id = message.response_channel
    prompt.message_ts = message.response_ts
    if message.kind == REMINDER:
        prompt.reminded_at = now
        prompt.expires_at = add_working_time(now, timedelta(hours=settings.prompt_expiry_hours), tz, wh)
        if previous[0] and previous[1]:
            # One live question at a time: the first message now points at the reminder.
            _queue_edit(session, prompt, previous[0], previous[1], MOVED, now)
        return
    queries.move_prompt(session, prompt.team_id, prompt.id, ["scheduled"], status="sent")
    session.refresh(prompt)
    prompt.sent_at = prompt.sent_at or now
    if prompt.reminded_at is None:
        prompt.remind_at = add_working_time(now, timedelta(hours=settings.prompt_reminder_hours), tz, wh)
        prompt.expires_at = add_working_time(
            prompt.remind_at, timedelta(hours=settings.prompt_expiry_hours), tz, wh
        )
    else:
        prompt.status = "reminded"
        prompt.expires_at = add_working_time(now, timedelta(hours=settings.prompt_expiry_hours), tz, wh)


# --- what a click on the prompt does ---------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What a click did: `change` names it; `changed` is False when the prompt was already settled."""

    prompt: Prompt
    change: str
    changed: bool
    checkin_id: int | None = None
    score: int | None = None
    until: datetime | None = None  # when a snoozed prompt comes back


def _settled(prompt: Prompt, change: str, session: Session) -> Outcome:
    session.refresh(prompt)
    return Outcome(prompt, change, changed=False)


def answer(
    session: Session, team_id: str, staff: StaffRef, prompt_id: int, draft: checkins.Draft, now: datetime
) -> Outcome | None:
    prompt = access.of_person(session, Prompt, prompt_id, team_id, staff.id)
    if prompt is None:
        return None
    if not queries.move_prompt(session, team_id, prompt_id, OPEN, status="answered", answered_at=now):
        return _settled(prompt, "answer", session)
    session.refresh(prompt)
    draft = replace(draft, client_id=prompt.client_id, touchpoint_id=prompt.touchpoint_id)
    checkin_id = checkins.log(session, team_id, staff.id, draft, source="prompt", now=now)
    prompt.checkin_id = checkin_id
    queries.cancel_outbox(session, team_id, "prompt", prompt.id, ASKING)
    session.flush()
    return Outcome(prompt, "answer", changed=True, checkin_id=checkin_id, score=draft.score)


def skip(session: Session, team_id: str, staff: StaffRef, prompt_id: int, now: datetime) -> Outcome | None:
    """ "Didn't happen": the touchpoint is cancelled and the prompt is not counted as missed."""
    prompt = access.of_person(session, Prompt, prompt_id, team_id, staff.id)
    if prompt is None:
        return None
    if not queries.move_prompt(session, team_id, prompt_id, OPEN, status="skipped", answered_at=now):
        return _settled(prompt, "skip", session)
    session.refresh(prompt)
    prompt.touchpoint.cancelled = True
    queries.cancel_outbox(session, team_id, "prompt", prompt.id, ASKING)
    session.flush()
    return Outcome(prompt, "skip", changed=True)


def reopen(session: Session, team_id: str, staff: StaffRef, prompt_id: int) -> Outcome | None:
    """Undo of "didn't happen" or of an answer: the question is open again."""
    prompt = access.of_person(session, Prompt, prompt_id, team_id, staff.id)
    if prompt is None:
        return None
    back = "reminded" if prompt.reminded_at else "sent"
    if prompt.status == "answered" and prompt.checkin_id:
        checkins.undo(session, team_id, staff, prompt.checkin_id)
        session.refresh(prompt)
        return Outcome(prompt, "undo", changed=True)
    if not queries.move_prompt(session, team_id, prompt_id, ["skipped"], status=back, answered_at=None):
        return _settled(prompt, "undo", session)
    session.refresh(prompt)
    prompt.touchpoint.cancelled = False
    session.flush()
    return Outcome(prompt, "undo", changed=True)


def snooze(
    session: Session, team_id: str, staff: StaffRef, prompt_id: int, choice: str, now: datetime
) -> Outcome | None:
    prompt = access.of_person(session, Prompt, prompt_id, team_id, staff.id)
    if prompt is None or choice not in SNOOZES:
        return None
    until = now + SNOOZES[choice]
    if not queries.move_prompt(
        session,
        team_id,
        prompt_id,
        ["sent", "reminded"],
        status="scheduled",
        snoozed_until=until,
        due_at=until,
    ):
        return _settled(prompt, "snooze", session)
    session.refresh(prompt)
    _queue_question(session, prompt, staff.slack_user_id, until, kind=QUESTION)
    return Outcome(prompt, "snooze", changed=True, until=until)


def _answer_with_score(
    session: Session, team_id: str, staff: StaffRef, prompt_id: int, score: str, now: datetime
) -> Outcome | None:
    if score not in _SCORES:
        return None
    return answer(session, team_id, staff, prompt_id, checkins.Draft(score=int(score)), now)


_SCORES = {str(score) for score in range(SCORE_MIN, SCORE_MAX + 1)}


Change = Callable[[Session, str, StaffRef, int, str, datetime], "Outcome | None"]

# Every change a button on the prompt can ask for; its argument is what the button carries after
# the prompt id (the score of a face, the snooze choice).
CHANGES: dict[str, Change] = {
    "answer": _answer_with_score,
    "skip": lambda session, team, staff, pid, _arg, now: skip(session, team, staff, pid, now),
    "snooze": snooze,
    "undo": lambda session, team, staff, pid, _arg, _now: reopen(session, team, staff, pid),
}


def click(
    session: Session, team_id: str, staff: StaffRef, prompt_id: int, change: str, arg: str, now: datetime
) -> Outcome | None:
    """Apply one button's change; None when the prompt is not this person's or the click makes no sense."""
    apply = CHANGES.get(change)
    return apply(session, team_id, staff, prompt_id, arg, now) if apply is not None else None


# --- the clock ------------------------------------------------------------------------------------


def advance(session: Session, settings: Settings, now: datetime) -> dict[str, int]:
    """Queue the one reminder for unanswered prompts; expire those still unanswered after it.

    Someone who chose light reminders is not asked again: the question stays open until it expires,
    at the moment it would have after a reminder."""
    counts = {"reminded": 0, "expired": 0, "not_reminded": 0}
    for prompt_id in queries.prompts_to_remind(session, now):
        prompt = session.get(Prompt, prompt_id)
        if prompt is None:
            continue
        # remind_at is cleared as the claim, so a second clock process finds nothing to do.
        if not intensity.reminds_prompts(prompt.staff.intensity):
            if queries.move_prompt(session, prompt.team_id, prompt_id, ["sent"], remind_at=None):
                counts["not_reminded"] += 1
            continue
        if queries.move_prompt(
            session, prompt.team_id, prompt_id, ["sent"], remind_at=None, status="reminded"
        ):
            _queue_question(session, prompt, prompt.staff.slack_user_id, now, kind=REMINDER)
            counts["reminded"] += 1
    for prompt_id in queries.prompts_to_expire(session, now):
        prompt = session.get(Prompt, prompt_id)
        if prompt is None:
            continue
        if queries.move_prompt(session, prompt.team_id, prompt_id, ["sent", "reminded"], status="expired"):
            session.refresh(prompt)
            queries.cancel_outbox(session, prompt.team_id, "prompt", prompt.id, ASKING)
            if prompt.channel_id and prompt.message_ts:
                _queue_edit(session, prompt, prompt.channel_id, prompt.message_ts, EXPIRED, now)
            counts["expired"] += 1
    session.flush()
    return counts


def answered_by(session: Session, team_id: str, checkin_id: int) -> Prompt | None:
    return queries.prompt_answered_by(session, team_id, checkin_id)
