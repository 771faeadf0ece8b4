"""How the outbox delivers a flood of due nudges at Slack's limits, across several clock processes.

    python -m bench.nudges            (or: python bench/nudges.py)

Builds an outbox of 1,000,000 rows (Core bulk inserts into a scratch SQLite file, or the PostgreSQL
database given with --database-url) of which 10,000 are due nudges for 500 staff spread over the time
zones where it is daytime now, and times the due-items query on it. Then several worker processes run
the real outbox engine (`bot.jobs.outbox.deliver_due`, as `python -m bot clock` does) against a fake
Slack in a process of its own that refuses anything faster than one post a second per conversation
and a workspace-wide rate (20 a second here, so the run takes about a minute) and answers one post in
ten with 429 and Retry-After. The gap between two nudge DMs to one person is 20 seconds instead of 30
minutes, so the messages that do not fit in a person's first DM go in the same run.

Stdout gets one JSON line: nudges delivered, duplicated and lost, the achieved send rate divided by
the allowed rate, and the due-items query's time; progress and details go to stderr. Everything
listens on and talks to 127.0.0.1 only. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # run as `python bench/nudges.py`
    sys.path.insert(0, str(ROOT))

from bot.jobs import outbox  # noqa: E402
from storage.models import OutboxMessage  # noqa: E402

BOT_TOKEN = "xoxb-bench-0000-rapport"
TEAM = "T0001"
OTHER_TEAMS = 19  # the rest of the table belongs to other workspaces too
PROMISE, QUIET = "bench_promise_due", "bench_contact_quiet"
RATE_TARGET = 0.9
QUERY_TARGET_MS = 20.0
# Places where a day's work may be going on; the bench's staff live in those where it is now.
ZONES = (
    "Pacific/Auckland", "Australia/Sydney", "Asia/Tokyo", "Asia/Shanghai", "Asia/Singapore",
    "Asia/Kolkata", "Asia/Dubai", "Europe/Moscow", "Africa/Nairobi", "Europe/Helsinki", "Europe/Berlin",
    "Europe/Amsterdam", "Europe/London", "Atlantic/Azores", "America/Sao_Paulo", "America/New_York",
    "America/Chicago", "America/Denver", "America/Los_Angeles", "Pacific/Honolulu",
)  # fmt: skip


def log(text: str) -> None:
    print(f"[nudges] {text}", file=sys.stderr, flush=True)


# --- the nudge kinds the bench sends (a follow-up slice registers its own the same way) -------------


def _draw(session: Any, message: OutboxMessage) -> dict[str, Any]:
    what = message.payload["what"]
    return {
        "text": what,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*{what}*"}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": message.payload["why"]}]},
        ],
    }


outbox.register(
    outbox.Kind(PROMISE, _draw, outbox.post, nudge=True), outbox.Kind(QUIET, _draw, outbox.post, nudge=True)
)


# --- the database -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    items: list[int]  # the due nudges' outbox ids
    users: list[str]
    zones: list[str]
    rows: int


def daytime_zones(now: datetime) -> list[str]:
    """Zones where it is between 08:00 and 19:00 now: the day has hours enough left for the run."""
    return [zone for zone in ZONES if 8 <= now.astimezone(ZoneInfo(zone)).hour < 19]


def build(url: str, rows: int, items: int, staff: int, rng: random.Random, now: datetime) -> Built:
    from sqlalchemy import Column, MetaData, Table, insert, literal_column, select, text

    from bench import scratch
    from storage.models import Staff, Workspace

    started = time.perf_counter()
    db = scratch.database(url)
    zones = daytime_zones(now)
    users = [f"U0B{n:06d}" for n in range(staff)]
    table: Table = OutboxMessage.__table__  # type: ignore[assignment]
    with db.engine.begin() as connection:
        connection.execute(
            insert(Workspace.__table__),  # type: ignore[arg-type]
            [{"team_id": TEAM, "locale": "en", "settings": {}, "installed_at": now}],
        )
        connection.execute(
            insert(Staff.__table__),  # type: ignore[arg-type]
            [
                {
                    "team_id": TEAM,
                    "slack_user_id": user,
                    "name": f"Person {n}",
                    "tz": zones[n % len(zones)],
                    "locale": "en-US",
                    "work_days": "mon-sun",
                    "work_start": "06:00",
                    "work_end": "22:00",
                    "profile_refreshed_at": now,  # known already: the run is about sending
                    "created_at": now,
                }
                for n, user in enumerate(users)
            ],
        )
        staff_ids = dict(connection.execute(select(Staff.slack_user_id, Staff.id)).tuples().all())

    # The past: what a year of an agency's outbox holds, in this and other workspaces. Inserted into
    # the same table without SQLAlchemy's per-value conversions (a million rows of them cost more than
    # the inserts): timestamps as the database keeps them, the empty payload written in the statement.
    history = rows - items
    chunk = 20_000
    kinds = ("prompt", "prompt_reminder", "prompt_moved", PROMISE, QUIET)
    stored = _stored_time(db.engine.dialect.name)
    plain = Table("outbox", MetaData(), *(Column(name) for name in (*HISTORY_COLUMNS, "payload")))
    statement = insert(plain).values(payload=literal_column("'{}'"))
    for start in range(0, history, chunk):
        batch = []
        for n in range(start, min(history, start + chunk)):
            kind = kinds[n % len(kinds)]
            at = now - timedelta(seconds=rng.randrange(365 * 86400))
            roll = rng.random()
            status = "sent" if roll < 0.97 else "failed" if roll < 0.985 else "cancelled"
            if roll >= 0.995:  # queued for later: not due before the run is long over
                status, at = "pending", now + timedelta(days=1, seconds=rng.randrange(30 * 86400))
            when = stored(at)
            batch.append(
                {
                    "team_id": TEAM if n % (OTHER_TEAMS + 1) == 0 else f"T{n % (OTHER_TEAMS + 1):04d}",
                    "kind": kind,
                    "channel": f"U0H{n % 5000:06d}",
                    "respect_working_hours": True,
                    "not_before": when,
                    "status": status,
                    "attempts": 0 if status == "pending" else 1,
                    "sent_at": when if status == "sent" else None,
                    "response_ts": f"{at.timestamp():.6f}" if status == "sent" else None,
                    "key": f"old:{n}/due" if kind in (PROMISE, QUIET) else None,
                    "created_at": when,
                }
            )
        with db.engine.begin() as connection:
            connection.execute(statement, batch)
        if (start // chunk) % 10 == 0:
            log(f"history: {min(history, start + chunk):,} of {history:,} rows")

    # The flood: every staff member has items // staff nudges due, some for two hours already.
    due = []
    for n in range(items):
        user = users[n % staff]
        due.append(
            {
                "team_id": TEAM,
                "kind": PROMISE if n % 3 else QUIET,
                "channel": user,
                "payload": {
                    "what": f"Follow-up #{n}",
                    "why": "promised on a call" if n % 3 else "quiet for 3 weeks",
                },
                "recipient_staff_id": staff_ids[user],
                "respect_working_hours": True,
                "not_before": now - timedelta(seconds=rng.randrange(2 * 3600)),
                "status": "pending",
                "attempts": 0,
                "key": f"item:{n}/due",
                "created_at": now,
            }
        )
    with db.engine.begin() as connection:
        connection.execute(insert(table), due)
        ids = list(connection.scalars(select(OutboxMessage.id).where(OutboxMessage.key.like("item:%"))))
    analyze(db)
    with db.engine.connect() as connection:
        total = connection.scalar(select(text("count(*)")).select_from(table)) or 0
    db.dispose()
    took = time.perf_counter() - started
    log(f"database ready in {took:.1f}s: {total:,} outbox rows, {len(ids):,} due nudges")
    return Built(sorted(ids), users, zones, total)


HISTORY_COLUMNS = (
    "team_id", "kind", "channel", "respect_working_hours", "not_before", "status", "attempts", "sent_at",
    "response_ts", "key", "created_at",
)  # fmt: skip


def _stored_time(dialect: str) -> Any:
    """A UTC time as the outbox's columns hold it: SQLAlchemy's SQLite text (see UTCDateTime), or the
    datetime itself for PostgreSQL's driver."""
    if dialect == "sqlite":
        return lambda at: at.strftime("%Y-%m-%d %H:%M:%S.%f")
    return lambda at: at


