"""The clock process: runs scheduled jobs. Only this process (or `dev`) runs them, never the web."""

from __future__ import annotations

import logging
import os
import signal
import socket
from types import FrameType

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from bot import jobs
from bot.deps import Deps

log = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_tick(deps: Deps, worker: str) -> None:
    counts = jobs.tick(deps, worker=worker)
    if any(counts.values()):
        log.info("tick: %s", counts)


def add_jobs(scheduler: BaseScheduler, deps: Deps) -> None:
    worker = worker_name()
    every = deps.settings.scheduler_interval_seconds
    scheduler.add_job(
        run_tick,
        "interval",
        seconds=every,
        args=[deps, worker],
        id="tick",
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=every,
    )


def background(deps: Deps) -> BackgroundScheduler:
    """For `python -m bot dev`: the same jobs, in a thread of the one development process."""
    scheduler = BackgroundScheduler(timezone="UTC")
    add_jobs(scheduler, deps)
    scheduler.start()
    return scheduler


def run_forever(deps: Deps) -> None:
    scheduler = BlockingScheduler(timezone="UTC")
    add_jobs(scheduler, deps)

    def stop(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: finishing the running job, then stopping", signum)
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("clock started: tick every %ss", deps.settings.scheduler_interval_seconds)
    scheduler.start()
