"""How long one workspace's weekly digest takes to build, and whether twice the history costs more.

    python -m bench.digest            (or: python bench/digest.py)

Fills a scratch database (a SQLite file in a temp dir, or the PostgreSQL database given with
--database-url, emptied and migrated) with an agency of 2,000 clients and 300 staff and two years of
history: 1,000,000 check-ins, 250,000 touchpoints, 50,000 follow-ups (most done), a few hundred
outreaches awaiting an answer. Times building the digest (`bot.services.digest.build`: every query
and the health of every client) and drawing its channel message and thread
(`bot.views.digest.message` and `thread`), not the chart: the median of 7 runs after a warm-up. Then
adds two more years before those (the same again: history doubled) and times it again.

Stdout gets one JSON line: both times, their ratio, and whether the targets are met (under 500 ms;
doubling the history costs at most 1.2x). Progress goes to stderr. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # run as `python bench/digest.py`
    sys.path.insert(0, str(ROOT))

TEAM = "T0001"
TIME_TARGET_MS = 500.0
RATIO_TARGET = 1.2
SEGMENTS = ("retainer", "project", "retail", "health", "finance", "internal")
ZONES = ("Europe/Amsterdam", "Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney")
CHUNK = 20_000
TOUCHPOINT_COLUMNS = (
    "team_id", "client_id", "staff_id", "kind", "title", "happened_at", "source", "cancelled", "direction",
    "created_at",
)  # fmt: skip
FOLLOWUP_COLUMNS = (
    "team_id", "client_id", "owner_id", "kind", "what", "due_at", "has_time", "status", "source", "stage",
    "reminders_sent", "created_at",
)  # fmt: skip


def log(text: str) -> None:
    print(f"[bench.digest] {text}", file=sys.stderr, flush=True)


def _stored_time(dialect: str) -> Any:
    """A UTC time as the columns hold it: SQLAlchemy's SQLite text, or the datetime for PostgreSQL."""
    if dialect == "sqlite":
        return lambda at: at.strftime("%Y-%m-%d %H:%M:%S.%f")
    return lambda at: at


def _plain(name: str, columns: tuple[str, ...], **literals: str) -> Any:
    """An INSERT into `name` without SQLAlchemy's per-value conversions (a million rows of them cost
    more than the inserts); `literals` are written in the statement (JSON defaults)."""
    from sqlalchemy import Column, MetaData, Table, insert, literal_column

    table = Table(name, MetaData(), *(Column(c) for c in (*columns, *literals)))
    return insert(table).values({k: literal_column(v) for k, v in literals.items()})


