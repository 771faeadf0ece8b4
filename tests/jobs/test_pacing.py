"""The outbox keeps to Slack's pace: about one message a second per channel, and the workspace's rate
(RAPPORT_POSTS_PER_MINUTE) across every clock process, and waits as long as a 429 asks."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from bot.jobs import outbox
from bot.services import outbox as outbox_service
from storage.models import OutboxMessage, SendPace
from tests.conftest import BOT_TOKEN
from tests.factories import add_client

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def note_kind() -> Iterator[str]:
    kind = outbox.Kind("test_pace_note", lambda session, message: {"text": message.payload["text"]})
    outbox.register(kind)
    yield kind.name
    outbox.KINDS.pop(kind.name, None)


def queue(db, kind: str, channels: list[str], at: datetime) -> list[int]:
    add_client(db, "Acme")  # the workspace
    with db.session() as session:
        return [
            outbox_service.enqueue(
                session,
                team_id="T0001",
                kind=kind,
                channel=channel,
                not_before=at,
                payload={"text": f"{channel} #{n}"},
                respect_working_hours=False,
            ).id
            for n, channel in enumerate(channels)
        ]


def posted_at(fake, channel: str) -> list[float]:
    return [float(m["ts"]) for m in fake.messages(channel)]


def gaps(times: list[float]) -> list[float]:
    return [round(b - a, 3) for a, b in itertools.pairwise(times)]


def with_pace(rapport, posts_per_minute: int) -> None:
    rapport.deps.settings = replace(rapport.deps.settings, workspace_posts_per_minute=posts_per_minute)


def test_posts_to_one_channel_go_a_second_apart(rapport, db, clock, note_kind):
    rapport.fake.limit_posts(per_channel=1)  # as Slack: a second post within the second is refused
    with_pace(rapport, 600)
    queue(db, note_kind, ["C0ONE"] * 3 + ["C0TWO"], clock.now)
    started = clock.now

    assert rapport.tick()["sent"] == 4

    assert gaps(posted_at(rapport.fake, "C0ONE")) == [1.0, 1.0]
    assert posted_at(rapport.fake, "C0TWO")[0] - started.timestamp() < 1  # not held up by C0ONE's pace
    assert rapport.fake.limited == [] and rapport.fake.faults == []


def test_posts_in_a_workspace_keep_to_its_rate_across_channels(rapport, db, clock, note_kind):
    rapport.fake.limit_posts(per_channel=1, per_workspace=2)
    with_pace(rapport, 120)  # two a second
    queue(db, note_kind, [f"C0CH{n}" for n in range(6)], clock.now)

    assert rapport.tick()["sent"] == 6

    times = sorted(t for n in range(6) for t in posted_at(rapport.fake, f"C0CH{n}"))
    assert gaps(times) == [0.5] * 5
    assert rapport.fake.limited == []


def test_a_quiet_workspace_may_send_half_a_seconds_worth_at_once(rapport, db, clock, note_kind):
    rapport.fake.limit_posts(per_channel=1, per_workspace=10)
    with_pace(rapport, 600)  # ten a second: five at once, as Slack allows bursts, then its rate
    queue(db, note_kind, [f"C0CH{n}" for n in range(8)], clock.now)

    assert rapport.tick()["sent"] == 8

    times = sorted(t for n in range(8) for t in posted_at(rapport.fake, f"C0CH{n}"))
    assert gaps(times) == [0.0] * 4 + [0.1] * 3
    assert rapport.fake.limited == []


def test_the_default_is_one_post_a_second_per_workspace(rapport, db, clock, note_kind):
    queue(db, note_kind, ["C0A", "C0B", "C0C"], clock.now)
    assert rapport.deps.settings.workspace_posts_per_minute == 60
    rapport.tick()
    times = sorted(t for ch in ("C0A", "C0B", "C0C") for t in posted_at(rapport.fake, ch))
    assert gaps(times) == [1.0, 1.0]


def test_a_moment_too_far_off_sends_the_message_back_to_the_queue_until_then(rapport, db, clock, note_kind):
    with_pace(rapport, 6)  # one every ten seconds: longer than a clock process waits
    _first, second = queue(db, note_kind, ["C0A", "C0B"], clock.now)
    started = clock.now

    counts = rapport.tick()

    assert (counts["sent"], counts["paced"]) == (1, 1)
    with db.session() as session:
        row = session.get(OutboxMessage, second)
        assert (row.status, row.not_before, row.attempts, row.claimed_at) == (
            "pending",
            started + timedelta(seconds=10),
            0,
            None,
        )
    clock.set(started + timedelta(seconds=9))
    assert rapport.tick()["sent"] == 0
    clock.set(started + timedelta(seconds=10))
    assert rapport.tick()["sent"] == 1


def test_a_long_retry_after_holds_the_whole_workspace(rapport, db, clock, note_kind):
    first, second = queue(db, note_kind, ["C0A", "C0B"], clock.now)
    rapport.fake.inject("chat.postMessage", status=429, retry_after=30)  # longer than a call waits
    started = clock.now

    counts = rapport.tick()

    assert (counts["retried"], counts["paced"], counts["sent"]) == (1, 1, 0)
    with db.session() as session:
        assert session.get(OutboxMessage, first).not_before == started + timedelta(seconds=30)
        assert session.get(OutboxMessage, second).not_before == started + timedelta(seconds=30)
    clock.set(started + timedelta(seconds=30))
    assert rapport.tick()["sent"] == 2
    assert len(rapport.fake.calls_to("chat.postMessage")) == 2


def test_pace_rows_long_past_are_forgotten(rapport, db, clock, note_kind):
    queue(db, note_kind, ["C0A"], clock.now)
    rapport.tick()
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(SendPace)) == 2  # the channel, the workspace
    clock.advance(days=2)
    assert rapport.tick()["paces_forgotten"] == 2


# --- two real clock processes share one pace ------------------------------------------------------


PEOPLE = ("U01LEAD001", "U01PART001", "U01NYC0001")
CLIENTS = [
    "Alpha",
    "Bravo",
    "Cobalt",
    "Delta",
    "Echo",
    "Foxtrot",
    "Golf",
    "Hotel",
    "India",
    "Juliett",
    "Kilo",
    "Lima",
]


def count(db, status: str) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).where(OutboxMessage.status == status)) or 0


def start_clock(rapport, db, log: Path, posts_per_minute: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "RAPPORT_", "DATABASE_"))}
    env.update(
        DATABASE_URL=db.url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_API_URL=rapport.fake.url,
        RAPPORT_SCHEDULER_INTERVAL_SECONDS="1",
        RAPPORT_POSTS_PER_MINUTE=str(posts_per_minute),
    )
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "clock"], cwd=ROOT, env=env, stdout=out, stderr=out
        )


def test_two_clock_processes_keep_to_one_pace_together(rapport, db, clock, tmp_path):
    """Two `python -m bot clock` processes send twelve prompts to three people, the fake Slack refusing
    anything faster than Slack allows: one post a second per conversation, two a second in the
    workspace (the processes' RAPPORT_POSTS_PER_MINUTE)."""
    rapport.fake.clock = time.time  # the clock processes run on the real clock: so do Slack and the prompts
    clock.set(datetime.now(UTC))
    rapport.fake.limit_posts(per_channel=1, per_workspace=2)
    for n, name in enumerate(CLIENTS):
        user = PEOPLE[n % len(PEOPLE)]
        add_client(db, name, lead=user)
        rapport.slack.command("/rapport", f"touchpoint {name.lower()} call with Jan", user=user)
    with db.session() as session:
        # Whatever the hour the test runs at: these prompts need not wait for anyone's working day.
        session.execute(update(OutboxMessage).values(respect_working_hours=False))
        expected = set(session.scalars(select(OutboxMessage.id)))
    assert len(expected) == len(CLIENTS)

    log = tmp_path / "clock.log"
    running = [start_clock(rapport, db, log, posts_per_minute=120) for _ in range(2)]
    try:
        deadline = time.monotonic() + 40
        while count(db, "sent") < len(CLIENTS):
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
    finally:
        for process in running:
            process.terminate()
        for process in running:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    assert rapport.fake.limited == [] and rapport.fake.faults == [], log.read_text()
    delivered = Counter(
        m["metadata"]["event_payload"]["outbox_id"] for user in PEOPLE for m in rapport.fake.messages(user)
    )
    assert delivered == Counter(expected)  # each prompt once
    # Slack's own limits were never hit (`limited` above); the timestamps it gave say the same, less
    # what two processes' posts may lose or gain in transit on a busy machine (a few hundredths).
    for user in PEOPLE:
        assert min(gaps(posted_at(rapport.fake, user))) >= 0.9
    everyone = sorted(t for user in PEOPLE for t in posted_at(rapport.fake, user))
    assert min(gaps(everyone)) >= 0.4  # two a second
    with db.session() as session:
        workers = set(session.scalars(select(OutboxMessage.claimed_by)))
    assert len(workers) == 2, workers  # both processes sent some
