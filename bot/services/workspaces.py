"""Workspaces: the Slack teams Rapport is installed in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from storage import queries


def uninstalled(session: Session, team_id: str, now: datetime) -> None:
    """Rapport was removed: nothing more is sent there; the data stays until an admin asks to forget it."""
    queries.ensure_workspace(session, team_id).uninstalled_at = now
