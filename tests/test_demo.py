"""`python -m bot demo`: the simulated agency runs the real app against the local Slack stand-in."""

from __future__ import annotations

import ast
import io
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import demo
from demo.agency import STAFF

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo-files")


@pytest.fixture(scope="module")
def one_week(files: Path) -> tuple[int, str, dict[str, Any]]:
    out = io.StringIO()
    stats: dict[str, Any] = {}
    code = demo.run(weeks=1, seed=3, out=out, stats=stats, files=files)
    return code, out.getvalue(), stats


@pytest.fixture(scope="module")
def three_weeks() -> tuple[int, str, dict[str, Any]]:
    """Three weeks, as `python -m bot demo` runs by default; this seed's Home tab has a client whose
    sparkline is flat from the second week on."""
    out = io.StringIO()
    stats: dict[str, Any] = {}
    code = demo.run(weeks=3, seed=6, out=out, stats=stats)
    return code, out.getvalue(), stats


def printed(output: str, label: str) -> int:
    match = re.search(rf"^\s+{re.escape(label)}:\s+(\d+)", output, re.MULTILINE)
    assert match, f"no {label!r} line in the summary"
    return int(match.group(1))


def test_the_demo_runs_clean(one_week):
    code, output, stats = one_week
    assert code == 0, output[-2000:]
    assert stats["problems"] == []
    assert stats["rejected"] == 0  # no Slack call was refused by the spec-checked stand-in
    assert set(stats["network"]) == {"127.0.0.1"}
    assert output.rstrip().endswith("Demo finished: all good.")
    assert stats["output_lines"] < 300


def test_it_shows_what_staff_see(one_week):
    _, output, _ = one_week
    assert "== Week 1:" in output
    assert "Imported clients.csv" in output and "10 created" in output
    assert "How did *" in output  # a DM prompt, rendered
    assert "[ 🙂 Happy ]" in output  # with its face buttons
    assert "the same message, updated in place" in output and "logged for *" in output
    assert "Reminder: how did" in output
    assert "counts as a missed check-in" in output
    assert "didn't happen." in output
    assert ":warning: “7” isn't a feeling score" in output  # `/feeling <client> 7`: the form, warned
    assert "== Log a feeling ==" in output
    assert re.search(
        r"night tick, \w{3} \d\d \w{3} 02:00 in Amsterdam: 0 DMs sent, [1-9]\d* deferred", output
    )
    assert "== Home ==" in output and "My clients" in output
    assert "Feeling (90 days):" in output and "Recent check-ins" in output  # the client card
    assert "== Summary ==" in output
    # Promises and silences: a promise nudged, snoozed and done; a quiet contact with next steps and
    # the follow-up logged from it; a bad check-in turned into a recovery step.
    assert "Noted: *send the revised plan*" in output and "Snoozed: I'll ask about" in output
    assert "Done: *send the revised plan*" in output
    assert "No answer from *" in output and "*What might help*" in output
    assert "A follow-up now chases" in output
    assert "[ Add a recovery step ]" in output and "the recovery step is due" in output
    # Light nudges: one reminder ("the last"), then the partner is told of the forgotten promise.
    assert "settings intensity light" in output and "This is the last reminder" in output
    assert "Open past its due moment" in output
    # The weekly digest: an owner sends it to #client-health; on Monday 09:00 the clock posts it.
    assert "typed `/rapport digest <#C0CLIENTS1|client-health>`" in output
    assert "the weekly digest in #client-health" in output and "Weekly client digest" in output
    assert "*At risk (" in output or "*At risk:* nobody" in output
    assert "[ Export to Excel ]" in output and "chart, saved as feeling-2026-11-23.png" in output
    # A quarter of the same agency: the digest warns of each souring client in time, and only of them.
    assert "does the digest warn in time?" in output and "weeks' warning" in output
    assert "false alarms: none" in output
    # Two promises due the same morning: one DM with a section each; Snooze redraws only its own.
    assert "2 nudges due together, one DM" in output and "2 things to follow up on" in output