def analyze(db: Any) -> None:
    """Planner statistics, as a production database has them (autovacuum, or SQLite's ANALYZE)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")


def time_due_query(url: str, now: datetime, runs: int) -> dict[str, float]:
    """`storage.queries.due_outbox` (the first 100 due rows) on the built table, milliseconds."""
    from storage import queries
    from storage.db import Database

    db = Database(url)
    samples = []
    with db.session() as session:
        queries.due_outbox(session, now, 100)  # warm: the first run reads the index from disk
        for _ in range(runs):
            started = time.perf_counter()
            got = queries.due_outbox(session, now, 100)
            samples.append((time.perf_counter() - started) * 1000)
    db.dispose()
    assert got, "nothing due"
    return {"p50_ms": round(statistics.median(samples), 2), "max_ms": round(max(samples), 2)}


# --- the fake Slack, in a process of its own --------------------------------------------------------


class FakeSlackProcess:
    def __init__(self, rate: float, share: float, seed: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--serve-fake", json.dumps([rate, share, seed])],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit("the fake Slack did not start")
        self.url: str = json.loads(line)["url"]

    def stop(self) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        if self.process.poll() is not None:
            return {}
        self.process.stdin.close()
        line = self.process.stdout.readline()
        self.process.wait(timeout=30)
        return json.loads(line) if line else {}


def serve_fake(rate: float, share: float, seed: int) -> None:
    """Child mode: Slack's limits, a share of 429s, and at the end every post it kept, by its metadata."""
    from fakeslack import FakeSlack

    fake = FakeSlack(team_id=TEAM, bot_token=BOT_TOKEN).start()
    fake.limit_posts(per_channel=1, per_workspace=rate)
    fake.inject("chat.postMessage", status=429, retry_after=1, times=None, share=share, seed=seed)
    print(json.dumps({"url": fake.url}), flush=True)
    sys.stdin.read()  # until the parent closes the pipe
    posts = [
        {"channel": m["channel"], "ts": float(m["ts"]), "ids": outbox_ids(m.get("metadata"))}
        for m in fake.messages()
    ]
    injected = sum(1 for c in fake.faults if c.status == 429) - len(fake.limited)
    stats = {
        "posts": posts,
        "calls": dict(Counter(c.method for c in fake.calls)),
        "injected_429": injected,
        "limited_429": len(fake.limited),
        "rejected": dict(Counter(f"{c.method}:{c.error}" for c in fake.rejected)),
        "server_errors": len(fake.server_errors),
    }
    fake.stop()
    print(json.dumps(stats), flush=True)


