"""The real clock process, killed with SIGKILL while Slack is still answering its post, again and
again: every prompt, and every nudge sent in a DM of several, reaches Slack exactly once, as the
fake Slack's messages show."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, update

from bot import jobs
from bot.jobs import outbox
from bot.services import followups
from storage.models import FollowUp, OutboxMessage, Prompt
from tests.conftest import BOT_TOKEN
from tests.factories import add_client

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = ("U01LEAD001", "U01PART001", "U01NYC0001")
CLIENTS = ("Acme", "Brightline", "Cobalt", "Dunmore", "Everly", "Fernwood")
KILLS = 4  # every other killed post reaches Slack before it would have answered; the rest never do
POST_DELAY = 1.0  # how long Slack takes over each of those posts: the clock is killed meanwhile


def start_clock(rapport, db, log: Path) -> subprocess.Popen[bytes]:
    """`python -m bot clock` against the test's database and the fake Slack, ticking every second."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "RAPPORT_", "DATABASE_"))}
    env.update(
        DATABASE_URL=db.url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_API_URL=rapport.fake.url,
        RAPPORT_SCHEDULER_INTERVAL_SECONDS="1",
    )
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "clock"], cwd=ROOT, env=env, stdout=out, stderr=out
        )


def count(db, status: str) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).where(OutboxMessage.status == status)) or 0


def test_killing_the_clock_mid_post_neither_duplicates_nor_loses_a_prompt(rapport, db, clock, tmp_path):
    # The clock process runs on the real clock: so do Slack and the prompts queued here.
    rapport.fake.clock = time.time
    clock.set(datetime.now(UTC))
    for name, user in zip(CLIENTS, PEOPLE * 2, strict=True):
        add_client(db, name, lead=user)
        rapport.slack.command("/rapport", f"touchpoint {name.lower()} call with Jan", user=user)
    with db.session() as session:
        # Whatever the hour the test runs at: these prompts need not wait for anyone's working day.
        session.execute(update(OutboxMessage).values(respect_working_hours=False))
        expected = set(session.scalars(select(OutboxMessage.id)))
    assert len(expected) == len(CLIENTS)

    log = tmp_path / "clock.log"
    running: list[subprocess.Popen[bytes]] = []
    try:
        for kill in range(KILLS):
            lands = kill % 2 == 0
            rapport.fake.inject("chat.postMessage", delay=POST_DELAY, **({} if lands else {"status": 500}))
            arrived = rapport.fake.requests.get("chat.postMessage", 0)
            running.append(start_clock(rapport, db, log))
            rapport.fake.wait_for_request("chat.postMessage", arrived + 1, timeout=15)
            running[-1].send_signal(signal.SIGKILL)  # with the post in flight
            assert running[-1].wait(timeout=5) == -signal.SIGKILL

        # A clock that is not killed sends the rest; the killed rows stay claimed until their claims run out.
        running.append(start_clock(rapport, db, log))
        deadline = time.monotonic() + 15
        while count(db, "sent") < len(CLIENTS) - KILLS:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        running[-1].send_signal(signal.SIGTERM)
        running[-1].wait(timeout=10)
    finally:
        for process in running:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert count(db, "sending") == KILLS
    rapport.fake.wait_for("chat.postMessage", count=KILLS // 2 + len(CLIENTS) - KILLS)  # the slow ones landed

    # A fresh tick once the killed clocks' claims have run out.
    later = datetime.now(UTC) + outbox.lease(outbox.KINDS["prompt"]) + timedelta(seconds=1)
    clock.set(later)
    counts = jobs.tick(rapport.deps, later, worker="fresh-clock")

    assert (counts["found"], counts["sent"], counts["retried"]) == (KILLS // 2, KILLS - KILLS // 2, 0)
    delivered = Counter(
        m["metadata"]["event_payload"]["outbox_id"] for user in PEOPLE for m in rapport.fake.messages(user)
    )
    assert delivered == Counter(expected), log.read_text()  # each prompt once: none twice, none lost
    assert count(db, "sent") == len(CLIENTS)
    with db.session() as session:
        for prompt in session.scalars(select(Prompt)):
            assert prompt.status == "sent" and prompt.message_ts is not None
    assert rapport.fake.rejected == []


def test_killing_the_clock_mid_bundle_neither_duplicates_nor_loses_a_nudge(rapport, db, clock, tmp_path):
    """Two promises each for three people, due now: three DMs of two nudges. The clock is killed while
    Slack answers the first DM, once when it lands and once when it does not; in the end every nudge
    reached its owner once, in one DM with its twin."""
    rapport.fake.clock = time.time
    now = datetime.now(UTC)
    clock.set(now)
    for name, user in zip(CLIENTS, PEOPLE * 2, strict=True):
        add_client(db, name, lead=user)
        rapport.slack.command("/followup", f"{name.lower()} call Jan back next week", user=user)
    with db.session() as session:
        session.execute(update(FollowUp).values(next_nudge_at=now))
    with db.session() as session:
        assert followups.advance(session, now)["followups_nudged"] == len(CLIENTS)
        followups.advance(session, now)  # asked again: nothing more is queued
        # Whatever the hour the test runs at: these nudges need not wait for anyone's working day.
        session.execute(update(OutboxMessage).values(respect_working_hours=False))
        expected = set(session.scalars(select(OutboxMessage.id)))
    assert len(expected) == len(CLIENTS)

    log = tmp_path / "clock.log"
    running: list[subprocess.Popen[bytes]] = []
    try:
        for lands in (True, False):
            rapport.fake.inject("chat.postMessage", delay=POST_DELAY, **({} if lands else {"status": 500}))
            arrived = rapport.fake.requests.get("chat.postMessage", 0)
            running.append(start_clock(rapport, db, log))
            rapport.fake.wait_for_request("chat.postMessage", arrived + 1, timeout=15)
            running[-1].send_signal(signal.SIGKILL)  # with the DM of two nudges in flight
            assert running[-1].wait(timeout=5) == -signal.SIGKILL
        running.append(start_clock(rapport, db, log))  # the third person's DM goes as usual
        deadline = time.monotonic() + 15
        while count(db, "sent") < 2:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        running[-1].send_signal(signal.SIGTERM)
        running[-1].wait(timeout=10)
    finally:
        for process in running:
            if process.poll() is None:
                process.kill()
                process.wait()
    rapport.fake.wait_for("chat.postMessage", count=2)  # the slow DM that landed, and the third

    later = datetime.now(UTC) + outbox.lease(outbox.KINDS[followups.DUE]) + timedelta(seconds=1)
    clock.set(later)
    jobs.tick(rapport.deps, later, worker="fresh-clock")

    delivered: Counter[int] = Counter()
    for user in PEOPLE:
        for message in rapport.fake.messages(user):
            carried = message["metadata"]["event_payload"]
            delivered.update(carried.get("bundle") or [carried["outbox_id"]])
    assert delivered == Counter(expected), log.read_text()  # each nudge once: none twice, none lost
    assert count(db, "sent") == len(CLIENTS)
    assert rapport.fake.requests["chat.postMessage"] == 4  # 3 DMs, and the one Slack answered 500
    assert rapport.fake.rejected == []