def test_summary_numbers_match_the_database_and_the_simulation(one_week):
    _, output, stats = one_week
    simulated = stats["simulated"]
    assert printed(output, "Check-ins") == stats["checkins"]
    assert printed(output, "Touchpoints logged") == stats["touchpoints"] == simulated["touchpoints"]
    assert printed(output, "Send attempts recorded") == stats["send_attempts"] == stats["outbox_sent"]
    assert stats["outbox_sent"] == simulated["sent"]
    assert printed(output, "DMs sent") == stats["dms"] == stats["slack_posts"]
    # Every check-in in the database is one the simulated staff saw confirmed in Slack.
    answered = simulated["face_clicks"] + simulated["details"]
    assert stats["prompts_answered"] == answered
    assert stats["checkins"] == answered + simulated["feelings"] + simulated["modal_feelings"]
    assert stats["checkins_by_source"].get("command", 0) == simulated["feelings"]
    assert stats["prompts_skipped"] == simulated["skips"] == stats["touchpoints_cancelled"]
    assert stats["prompts_expired"] == simulated["expired"] >= 1
    # Every DM prompt and reminder went out through the outbox, every attempt was recorded.
    kinds = stats["outbox_by_kind"]
    posts = (  # the rest are edits of messages sent
        "prompt",
        "prompt_reminder",
        "checkin_bad",
        "followup_due",
        "followup_reminder",
        "followup_escalation",
        "quiet_contact",
        "quiet_escalation",
        "digest",
        "digest_thread",
    )
    # nudges due together share one DM: a post for each, less the ones that went with another
    bundled_away = stats["bundled"] - stats["bundles"]
    assert stats["slack_posts"] == sum(kinds.get(kind, 0) for kind in posts) - bundled_away
    assert stats["send_attempts"] == stats["send_attempts_ok"] == stats["outbox_sent"]
    assert stats["followups"].get("recovery", 0) == simulated["recoveries"] >= 1
    assert stats["followups"].get("quiet", 0) == simulated["quiet_followups"] >= 1
    assert stats["followups_by_status"].get("done", 0) >= simulated["promises_done"] >= 1
    assert stats["waits"].get("followed_up", 0) == simulated["quiet_followups"]
    assert stats["bundled"] == simulated["bundled_nudges"] >= 2 and stats["bundles"] >= 1
    assert simulated["digests"] == 1 and any(f.endswith("feeling-2026-11-23.png") for f in stats["files"])
    assert simulated["exports"] == 1 and any(f.endswith("export-2026-11-23.xlsx") for f in stats["files"])
    chart = next(f for f in stats["files"] if f.endswith(".png"))
    assert Path(chart).read_bytes().startswith(b"\x89PNG")
    assert stats["deferred_at_night"] >= 1


def test_nothing_secret_is_printed(one_week):
    _, output, _ = one_week
    assert "xoxb-" not in output and "xapp-" not in output
    assert "[redacted]" not in output


def test_the_same_seed_tells_the_same_story(one_week, files):
    _, output, _ = one_week
    again = io.StringIO()
    assert demo.run(weeks=1, seed=3, out=again, files=files) == 0

    def without_port(text: str) -> str:
        return re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", text)

    assert without_port(again.getvalue()) == without_port(output)


def test_python_m_bot_demo_needs_no_slack_settings():
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--weeks", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "Demo finished: all good." in result.stdout
    assert "xoxb-" not in result.stdout + result.stderr


def demo_imports(path: Path) -> list[str]:
    """The functions of a module that import the demo package ("<module>" for its top level)."""
    found: list[str] = []

    def visit(node: ast.AST, where: str) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            where = node.name
        names = (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom) and node.level == 0
            else []
        )
        if any(name == "demo" or name.startswith("demo.") for name in names):
            found.append(where)
        for child in ast.iter_child_nodes(node):
            visit(child, where)

    visit(ast.parse(path.read_text(encoding="utf-8")), "<module>")
    return found


def test_the_app_never_imports_the_demo():
    """Only the CLI's `demo` command loads the demo package; the web process never does."""
    importers = {
        (path.relative_to(ROOT).as_posix(), where)
        for path in (ROOT / "bot").rglob("*.py")
        for where in demo_imports(path)
    }
    assert importers == {("bot/cli.py", "cmd_demo")}
    code = "import sys, bot.web, bot.cli; print(sorted(m for m in sys.modules if m.split('.')[0] == 'demo'))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "[]"


# --- the numbers agree with each other --------------------------------------------------------------

SINGULAR = {"touchpoints": "touchpoint", "DMs": "DM", "reminders": "reminder", "edits": "edit"}
COUNTED = re.compile(r"(\d+) (touchpoints?|DMs?|reminders?|edits?|deferred|answered|didn't happen|expired)\b")
CITIES = {person.city: ZoneInfo(person.tz) for person in STAFF}
STAMP = re.compile(r"(\w{3} \d\d \w{3} \d\d:\d\d) (?:\((\w[\w ]*)\)|in (\w[\w ]*))")


def daily(output: str) -> Counter[str]:
    """The numbers of every day line, the weekends' and the closing tick's, added up."""
    total: Counter[str] = Counter()
    for line in output.splitlines():
        if re.match(r"^  \w{3} \d\d \w{3}(  | \d\d:\d\d in )", line):
            for number, what in COUNTED.findall(line):
                total[SINGULAR.get(what, what)] += int(number)
    return total