def outbox_ids(metadata: Any) -> list[int]:
    return sorted(outbox.carried(metadata, TEAM))


# --- the clock processes ------------------------------------------------------------------------------


def work(config: dict[str, Any]) -> None:
    """Child mode: one clock process, running the outbox job over and over until told to stop."""
    from bot.deps import build_deps
    from config.settings import Settings

    settings = Settings(
        bot_token=BOT_TOKEN,
        database_url=config["url"],
        slack_api_url=config["slack"],
        token_verification=False,
        workspace_posts_per_minute=round(config["rate"] * 60),
        nudge_gap_seconds=config["gap"],
    )
    deps = build_deps(settings)
    name, start, stop = config["name"], Path(config["start"]), Path(config["stop"])
    Path(config["ready"]).touch()
    while not start.exists():
        time.sleep(0.01)
    totals: Counter[str] = Counter()
    while not stop.exists():
        counts = outbox.deliver_due(deps, deps.now(), worker=name).as_dict()
        totals.update(counts)
        if not any(counts.values()):
            time.sleep(0.05)
    deps.db.dispose()
    print(json.dumps(dict(totals)), flush=True)


def start_workers(
    n: int, url: str, slack: str, rate: float, gap: int, workdir: Path
) -> tuple[list[subprocess.Popen[bytes]], Path, Path]:
    start, stop = workdir / "start", workdir / "stop"
    workers = []
    for i in range(n):
        config = {
            "name": f"bench-clock-{i}",
            "url": url,
            "slack": slack,
            "rate": rate,
            "gap": gap,
            "ready": str(workdir / f"ready-{i}"),
            "start": str(start),
            "stop": str(stop),
        }
        env = {**os.environ, "LOG_LEVEL": "WARNING"}
        log_file = (workdir / f"worker-{i}.log").open("wb")
        workers.append(
            subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), "--work", json.dumps(config)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=log_file,
            )
        )
    deadline = time.monotonic() + 60
    while not all((workdir / f"ready-{i}").exists() for i in range(n)):
        if time.monotonic() > deadline:
            raise SystemExit("the clock processes did not start")
        time.sleep(0.05)
    return workers, start, stop


