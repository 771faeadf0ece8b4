"""How long the Excel export of 100,000 check-ins takes, against plain openpyxl writing the same cells,
and how much memory it needs.

    python -m bench.export            (or: python bench/export.py)

Builds a workspace of 1,000 clients and 100,000 check-ins over two years (`demo.data.load_workspace`,
Core bulk inserts into a scratch SQLite file, or the database given with --database-url), then, each in
a fresh process of its own, one after the other, `--repeat` (5) times:

- ours: `bot.exports.write` of every check-in (`all`), as `python -m bot export --period all` writes
  it: the Summary (averages and trends from the database), the Check-ins streamed from the database,
  Follow-ups, Contacts and the Weekly sheet with its chart, every sheet a table with its filters,
  frozen header, fitted widths, colour scales and dates in the workspace's zone;
- plain: the very cells of the file ours wrote (read back with openpyxl beforehand, not timed), written
  with openpyxl's write-only mode, row by row, sheet by sheet, with nothing else: no database, no
  tables, no styles, no chart.

Stdout gets one JSON line: the best time of each (wall clock, and the CPU time of its process), the
ratio of ours to plain (the median over the runs of each export against the plain run right after it;
target at most 1.3), the peak memory of the process that made ours (its maximum resident set, the
interpreter included; target under 250 MB), the rows of each sheet and the file's size. Progress goes
to stderr. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # run as `python bench/export.py`
    sys.path.insert(0, str(ROOT))

TEAM = "T0001"
ZONE = "Europe/Amsterdam"
RATIO_TARGET = 1.3
PEAK_TARGET_MB = 250


def log(text: str) -> None:
    print(f"[export] {text}", file=sys.stderr, flush=True)


def peak_mb() -> float:
    """This process's maximum resident set so far (Linux reports kilobytes)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def build(url: str, clients: int, checkins: int, seed: int, now: datetime) -> None:
    from bench import scratch
    from demo.data import load_workspace

    db = scratch.database(url)
    load_workspace(db, TEAM, random.Random(seed), clients=clients, checkins=checkins, now=now)
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    db.dispose()


# --- the two contestants, each in a process of its own -----------------------------------------------


def ours(url: str, out: str, now: str) -> dict[str, Any]:
    from bot import exports
    from bot.domain.periods import Period
    from bot.services.export import Selection
    from storage.db import Database

    db = Database(url)
    selection = Selection(TEAM, Period("all", None, None), ZONE)
    began, cpu = time.perf_counter(), time.process_time()
    with db.session() as session:
        made = exports.write(session, selection, datetime.fromisoformat(now), out)
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb(), "rows": made.written.rows}


def plain(source: str, out: str) -> dict[str, Any]:
    from openpyxl import Workbook, load_workbook

    book = load_workbook(source, read_only=True)
    sheets = [(sheet.title, [list(row) for row in sheet.iter_rows(values_only=True)]) for sheet in book]
    book.close()
    began, cpu = time.perf_counter(), time.process_time()
    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(out)
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    cells = sum(len(r) for _, rows in sheets for r in rows)
    return {"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb(), "cells": cells}


def run(*args: str) -> dict[str, Any]:
    """One contestant in a fresh process: its JSON answer."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.export", *args],
        cwd=ROOT,
        env={**os.environ, "LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"bench.export {args[0]} failed:\n{done.stderr}")
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


# --- main ---------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.export",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--checkins", type=int, default=100_000, help="check-ins (default 100000)")
    parser.add_argument("--clients", type=int, default=1_000, help="clients (default 1000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each (default 5)")
    parser.add_argument(
        "--database-url", help="a scratch database (emptied, migrated and filled) instead of SQLite"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (database, the files)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--ours", nargs=3, metavar=("URL", "OUT", "NOW"), help=argparse.SUPPRESS)
    parser.add_argument("--plain", nargs=2, metavar=("SOURCE", "OUT"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.ours is not None:
        print(json.dumps(ours(*args.ours)), flush=True)
        return 0
    if args.plain is not None:
        print(json.dumps(plain(*args.plain)), flush=True)
        return 0
    if args.checkins < 1 or args.clients < 1 or args.repeat < 1:
        raise SystemExit("--checkins, --clients and --repeat must be positive")

    workdir = Path(tempfile.mkdtemp(prefix="rapport-export-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    try:
        now = datetime.now(UTC)
        began = time.perf_counter()
        build(url, args.clients, args.checkins, args.seed, now)
        log(f"{args.clients:,} clients, {args.checkins:,} check-ins in {time.perf_counter() - began:.1f}s")
        ours_file, plain_file = workdir / "ours.xlsx", workdir / "plain.xlsx"
        mine: list[dict[str, Any]] = []
        theirs: list[dict[str, Any]] = []
        for attempt in range(1, args.repeat + 1):
            mine.append(run("--ours", url, str(ours_file), now.isoformat()))
            theirs.append(run("--plain", str(ours_file), str(plain_file)))
            me, them = mine[-1], theirs[-1]
            log(
                f"run {attempt}: ours {me['seconds']:.2f}s ({me['cpu']:.2f}s CPU, peak {me['peak_mb']} MB), "
                f"plain {them['seconds']:.2f}s ({them['cpu']:.2f}s CPU)"
            )
        best_ours = min(m["seconds"] for m in mine)
        best_plain = min(t["seconds"] for t in theirs)
        # Each export against the plain writing run right after it, on a machine whose speed changes
        # from one minute to the next; the median of those.
        pairs = [m["seconds"] / t["seconds"] for m, t in zip(mine, theirs, strict=True)]
        ratio = statistics.median(pairs)
        cpu_ours, cpu_plain = min(m["cpu"] for m in mine), min(t["cpu"] for t in theirs)
        cpu_pairs = [m["cpu"] / t["cpu"] for m, t in zip(mine, theirs, strict=True)]
        peak = max(m["peak_mb"] for m in mine)
        result = {
            "checkins": args.checkins,
            "clients": args.clients,
            "rows": mine[-1]["rows"],
            "cells": theirs[-1]["cells"],
            "ours_s": round(best_ours, 2),
            "plain_s": round(best_plain, 2),
            "ratio": round(ratio, 2),
            "pair_ratios": [round(r, 2) for r in pairs],
            "ratio_of_best": round(best_ours / best_plain, 2),
            "ours_cpu_s": round(cpu_ours, 2),
            "plain_cpu_s": round(cpu_plain, 2),
            "cpu_ratio": round(statistics.median(cpu_pairs), 2),
            "peak_mb": peak,
            "file_mb": round(ours_file.stat().st_size / 2**20, 1),
            "targets": {
                f"ratio_at_most_{RATIO_TARGET}": ratio <= RATIO_TARGET,
                f"peak_under_{PEAK_TARGET_MB}mb": peak < PEAK_TARGET_MB,
            },
        }
        print(json.dumps(result), flush=True)
        return 0
    finally:
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