@pytest.mark.parametrize("run", ["one_week", "three_weeks"])
def test_the_days_add_up_to_the_summary(run: str, request: pytest.FixtureRequest) -> None:
    code, output, stats = request.getfixturevalue(run)
    assert code == 0, output[-2000:]
    days = daily(output)
    assert days["DM"] == printed(output, "DMs sent") == stats["slack_posts"]
    assert days["reminder"] == printed(output, "Reminders") == stats["reminders"]
    assert days["edit"] == printed(output, "Edits of DMs sent earlier") == stats["edits"]
    assert days["deferred"] == printed(output, "Deferred to working hours") == stats["deferred"]
    assert days["touchpoint"] == printed(output, "Touchpoints logged")
    assert days["answered"] == stats["prompts_answered"]
    assert days["didn't happen"] == stats["prompts_skipped"]
    assert days["expired"] == stats["prompts_expired"]
    prompts = re.search(r"Prompts: +(\d+): (\d+) answered, (\d+) didn't happen, (\d+) expired", output)
    assert prompts and [int(n) for n in prompts.groups()[1:]] == [
        days["answered"],
        days["didn't happen"],
        days["expired"],
    ]
    nights = re.findall(r"night tick, .*?: \d+ DMs? sent, (\d+) deferred", output)
    said = re.search(r"(\d+) of them by the (\d+) night ticks", output)
    assert said and [int(said.group(1)), int(said.group(2))] == [sum(map(int, nights)), len(nights)]
    # the prompts the DMs asked: each prompt once, and again after each snooze
    asked = re.search(r"DMs sent: +\d+: (\d+) prompts?(?: \((\d+) asked again after a snooze\))?", output)
    assert asked and int(asked.group(1)) - int(asked.group(2) or 0) == sum(
        stats["prompts"].get(state, 0) for state in ("sent", "reminded", "answered", "skipped", "expired")
    )


def test_a_tick_is_printed_on_the_day_it_runs(three_weeks: tuple[int, str, dict[str, Any]]) -> None:
    _, output, _ = three_weeks
    day = None
    nights = 0
    for line in output.splitlines():
        if (match := re.match(r"^  (\w{3} \d\d \w{3})  ", line)) is not None:
            day = match.group(1)
        elif "night tick, " in line:
            nights += 1
            assert re.search(rf"night tick, {day} 02:00 in Amsterdam", line), (day, line)
    assert nights >= 10


def test_the_examples_of_a_week_are_shown_in_the_order_they_happened(
    three_weeks: tuple[int, str, dict[str, Any]],
) -> None:
    _, output, _ = three_weeks
    for week in re.split(r"^== Week \d+", output, flags=re.MULTILINE)[1:]:
        shown = week.split("What staff saw", 1)[-1].split("\n== ", 1)[0]
        started = None
        for title in re.findall(r"^  --- (.*)$", shown, re.MULTILINE):
            stamp = STAMP.search(title)
            assert stamp, f"no time and zone in {title!r}"
            city = stamp.group(2) or stamp.group(3)
            at = datetime.strptime(f"2026 {stamp.group(1)}", "%Y %a %d %b %H:%M").replace(tzinfo=CITIES[city])
            if not title.startswith("..."):
                assert started is None or at >= started, f"{title!r} is shown after a later example"
                started = at
            else:
                assert started is not None and at >= started, f"{title!r} happened before its example"


def test_every_time_the_demo_prints_says_its_zone(three_weeks: tuple[int, str, dict[str, Any]]) -> None:
    _, output, _ = three_weeks
    narrated = [line for line in output.splitlines() if not line.startswith("    | ")]
    for line in narrated:
        for clock in re.finditer(r"\d\d:\d\d", line):
            after = line[clock.end() :]
            assert re.match(r" (\((\w[\w ]*)\)|in (\w[\w ]*))", after), f"a time without its zone: {line!r}"
            city = re.match(r" (?:\(|in )(\w+(?: \w+)?)", after)
            assert city and (city.group(1) in CITIES or city.group(1) == "Amsterdam"), line
    assert "at noon in Amsterdam" in output


def test_notes_belong_to_the_client_they_were_written_for(
    three_weeks: tuple[int, str, dict[str, Any]],
) -> None:
    _, _, stats = three_weeks
    clients_of: dict[str, set[str]] = {}
    for client, note in stats["notes"]:
        clients_of.setdefault(note, set()).add(client)
        named = {name for contacts in stats["contacts"].values() for name in contacts if name in note.split()}
        assert named <= set(stats["contacts"][client]), f"{note!r} was written for {client}"
    shared = {note: clients for note, clients in clients_of.items() if len(clients) > 1}
    assert shared == {}
    assert len(stats["notes"]) >= 20


def arrow_of(line: str) -> str:
    """The trend arrow a sparkline calls for: the recent half of its known weeks against the older."""
    levels = ["▁▂▃▄▅▆▇█".index(char) for char in line if char != "·"]
    if len(levels) < 2:
        return ""
    half = len(levels) // 2
    change = sum(levels[-half:]) / half - sum(levels[:half]) / half
    return "↗" if change >= 1 else "↘" if change <= -1 else "→"


def test_sparklines_and_trend_arrows_agree(three_weeks: tuple[int, str, dict[str, Any]]) -> None:
    _, output, _ = three_weeks
    drawn = re.findall(r"([▁▂▃▄▅▆▇█·]{8}) ?([↗↘→]?)", output)
    assert len([arrow for _, arrow in drawn if arrow]) >= 3
    for line, arrow in drawn:
        assert arrow == arrow_of(line), f"{line} {arrow}"
