"""Forgetting what is no longer needed: the ids of events handled long ago."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.deps import Deps
from bot.jobs.job import Job
from storage import queries

EVENT_MEMORY = timedelta(days=7)  # Slack stops retrying an event within minutes; a week is plenty


def forget_old_events(deps: Deps, now: datetime, worker: str) -> dict[str, int]:
    with deps.db.session() as session:
        return {"events_forgotten": queries.forget_events_before(session, now - EVENT_MEMORY)}


JOB = Job("forget_old_events", forget_old_events, every=timedelta(hours=6))
