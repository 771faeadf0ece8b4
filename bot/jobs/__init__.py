"""Scheduled work, as a list. Each job is a module with its own schedule data; `tick` runs them all.

Every job is safe to run in several processes at once: what it works on is claimed with a
conditional UPDATE, so two clocks never send or change the same thing twice.
"""

from __future__ import annotations

from datetime import datetime

from bot.deps import Deps
from bot.jobs import digest, export, followups, housekeeping, outbox, prompts, quiet
from bot.jobs.job import Job
from storage import queries

# In order: prompts, follow-ups, quiet contacts and the weekly digest queue what is due before the
# outbox sends it.
JOBS: tuple[Job, ...] = (prompts.JOB, followups.JOB, quiet.JOB, digest.JOB, outbox.JOB, housekeeping.JOB)
# Kinds the outbox sends without a job of their own: registered when their module is imported.
KIND_MODULES = (export,)


def tick(deps: Deps, now: datetime | None = None, worker: str = "clock") -> dict[str, int]:
    """One pass of every job that is due; the counts of what each did."""
    now = now or deps.now()
    counts: dict[str, int] = {}
    for job in JOBS:
        if job.every is not None:
            with deps.db.session() as session:
                if not queries.claim_job_run(session, job.name, now, job.every, worker):
                    continue
        counts.update(job.run(deps, now, worker))
    return counts
