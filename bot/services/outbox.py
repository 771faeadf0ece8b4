"""Queueing messages for the outbox job. Nothing here talks to Slack; the job does."""

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
    payload: dict[str, Any],
    not_before: datetime,
    method: str = "chat.postMessage",
    recipient_staff_id: int | None = None,
    respect_working_hours: bool = True,
    ref: tuple[str, int] | None = None,
) -> OutboxMessage:
    message = OutboxMessage(
        team_id=team_id,
        kind=kind,
        method=method,
        channel=channel,
        payload=payload,
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
    channel: str,
    ts: str,
    payload: dict[str, Any],
    now: datetime,
    ref: tuple[str, int] | None = None,
) -> OutboxMessage:
    """Edit a message already sent. Edits notify nobody, so they go out at any hour."""
    return enqueue(
        session,
        team_id=team_id,
        kind="update",
        channel=channel,
        payload={**payload, "ts": ts},
        not_before=now,
        method="chat.update",
        respect_working_hours=False,
        ref=ref,
    )
