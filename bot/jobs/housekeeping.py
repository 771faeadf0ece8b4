"""Forgetting what is no longer needed: the ids of events handled long ago, and the pace of channels
and people nothing was sent to for a day."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.deps import Deps
from bot.jobs.job import Job
from storage import queries

EVENT_MEMORY = timedelta(days=7)  # Slack stops retrying an event within minutes; a week is plenty


# Slack's pace for a channel or a person that has been quiet this long holds nothing back: forgotten.
PACE_MEMORY = timedelta(days=1)


def forget_old_events(deps: Deps, now: datetime, worker: str) -> dict[str, int]:
    with deps.db.session() as session:
        return {
            "events_forgotten": queries.forget_events_before(session, now - EVENT_MEMORY),
            "paces_forgotten": queries.forget_paces_before(session, now - PACE_MEMORY),
        }


JOB = Job("forget_old_events", forget_old_events, every=timedelta(hours=6))
