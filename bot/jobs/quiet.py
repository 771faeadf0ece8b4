"""Quiet contacts: the lead told when an outreach has gone unanswered, then the partner or backup.

Each wait keeps its schedule on its row (`next_check_at`, `stage`), claimed with a conditional
UPDATE by `services.quiet.advance`. The nudges are outbox kinds drawn when sent, so a contact who
answered in the meantime is never nagged about.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.domain.hours import WorkingHours
from bot.jobs import outbox
from bot.jobs.job import Job
from bot.services import quiet
from bot.services.staff import working_hours
from bot.views import quiet as quiet_view
from storage.models import OutboxMessage, Staff


def advance(deps: Deps, now: datetime, worker: str) -> dict[str, int]:
    with deps.db.session() as session:
        return quiet.advance(session, now)


JOB = Job("quiet", advance)


def _draw(escalated: bool) -> Any:
    def draw(session: Session, message: OutboxMessage) -> dict[str, Any] | None:
        found = quiet.facts(session, message.team_id, message.ref_id)
        if found is None or found.status != quiet.OPEN:
            return None
        person = session.get(Staff, message.recipient_staff_id) if message.recipient_staff_id else None
        tz, lc = (person.tz, person.locale) if person else (None, None)
        wh = working_hours(person) if person else WorkingHours()
        viewer = person.slack_user_id if person else None
        return quiet_view.nudge(
            found, message.not_before, tz, wh, lc, viewer_user_id=viewer, escalated=escalated
        )

    return draw


# Nudges: at most one nudge DM per person per turn, several due together in one message.
outbox.register(
    outbox.Kind(quiet.QUIET, _draw(escalated=False), nudge=True),
    outbox.Kind(quiet.QUIET_ESCALATION, _draw(escalated=True), nudge=True),
)
