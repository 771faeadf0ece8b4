"""Queueing messages for the outbox job. Nothing here talks to Slack or draws a message.

A message is queued by kind; the job (`bot.jobs.outbox`) draws it when it is sent, so it shows
things as they are then, and each kind decides how it goes out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, overload

from sqlalchemy.orm import Session

from storage import queries
from storage.models import OutboxMessage

KEY_MAX = 200


@dataclass(frozen=True)
class Queued:
    """A keyed message as `enqueue` left it: its row, and whether this call queued it (False: the same
    key was queued before, by this process or another, and that row is the one)."""

    message: OutboxMessage
    new: bool


def key_text(subject: str, stage: str) -> str:
    """A nudge's key as stored: "followup:42/reminder-2". The stage has no "/", so no two keys read
    the same."""
    if not subject or not stage or "/" in stage:
        raise ValueError(f"a key is a subject and a stage without '/': got {(subject, stage)!r}")
    text = f"{subject}/{stage}"
    if len(text) > KEY_MAX:
        raise ValueError(f"a key is at most {KEY_MAX} characters: {text[:40]!r}... has {len(text)}")
    return text


@overload
def enqueue(
    session: Session,
    *,
    team_id: str,
    kind: str,
    channel: str,
    not_before: datetime,
    payload: dict[str, Any] | None = None,
    recipient_staff_id: int | None = None,
    respect_working_hours: bool = True,
    ref: tuple[str, int] | None = None,
    key: None = None,
) -> OutboxMessage: ...


@overload
def enqueue(
    session: Session,
    *,
    team_id: str,
    kind: str,
    channel: str,
    not_before: datetime,
    payload: dict[str, Any] | None = None,
    recipient_staff_id: int | None = None,
    respect_working_hours: bool = True,
    ref: tuple[str, int] | None = None,
    key: tuple[str, str],
) -> Queued: ...


def enqueue(
    session: Session,
    *,
    team_id: str,
    kind: str,
    channel: str,
    not_before: datetime,
    payload: dict[str, Any] | None = None,
    recipient_staff_id: int | None = None,
    respect_working_hours: bool = True,
    ref: tuple[str, int] | None = None,
    key: tuple[str, str] | None = None,
) -> OutboxMessage | Queued:
    """Queue a message of `kind` for `channel`; `payload` holds what drawing it needs beyond the rows.

    With a `key` (subject, stage), such as ("followup:42", "reminder-2"), the message is queued once
    per workspace, kind and key, whatever the number of calls or clock processes: the answer says
    whether this call queued it, and holds the row either way (whatever its state now)."""
    values: dict[str, Any] = dict(
        team_id=team_id,
        kind=kind,
        channel=channel,
        payload=payload or {},
        not_before=not_before,
        recipient_staff_id=recipient_staff_id,
        respect_working_hours=respect_working_hours,
        ref_type=ref[0] if ref else None,
        ref_id=ref[1] if ref else None,
        status="pending",
        attempts=0,
        created_at=not_before,
    )
    if key is None:
        message = OutboxMessage(**values)
        session.add(message)
        session.flush()
        return message
    text = key_text(*key)
    session.flush()  # rows this session added go in first, as they would with the ORM
    new_id = queries.insert_keyed_outbox(session, {**values, "key": text})
    if new_id is not None:
        row = session.get(OutboxMessage, new_id)
    else:  # queued before: by an earlier call, or by another process a moment ago
        row = queries.outbox_by_key(session, team_id, kind, text)
    assert row is not None, "a key is either new or names a row that exists"
    return Queued(row, new_id is not None)


def nudge_key(subject: str, subject_id: int, stage: str, scheduled: datetime) -> tuple[str, str]:
    """The key of a nudge its job queues when a row's schedule comes due: the row, the stage, and the
    moment it was scheduled for. Two clocks that claim that moment queue one nudge; the same stage
    coming round again (a snoozed promise due again) is a new moment, so a new nudge."""
    return f"{subject}:{subject_id}", f"{stage}@{scheduled:%Y%m%dT%H%M%S}"


def enqueue_update(
    session: Session,
    *,
    team_id: str,
    kind: str,
    channel: str,
    ts: str,
    now: datetime,
    ref: tuple[str, int] | None = None,
) -> OutboxMessage:
    """Queue an edit of a message already sent. Edits notify nobody, so they go out at any hour."""
    return enqueue(
        session,
        team_id=team_id,
        kind=kind,
        channel=channel,
        payload={"ts": ts},
        not_before=now,
        respect_working_hours=False,
        ref=ref,
    )
