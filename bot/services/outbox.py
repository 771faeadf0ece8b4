"""Queueing messages for the outbox job. Nothing here talks to Slack or draws a message.

A message is queued by kind; the job (`bot.jobs.outbox`) draws it when it is sent, so it shows
things as they are then, and each kind decides how it goes out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from storage.models import OutboxMessage


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
) -> OutboxMessage:
    """Queue a message of `kind` for `channel`; `payload` holds what drawing it needs beyond the rows."""
    message = OutboxMessage(
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
    session.add(message)
    session.flush()
    return message


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
