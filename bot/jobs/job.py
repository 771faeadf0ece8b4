"""A scheduled job: what it is called, what it does, and how often it may run."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.deps import Deps

# deps, now, the worker's name -> counts of what it did (for the clock's log line and the tests)
Run = Callable[[Deps, datetime, str], Mapping[str, int]]


@dataclass(frozen=True)
class Job:
    """Work the clock does. A job with `every` runs at most that often across all clock processes
    (its next run is claimed in `job_runs`); one without runs on every tick and claims its own rows
    (a `next_…_at` or `not_before` column moved with a conditional UPDATE)."""

    name: str
    run: Run
    every: timedelta | None = None
