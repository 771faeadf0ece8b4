"""Follow-up nudges: the due moment, reminders while it stays open, then the partner or backup told.

Each follow-up keeps its schedule on its row (`next_nudge_at`, `stage`), claimed with a conditional
UPDATE by `services.followups.advance`. The nudges are outbox kinds drawn when sent, so one settled
in the meantime is never sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.jobs import outbox
from bot.jobs.job import Job
from bot.services import checkins, followups
from bot.views import followups as followup_view
from storage.models import OutboxMessage


def advance(deps: Deps, now: datetime, worker: str) -> dict[str, int]:
    with deps.db.session() as session:
        return followups.advance(session, now)


JOB = Job("followups", advance)


def _open(session: Session, message: OutboxMessage) -> followups.FollowUpFacts | None:
    found = followups.facts(session, message.team_id, message.ref_id)
    return found if found is not None and found.status == followups.OPEN else None


def _draw(stage: str, for_owner: bool = True) -> Any:
    def draw(session: Session, message: OutboxMessage) -> dict[str, Any] | None:
        found = _open(session, message)
        return followup_view.nudge(found, stage, message.not_before, for_owner=for_owner) if found else None

    return draw


def _bad_checkin(session: Session, message: OutboxMessage) -> dict[str, Any] | None:
    found = checkins.bad_facts(session, message.team_id, message.ref_id)
    return followup_view.bad_checkin(found) if found else None


# All nudges: at most one nudge DM per person per turn, several due together in one message.
outbox.register(
    outbox.Kind(checkins.BAD, _bad_checkin, nudge=True),
    outbox.Kind(followups.DUE, _draw("due"), nudge=True),
    outbox.Kind(followups.REMINDER, _draw("reminder"), nudge=True),
    outbox.Kind(followups.ESCALATION, _draw("escalation", for_owner=False), nudge=True),
)
