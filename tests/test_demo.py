"""`python -m bot demo`: the simulated agency runs the real app against the local Slack stand-in."""

from __future__ import annotations

import ast
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import demo

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
    assert re.search(r"night tick at 02:00 in Amsterdam: 0 DMs sent, [1-9]\d* deferred", output)
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
    assert "[ Export to Excel ]" in output and "the chart, saved as feeling-2026-11-23.png" in output
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
    assert printed(output, "Messages sent via outbox") == stats["outbox_sent"] == simulated["sent"]
    assert printed(output, "Send attempts recorded") == stats["send_attempts"]
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
    assert Path(stats["files"][0]).read_bytes().startswith(b"\x89PNG")
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
