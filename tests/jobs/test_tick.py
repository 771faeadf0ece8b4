"""Scheduled work is a list of jobs; `tick` runs each that is due, and periodic ones at most as often
as they say, however many clock processes run."""

from __future__ import annotations

from datetime import timedelta

from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import func, insert, select

from bot import clock as clock_process
from bot import jobs
from bot.jobs import housekeeping
from storage import queries
from storage.db import Database
from storage.models import ProcessedEvent


def test_prompts_run_before_the_outbox_so_what_they_queue_goes_out_in_the_same_tick():
    names = [job.name for job in jobs.JOBS]
    assert names.index("prompts") < names.index("outbox")
    assert len(set(names)) == len(names)


def test_a_periodic_run_is_claimed_by_one_clock_and_booked_for_later(db: Database, clock):
    every = timedelta(hours=6)
    with db.session() as session:
        assert queries.claim_job_run(session, "report", clock.now, every, "clock-a")  # its first run
    with db.session() as session:
        assert not queries.claim_job_run(session, "report", clock.now, every, "clock-b")  # taken
    with db.session() as session:
        assert not queries.claim_job_run(session, "report", clock.now + every / 2, every, "clock-b")
    with db.session() as session:
        assert queries.claim_job_run(session, "report", clock.now + every, every, "clock-b")  # due again
    with db.session() as session:
        assert not queries.claim_job_run(session, "report", clock.now + every, every, "clock-a")


def events(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(ProcessedEvent)) or 0


def test_event_ids_are_forgotten_after_a_week_at_most_every_six_hours(rapport, db: Database, clock):
    with db.session() as session:
        session.execute(
            insert(ProcessedEvent),
            [
                {"event_id": "Ev_OLD", "team_id": "T0001", "received_at": clock.now - timedelta(days=8)},
                {
                    "event_id": "Ev_NEW",
                    "team_id": "T0001",
                    "received_at": clock.now - timedelta(days=6, hours=20),
                },
            ],
        )
    assert rapport.tick()["events_forgotten"] == 1
    assert events(db) == 1
    clock.advance(hours=5)  # Ev_NEW is now over a week old, but the job ran less than 6 hours ago
    assert "events_forgotten" not in rapport.tick()
    assert events(db) == 1
    clock.advance(hours=1)
    assert rapport.tick()["events_forgotten"] == 1
    assert events(db) == 0
    assert housekeeping.JOB.every == timedelta(hours=6)


def test_the_clock_process_runs_one_tick_job_on_its_interval(rapport):
    scheduler = BlockingScheduler(timezone="UTC")
    clock_process.add_jobs(scheduler, rapport.deps)
    [job] = scheduler.get_jobs()
    assert job.id == "tick" and job.coalesce and job.max_instances == 1
    assert job.trigger.interval == timedelta(seconds=rapport.deps.settings.scheduler_interval_seconds)