def agency(
    url: str, clients: int, staff: int, rng: random.Random, now: datetime
) -> tuple[Any, list[int], list[int]]:
    from sqlalchemy import insert, select

    from bench import scratch
    from storage.models import Client, Staff, Wait, Workspace

    db = scratch.database(url)
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
                    "slack_user_id": f"U0S{n:06d}",
                    "name": f"Person {n}",
                    "tz": ZONES[n % len(ZONES)],
                    "work_days": "mon-fri",
                    "work_start": "09:00",
                    "work_end": "17:30",
                    "created_at": now,
                }
                for n in range(staff)
            ],
        )
        staff_ids = list(connection.scalars(select(Staff.id).order_by(Staff.id)))
        connection.execute(
            insert(Client.__table__),  # type: ignore[arg-type]
            [
                {
                    "team_id": TEAM,
                    "name": f"Client {n:04d}",
                    "name_key": f"client {n:04d}",
                    "segment": SEGMENTS[n % len(SEGMENTS)],
                    "renewal_date": (now + timedelta(days=rng.randrange(-30, 365))).date(),
                    "status": "churned" if n % 97 == 0 else "active",
                    "churned_at": now - timedelta(days=rng.randrange(60)) if n % 97 == 0 else None,
                    "churn_reason": "budget" if n % 97 == 0 else None,
                    "lead_id": staff_ids[n % staff],
                    "partner_id": staff_ids[(n * 7 + 1) % staff],
                    "backup_id": staff_ids[(n * 13 + 2) % staff],
                    "created_at": now - timedelta(days=800),
                    "updated_at": now,
                }
                for n in range(clients)
            ],
        )
        client_ids = list(connection.scalars(select(Client.id).order_by(Client.id)))
        connection.execute(
            insert(Wait.__table__),  # type: ignore[arg-type]
            [
                {
                    "team_id": TEAM,
                    "client_id": client_ids[rng.randrange(clients)],
                    "staff_id": staff_ids[n % staff],
                    "about": "the proposal",
                    "since": now - timedelta(days=rng.randrange(3, 30)),
                    "last_outreach_at": now - timedelta(days=3),
                    "status": "open",
                    "stage": "quiet",
                }
                for n in range(clients // 5)
            ],
        )
    return db, client_ids, staff_ids


def history(
    db: Any,
    client_ids: list[int],
    staff_ids: list[int],
    rng: random.Random,
    now: datetime,
    *,
    checkins: int,
    touchpoints: int,
    followups: int,
    newest_days: int,
    oldest_days: int,
) -> None:
    """Check-ins, touchpoints and follow-ups spread over `oldest_days` to `newest_days` before now."""
    stored = _stored_time(db.engine.dialect.name)
    span = (oldest_days - newest_days) * 86400
    mood = {c: rng.uniform(2.5, 4.6) for c in client_ids}

    def when() -> datetime:
        return now - timedelta(days=newest_days, seconds=rng.randrange(span))

    tp_statement = _plain("touchpoints", TOUCHPOINT_COLUMNS)
    for start in range(0, touchpoints, CHUNK):
        rows = []
        for _ in range(min(CHUNK, touchpoints - start)):
            at = stored(when())
            rows.append(
                {
                    "team_id": TEAM,
                    "client_id": rng.choice(client_ids),
                    "staff_id": rng.choice(staff_ids),
                    "kind": "meeting",
                    "title": "weekly call",
                    "happened_at": at,
                    "source": "manual",
                    "cancelled": False,
                    "direction": rng.choice(("both", "both", "inbound", "outbound")),
                    "created_at": at,
                }
            )
        with db.engine.begin() as connection:
            connection.execute(tp_statement, rows)
    log(f"  {touchpoints:,} touchpoints")
    # Most touchpoints get a feeling (the prompt after them); the other check-ins came from /feeling.
    from sqlalchemy import select

    from storage.models import Touchpoint

    with db.engine.connect() as connection:
        made = connection.execute(
            select(Touchpoint.id, Touchpoint.client_id, Touchpoint.staff_id, Touchpoint.happened_at)
            .where(Touchpoint.team_id == TEAM)
            .order_by(Touchpoint.id.desc())
            .limit(touchpoints)
        ).all()
    felt = [row for row in made if rng.random() < 0.8][:checkins]
    ci_statement = _plain(
        "checkins",
        ("team_id", "client_id", "staff_id", "touchpoint_id", "score", "expectation", "source", "created_at"),
        tags="'[]'",
    )
    for start in range(0, checkins, CHUNK):
        rows = []
        for n in range(start, min(checkins, start + CHUNK)):
            if n < len(felt):
                tp_id, client, person, happened = felt[n]
                at = (happened if happened.tzinfo else happened.replace(tzinfo=UTC)) + timedelta(minutes=20)
                source = "prompt"
            else:
                tp_id, client, person, at, source = (
                    None,
                    rng.choice(client_ids),
                    rng.choice(staff_ids),
                    when(),
                    "command",
                )
            score = min(5, max(1, round(mood[client] + rng.gauss(0, 0.6))))
            rows.append(
                {
                    "team_id": TEAM,
                    "client_id": client,
                    "staff_id": person,
                    "touchpoint_id": tp_id,
                    "score": score,
                    "expectation": "below" if score <= 2 and rng.random() < 0.6 else "met",
                    "source": source,
                    "created_at": stored(at),
                }
            )
        with db.engine.begin() as connection:
            connection.execute(ci_statement, rows)
        if (start // CHUNK) % 10 == 0:
            log(f"  check-ins: {min(checkins, start + CHUNK):,} of {checkins:,}")
    fu_statement = _plain("followups", FOLLOWUP_COLUMNS)
    for start in range(0, followups, CHUNK):
        rows = []
        for _ in range(min(CHUNK, followups - start)):
            made = when()
            open_one = newest_days == 0 and rng.random() < 0.02
            rows.append(
                {
                    "team_id": TEAM,
                    "client_id": rng.choice(client_ids),
                    "owner_id": rng.choice(staff_ids),
                    "kind": "promise",
                    "what": "send the revised plan",
                    "due_at": stored(
                        now + timedelta(days=rng.randrange(-20, 20)) if open_one else made + timedelta(days=3)
                    ),
                    "has_time": False,
                    "status": "open" if open_one else "done",
                    "source": "command",
                    "stage": "none",
                    "reminders_sent": 0,
                    "created_at": stored(made),
                }
            )
        with db.engine.begin() as connection:
            connection.execute(fu_statement, rows)
    log(f"  {followups:,} follow-ups")
    from storage import weeks

    started = time.perf_counter()
    with db.engine.begin() as connection:
        kept = weeks.rebuild(connection, TEAM)  # what logging them one by one keeps up to date
    log(f"  weekly sums added up again: {kept:,} client-weeks in {time.perf_counter() - started:.1f}s")


def analyze(db: Any) -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")


def time_digest(url: str, now: datetime, runs: int) -> tuple[dict[str, float], dict[str, Any]]:
    """Build the digest and draw its message and thread `runs` times (after one warm-up); ms."""
    from bot.services import digest
    from bot.views import digest as digest_view
    from storage.db import Database

    db = Database(url)
    took: list[float] = []
    facts: dict[str, Any] = {}
    for n in range(runs + 1):
        started = time.perf_counter()
        with db.session() as session:
            built = digest.build(session, TEAM, now, "Europe/Amsterdam")
            message = digest_view.message(built)
            thread = digest_view.thread(built)
        if n:
            took.append((time.perf_counter() - started) * 1000)
        facts = {
            "clients": built.clients,
            "scored": built.scored,
            "at_risk": len(built.at_risk),
            "checkins_this_week": built.checkins,
            "message_blocks": len(message["blocks"]),
            "thread_blocks": len(thread["blocks"]),
        }
    db.dispose()
    return {"p50_ms": round(statistics.median(took), 1), "max_ms": round(max(took), 1)}, facts


def count(url: str, table: str) -> int:
    from sqlalchemy import text

    from storage.db import Database

    db = Database(url)
    with db.engine.connect() as connection:
        total = int(connection.scalar(text(f"SELECT count(*) FROM {table}")) or 0)
    db.dispose()
    return total


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.digest",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--clients", type=int, default=2_000)
    parser.add_argument("--staff", type=int, default=300)
    parser.add_argument("--checkins", type=int, default=1_000_000)
    parser.add_argument("--touchpoints", type=int, default=250_000)
    parser.add_argument("--followups", type=int, default=50_000)
    parser.add_argument("--years", type=int, default=2, help="the history's span, doubled later (default 2)")
    parser.add_argument("--runs", type=int, default=7, help="timed builds each time (default 7)")
    parser.add_argument(
        "--database-url", help="a scratch database (emptied, migrated, filled) instead of SQLite"
    )
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    rng = random.Random(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="rapport-digest-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    now = datetime.now(UTC).replace(microsecond=0)
    days = 365 * args.years
    try:
        started = time.perf_counter()
        log(f"building the agency and {args.years} years of history ({url.split('@')[-1]})")
        db, client_ids, staff_ids = agency(url, args.clients, args.staff, rng, now)
        sizes = {"checkins": args.checkins, "touchpoints": args.touchpoints, "followups": args.followups}
        history(db, client_ids, staff_ids, rng, now, **sizes, newest_days=0, oldest_days=days)
        analyze(db)
        log(f"ready in {time.perf_counter() - started:.0f}s")
        first, facts = time_digest(url, now, args.runs)
        rows = count(url, "checkins")
        log(f"digest over {rows:,} check-ins: {first} {facts}")
        log(f"doubling the history: {args.years} more years before it")
        history(db, client_ids, staff_ids, rng, now, **sizes, newest_days=days, oldest_days=2 * days)
        analyze(db)
        db.dispose()
        second, facts_doubled = time_digest(url, now, args.runs)
        rows_doubled = count(url, "checkins")
        log(f"digest over {rows_doubled:,} check-ins: {second} {facts_doubled}")
        ratio = round(second["p50_ms"] / first["p50_ms"], 3)
        print(
            json.dumps(
                {
                    "database": "postgresql" if args.database_url else "sqlite",
                    "clients": args.clients,
                    "staff": args.staff,
                    "checkins": rows,
                    "touchpoints": args.touchpoints,
                    "followups": args.followups,
                    "digest_ms": first,
                    "doubled_checkins": rows_doubled,
                    "doubled_digest_ms": second,
                    "ratio": ratio,
                    "digest": facts,
                    "targets": {
                        "under_500ms": first["p50_ms"] < TIME_TARGET_MS and second["p50_ms"] < TIME_TARGET_MS,
                        "doubling_at_most_1_2x": ratio <= RATIO_TARGET,
                    },
                }
            ),
            flush=True,
        )
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
