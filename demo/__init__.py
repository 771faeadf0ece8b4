"""`python -m bot demo`: a simulated agency using the real app against a local stand-in for Slack.

No Slack account, no environment variables and no network: a temporary SQLite database, `FakeSlack`
on 127.0.0.1, and the real WSGI app driven by signed requests exactly as Slack sends them. A
simulated clock walks through a few working weeks: staff log touchpoints and feelings, the outbox
job sends DM prompts in each person's working hours, people click faces (or don't), reminders and
expiries happen, and what staff see is printed as readable text.

- `demo.agency`: the agency, its staff and clients, and the clients.csv it imports;
- `demo.simulation`: the simulated weeks (`Demo`): the event queue and what staff do;
- `demo.summary`: the numbers at the end, read back from the database;
- `demo.data`: realistic data in bulk (many clients, two years of check-ins), for the benchmark;
- `demo.printer`: printing what staff see, secrets masked;
- `demo.guard`: the loopback-only socket guard.

The app (`bot`) never imports this package; only the CLI's `demo` command loads it.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any, TextIO

from demo.guard import is_loopback, loopback_only
from demo.printer import Printer, quiet_logging
from demo.simulation import Demo
from demo.summary import summary

__all__ = ["run"]


def run(
    weeks: int = 3,
    seed: int = 7,
    out: TextIO = sys.stdout,
    stats: dict[str, Any] | None = None,
    files: Path | None = None,
) -> int:
    """Simulate `weeks` weeks of the agency and print what staff see; 0 when all went as it should.

    `stats`, when given, is filled with the numbers behind the summary (read from the demo database
    before it is removed) and with what the simulation itself did, so tests can compare the two.
    `files` is the folder the digest's charts (and the export) are written to; a new folder in the
    system's temporary directory when None. It is kept, and named at the end.
    """
    if weeks < 1:
        out.write("The demo needs at least one week (--weeks 1 or more).\n")
        return 2
    stats = stats if stats is not None else {}
    tmp = Path(tempfile.mkdtemp(prefix="rapport-demo-"))
    network: Counter[str] = Counter()
    bot_token = "xoxb-" + "-".join(secrets.token_hex(6) for _ in range(3))
    signing_secret = secrets.token_hex(16)
    say = Printer(out, [bot_token, signing_secret])
    files = files or Path(tempfile.mkdtemp(prefix="rapport-demo-files-"))
    demo = Demo(
        weeks=weeks,
        seed=seed,
        say=say,
        tmp=tmp,
        bot_token=bot_token,
        signing_secret=signing_secret,
        out=files,
    )
    handler = quiet_logging([bot_token, signing_secret])
    try:
        with loopback_only(network):
            demo.setup()
            demo.intro()
            demo.import_clients()
            demo.simulate()
            demo.finale()
            summary(demo, stats, network)
            from demo import quarter  # here: `python -m demo.quarter` runs it as a script

            warned = quarter.run(seed, workdir=tmp)
            say()
            say("== A quarter of this agency (same seed): does the digest warn in time? ==")
            say("  Two clients sour over 13 weeks; the digest is read every Monday.")
            for line in warned.lines():
                say("  " + line)
            stats["quarter"] = warned
            rejected = list(demo.fake.rejected)
            server_errors = list(demo.fake.server_errors)
    finally:
        demo.close()
        if handler is not None:
            logging.getLogger().removeHandler(handler)
        shutil.rmtree(tmp, ignore_errors=True)
    stats["problems"] = list(demo.problems)
    stats["files"] = sorted(str(p) for p in files.glob("*")) if files.exists() else []
    if stats["files"]:
        say(f"The digests' charts and the Excel export are in {files} ({len(stats['files'])} files).")
    stats["output_lines"] = say.lines
    failed = False
    if rejected:
        failed = True
        say("Slack refused some of the app's calls (a real bug):")
        for call in rejected:
            say(f"  {call.method}: {call.error}")
    if server_errors:
        failed = True
        say("The Slack stand-in hit errors: " + "; ".join(server_errors))
    if demo.problems:
        failed = True
        say("Things that did not go as they should:")
        for problem in demo.problems:
            say(f"  {problem}")
    if not all(is_loopback(host) for host in network):
        failed = True
    if say.leaks:
        failed = True
        say(f"{say.leaks} line(s) would have shown a secret; they were masked.")
    say("Demo finished: " + ("something went wrong, see above." if failed else "all good."))
    return 1 if failed else 0