def settled(db: Any, ids: list[int]) -> Counter[str]:
    """The due nudges by status (they were inserted last, one id after the other)."""
    from sqlalchemy import func, select

    with db.session() as session:
        rows = session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.id.between(ids[0], ids[-1]))
            .group_by(OutboxMessage.status)
        ).all()
    return Counter({status: count for status, count in rows})


# --- main ---------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.nudges",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--items", type=int, default=10_000, help="due nudges (default 10000)")
    parser.add_argument("--staff", type=int, default=500, help="people they are for (default 500)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="outbox rows in all (default 1000000)")
    parser.add_argument("--rate", type=float, default=20.0, help="posts a second the workspace may make (20)")
    parser.add_argument("--workers", type=int, default=8, help="clock processes (default 8)")
    parser.add_argument(
        "--gap-seconds", type=int, default=20, help="between two nudge DMs to one person (20)"
    )
    parser.add_argument("--share-429", type=float, default=0.1, help="posts answered 429 (default 0.1)")
    parser.add_argument("--timeout", type=float, default=240.0, help="give up delivering after this long (s)")
    parser.add_argument(
        "--database-url", help="a scratch database (emptied, migrated and filled) instead of SQLite"
    )
    parser.add_argument("--keep-db", action="store_true", help="keep the temp dir (SQLite file, worker logs)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--serve-fake", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve_fake is not None:
        serve_fake(*json.loads(args.serve_fake))
        return 0
    if args.work is not None:
        work(json.loads(args.work))
        return 0
    if args.items < 1 or args.staff < 1 or args.rows < args.items or args.workers < 1:
        raise SystemExit("--items, --staff and --workers must be positive, --rows at least --items")

    rng = random.Random(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="rapport-nudges-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    fake: FakeSlackProcess | None = None
    workers: list[subprocess.Popen[bytes]] = []
    try:
        now = datetime.now(UTC)
        log(f"building {args.rows:,} outbox rows ({url.split('@')[-1]})")
        built = build(url, args.rows, args.items, args.staff, rng, now)
        log(f"staff in {len(built.zones)} time zones where it is daytime: {', '.join(built.zones)}")
        query = time_due_query(url, datetime.now(UTC), 30)
        log(f"due-items query (first 100 of {args.items:,} due, {built.rows:,} rows): {query}")

        fake = FakeSlackProcess(args.rate, args.share_429, args.seed)
        log(
            f"fake Slack at {fake.url}: 1 post/s per conversation, {args.rate:g}/s per workspace, "
            f"{args.share_429:.0%} of posts answered 429 (Retry-After 1)"
        )
        workers, start, stop = start_workers(
            args.workers, url, fake.url, args.rate, args.gap_seconds, workdir
        )
        log(f"{args.workers} clock processes ready; nudge gap {args.gap_seconds}s; go")
        from storage.db import Database

        watch = Database(url)
        began = time.monotonic()
        start.touch()
        status: Counter[str] = Counter()
        while time.monotonic() - began < args.timeout:
            time.sleep(1.0)
            status = settled(watch, built.items)
            log(f"{time.monotonic() - began:5.1f}s: {dict(status)}")
            if status["sent"] + status["failed"] + status["cancelled"] >= len(built.items):
                break
        stop.touch()
        watch.dispose()
        counts: Counter[str] = Counter()
        for worker in workers:
            out, _ = worker.communicate(timeout=60)
            line = out.decode().strip().splitlines()[-1:] if out else []
            counts.update(json.loads(line[0]) if line else {})
        workers = []
        stats = fake.stop()
        fake = None
        for path in sorted(workdir.glob("worker-*.log")):
            problems = [
                line for line in path.read_text().splitlines() if "Traceback" in line or "ERROR" in line
            ]
            if problems:
                log(f"{path.name}: {len(problems)} error lines, e.g. {problems[0]}")
        result = summarize(built, stats, counts, status, args, query)
        print(json.dumps(result), flush=True)
        return 0
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
        if fake is not None:
            fake.stop()
        if args.keep_db:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def summarize(
    built: Built,
    stats: dict[str, Any],
    counts: Counter[str],
    status: Counter[str],
    args: argparse.Namespace,
    query: dict[str, float],
) -> dict[str, Any]:
    items = set(built.items)
    posts = stats.get("posts", [])
    ours = [p for p in posts if set(p["ids"]) & items]
    carried = Counter(n for p in ours for n in p["ids"] if n in items)
    delivered = len(carried)
    duplicates = sum(count - 1 for count in carried.values())
    times = sorted(p["ts"] for p in ours)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    achieved = (len(times) - 1) / span if span > 0 else 0.0
    by_channel: dict[str, list[float]] = defaultdict(list)
    for post in ours:
        by_channel[post["channel"]].append(post["ts"])
    gaps = [b - a for ts in by_channel.values() for a, b in zip(sorted(ts), sorted(ts)[1:], strict=False)]
    sections = [len(p["ids"]) for p in ours]
    log(
        f"fake Slack: {stats.get('calls')}, 429s injected {stats.get('injected_429')}, by its limits "
        f"{stats.get('limited_429')}, rejected {stats.get('rejected') or 'none'}"
    )
    log(
        f"{len(ours)} DMs to {len(by_channel)} people, {min(sections, default=0)}-{max(sections, default=0)} "
        f"nudges each; shortest gap between two DMs to one person {min(gaps, default=0):.1f}s; "
        f"posts from {span:.1f}s of sending; clock processes: {dict(counts)}"
    )
    ratio = achieved / args.rate
    return {
        "items": len(items),
        "staff": args.staff,
        "outbox_rows": built.rows,
        "workers": args.workers,
        "delivered": delivered,
        "duplicates": duplicates,
        "lost": len(items) - delivered,
        "failed": status["failed"],
        "messages": len(ours),
        "allowed_rate": args.rate,
        "achieved_rate": round(achieved, 2),
        "rate_ratio": round(ratio, 3),
        "refused_by_limits": stats.get("limited_429", 0),
        "injected_429": stats.get("injected_429", 0),
        "shortest_gap_s": round(min(gaps, default=0.0), 1),
        "due_query": query,
        "targets": {
            "none_lost": delivered == len(items),
            "no_duplicates": duplicates == 0,
            "rate_ratio_at_least_0_9": ratio >= RATE_TARGET,
            "due_query_under_20ms": query["p50_ms"] < QUERY_TARGET_MS,
        },
    }


if __name__ == "__main__":
    sys.exit(main())
