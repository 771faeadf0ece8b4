"""The DM prompt after a touchpoint: scheduled, sent, reminded once, answered, skipped or expired.

The schedule is data on the prompt row (`due_at`, `remind_at`, `expires_at`); state changes are
conditional so two clicks, two workers or a click racing the clock resolve to one outcome.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.hours import add_working_time
from bot.services import checkins, outbox
from bot.services.staff import working_hours
from bot.views import prompt as prompt_view
from config.settings import Settings
from storage import queries
from storage.models import OutboxMessage, Prompt, Staff, Touchpoint

OPEN = queries.OPEN_PROMPT_STATES
ASKING = ("prompt", "prompt_reminder")  # outbox kinds that ask the question (not edits of sent ones)
SNOOZES = {"1h": timedelta(hours=1), "3h": timedelta(hours=3), "1d": timedelta(days=1)}


def schedule(
    session: Session, settings: Settings, touchpoint: Touchpoint, staff: Staff, now: datetime
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
    _queue_send(session, prompt, staff, due, kind="prompt")
    return prompt


def _queue_send(session: Session, prompt: Prompt, staff: Staff, at: datetime, kind: str) -> OutboxMessage:
    assert staff.slack_user_id, "prompts go to staff who are in Slack"
    return outbox.enqueue(
        session,
        team_id=prompt.team_id,
        kind=kind,
        channel=staff.slack_user_id,
        payload={},  # drawn when sent, so it shows the prompt as it is then
        not_before=at,
        recipient_staff_id=staff.id,
        ref=("prompt", prompt.id),
    )


def render(session: Session, message: OutboxMessage) -> dict[str, Any] | None:
    """Blocks for a prompt or its reminder; None when the prompt no longer needs asking."""
    prompt = session.get(Prompt, message.ref_id) if message.ref_id else None
    if prompt is None or prompt.status not in OPEN:
        return None
    reminder = message.kind == "prompt_reminder"
    return prompt_view.question(_facts(prompt), reminder=reminder)


def on_sent(session: Session, settings: Settings, message: OutboxMessage, now: datetime) -> None:
    prompt = session.get(Prompt, message.ref_id) if message.ref_id else None
    if prompt is None:
        return
    wh = working_hours(prompt.staff)
    tz = prompt.staff.tz
    previous = (prompt.channel_id, prompt.message_ts)
    prompt.channel_id = message.response_channel
    prompt.message_ts = message.response_ts
    if message.kind == "prompt_reminder":
        prompt.reminded_at = now
        prompt.expires_at = add_working_time(now, timedelta(hours=settings.prompt_expiry_hours), tz, wh)
        if previous[0] and previous[1]:
            # One live question at a time: the first message now points at the reminder.
            outbox.enqueue_update(
                session,
                team_id=prompt.team_id,
                channel=previous[0],
                ts=previous[1],
                payload=prompt_view.moved_to_reminder(_facts(prompt)),
                now=now,
                ref=("prompt", prompt.id),
            )
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


@dataclass(frozen=True)
class Outcome:
    """What a click did: `changed` is False when the prompt was already settled."""

    prompt: Prompt
    changed: bool
    checkin_id: int | None = None
    until: datetime | None = None  # when a snoozed prompt comes back


def _own(session: Session, team_id: str, prompt_id: int, staff: Staff) -> Prompt | None:
    prompt = session.get(Prompt, prompt_id)
    if prompt is None or prompt.team_id != team_id or prompt.staff_id != staff.id:
        return None
    return prompt


def answer(
    session: Session, team_id: str, staff: Staff, prompt_id: int, draft: checkins.Draft, now: datetime
) -> Outcome | None:
    prompt = _own(session, team_id, prompt_id, staff)
    if prompt is None:
        return None
    if not queries.move_prompt(session, team_id, prompt_id, OPEN, status="answered", answered_at=now):
        session.refresh(prompt)
        return Outcome(prompt, changed=False)
    session.refresh(prompt)
    draft = replace(draft, client_id=prompt.client_id, touchpoint_id=prompt.touchpoint_id)
    checkin_id = checkins.log(session, team_id, staff.id, draft, source="prompt", now=now)
    prompt.checkin_id = checkin_id
    queries.cancel_outbox(session, team_id, "prompt", prompt.id, ASKING)
    session.flush()
    return Outcome(prompt, changed=True, checkin_id=checkin_id)


def skip(session: Session, team_id: str, staff: Staff, prompt_id: int, now: datetime) -> Outcome | None:
    """ "Didn't happen": the touchpoint is cancelled and the prompt is not counted as missed."""
    prompt = _own(session, team_id, prompt_id, staff)
    if prompt is None:
        return None
    if not queries.move_prompt(session, team_id, prompt_id, OPEN, status="skipped", answered_at=now):
        session.refresh(prompt)
        return Outcome(prompt, changed=False)
    session.refresh(prompt)
    prompt.touchpoint.cancelled = True
    queries.cancel_outbox(session, team_id, "prompt", prompt.id, ASKING)
    session.flush()
    return Outcome(prompt, changed=True)


def reopen(session: Session, team_id: str, staff: Staff, prompt_id: int) -> Outcome | None:
    """Undo of "didn't happen" or of an answer: the question is open again."""
    prompt = _own(session, team_id, prompt_id, staff)
    if prompt is None:
        return None
    back = "reminded" if prompt.reminded_at else "sent"
    if prompt.status == "answered" and prompt.checkin_id:
        checkins.undo(session, team_id, staff, prompt.checkin_id)
        session.refresh(prompt)
        return Outcome(prompt, changed=True)
    if not queries.move_prompt(session, team_id, prompt_id, ["skipped"], status=back, answered_at=None):
        session.refresh(prompt)
        return Outcome(prompt, changed=False)
    session.refresh(prompt)
    prompt.touchpoint.cancelled = False
    session.flush()
    return Outcome(prompt, changed=True)


def snooze(
    session: Session, team_id: str, staff: Staff, prompt_id: int, choice: str, now: datetime
) -> Outcome | None:
    prompt = _own(session, team_id, prompt_id, staff)
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
        session.refresh(prompt)
        return Outcome(prompt, changed=False)
    session.refresh(prompt)
    _queue_send(session, prompt, staff, until, kind="prompt")
    return Outcome(prompt, changed=True, until=until)


def advance(session: Session, settings: Settings, now: datetime) -> dict[str, int]:
    """Queue the one reminder for unanswered prompts; expire those still unanswered after it."""
    counts = {"reminded": 0, "expired": 0}
    for prompt_id in queries.prompts_to_remind(session, now):
        prompt = session.get(Prompt, prompt_id)
        if prompt is None:
            continue
        # remind_at is cleared as the claim, so a second clock process finds nothing to do.
        if queries.move_prompt(
            session, prompt.team_id, prompt_id, ["sent"], remind_at=None, status="reminded"
        ):
            _queue_send(session, prompt, prompt.staff, now, kind="prompt_reminder")
            counts["reminded"] += 1
    for prompt_id in queries.prompts_to_expire(session, now):
        prompt = session.get(Prompt, prompt_id)
        if prompt is None:
            continue
        if queries.move_prompt(session, prompt.team_id, prompt_id, ["sent", "reminded"], status="expired"):
            session.refresh(prompt)
            queries.cancel_outbox(session, prompt.team_id, "prompt", prompt.id, ASKING)
            if prompt.channel_id and prompt.message_ts:
                outbox.enqueue_update(
                    session,
                    team_id=prompt.team_id,
                    channel=prompt.channel_id,
                    ts=prompt.message_ts,
                    payload=prompt_view.expired(_facts(prompt)),
                    now=now,
                    ref=("prompt", prompt.id),
                )
            counts["expired"] += 1
    session.flush()
    return counts


def answered_by(session: Session, team_id: str, checkin_id: int) -> Prompt | None:
    return session.scalars(
        select(Prompt).where(Prompt.team_id == team_id, Prompt.checkin_id == checkin_id)
    ).first()


def facts(session: Session, team_id: str, prompt_id: int) -> prompt_view.PromptFacts | None:
    prompt = session.get(Prompt, prompt_id)
    if prompt is None or prompt.team_id != team_id:
        return None
    return _facts(prompt)


def _facts(prompt: Prompt) -> prompt_view.PromptFacts:
    tp = prompt.touchpoint
    return prompt_view.PromptFacts(
        prompt_id=prompt.id,
        client_name=prompt.client.name,
        title=tp.title,
        kind=tp.kind,
        happened_at=tp.happened_at,
        tz=prompt.staff.tz,
        locale=prompt.staff.locale,
        status=prompt.status,
        score=None,
    )
