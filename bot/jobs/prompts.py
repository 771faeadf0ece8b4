"""The prompt schedule: reminders and expiries on the clock, and how each prompt message is drawn.

Prompts keep their schedule on their rows (`remind_at`, `expires_at`), claimed with a conditional
UPDATE by `services.prompts.advance`. The outbox kinds below draw the question when it is sent, so
a prompt answered from the Home tab meanwhile is never asked again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.jobs import outbox
from bot.jobs.job import Job
from bot.services import prompts
from bot.views import prompt as prompt_view
from storage.models import OutboxMessage


def advance(deps: Deps, now: datetime, worker: str) -> dict[str, int]:
    with deps.db.session() as session:
        return prompts.advance(session, deps.settings, now)


JOB = Job("prompts", advance)


def _question(session: Session, message: OutboxMessage) -> dict[str, Any] | None:
    facts = prompts.still_asking(session, message)
    return prompt_view.question(facts, reminder=message.kind == prompts.REMINDER) if facts else None


def _moved(session: Session, message: OutboxMessage) -> dict[str, Any] | None:
    facts = prompts.about(session, message)
    return prompt_view.moved_to_reminder(facts) if facts else None


def _expired(session: Session, message: OutboxMessage) -> dict[str, Any] | None:
    facts = prompts.about(session, message)
    return prompt_view.expired(facts) if facts else None


outbox.register(
    outbox.Kind(prompts.QUESTION, _question, outbox.post, prompts.on_sent),
    outbox.Kind(prompts.REMINDER, _question, outbox.post, prompts.on_sent),
    outbox.Kind(prompts.MOVED, _moved, outbox.update),
    outbox.Kind(prompts.EXPIRED, _expired, outbox.update),
)
