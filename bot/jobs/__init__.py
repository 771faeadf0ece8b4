"""Scheduled work. Each job takes `deps` and `now` and is safe to run in several processes at once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.deps import Deps
from bot.jobs import outbox
from bot.services import prompts


def tick(deps: Deps, now: datetime | None = None, worker: str = "clock") -> dict[str, Any]:
    """One pass of everything due: prompt reminders and expiries, then the outbox."""
    now = now or deps.now()
    with deps.db.session() as session:
        advanced = prompts.advance(session, deps.settings, now)
    delivered = outbox.deliver_due(deps, now, worker=worker)
    return {**advanced, **delivered.as_dict()}
