"""`python -m bot …` as a person runs it: help they can use, the workspace id checked, and what went
wrong said in a line or two, without a traceback (unless LOG_LEVEL=DEBUG asks for one)."""

from __future__ import annotations

import argparse
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import build_parser
from fakeslack import FakeSlack

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "xoxb-cli-0000-rapport"
WORKSPACE = "T0AGENCY1"
HINT = "app.slack.com/client/T"  # where the id is: the workspace's address in a browser


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_", "LOG_"))}
    clean.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def said(result: subprocess.CompletedProcess[str]) -> list[str]:
    """Every line the command printed, on either stream."""
    return [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clients_in(database: Path) -> list[tuple[str, str]]:
    if not database.exists():
        return []
    with sqlite3.connect(database) as connection:
        return list(connection.execute("SELECT team_id, name FROM clients ORDER BY id"))


EXAMPLE_PEOPLE = ("U012ABCDEF", "U034GHIJKL", "U056MNOPQR", "U078STUVWX")  # in examples/clients.csv


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    server = FakeSlack(team_id=WORKSPACE, bot_token=TOKEN, team_name="Brightside").start()
    for n, user in enumerate(EXAMPLE_PEOPLE):
        server.add_user(user, name=f"person{n}", real_name=f"Person {n}", email=f"person{n}@agency.example")
    yield server
    server.stop()


@pytest.fixture
def empty_slack() -> Iterator[FakeSlack]:
    server = FakeSlack(team_id=WORKSPACE, bot_token=TOKEN, team_name="Brightside").start()
    yield server
    server.stop()


# --- help ----------------------------------------------------------------------------------------

COMMANDS = ("dev", "clock", "tick", "demo", "import", "db")


def test_no_command_prints_each_command_with_a_line_of_what_it_does() -> None:
    result = run_cli()
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    for command in COMMANDS:
        described = [line for line in lines if line.split()[:1] == [command]]
        assert len(described) == 1, (command, result.stdout)
        assert len(described[0].split()) > 3, described  # the name and what it does, on one line
    assert "python -m bot COMMAND --help" in result.stdout


def parsers(parser: argparse.ArgumentParser, path: str = "") -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield path or "python -m bot", parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                assert helps.get(name), f"{path} {name} has no line of help"
                yield from parsers(sub, f"{path} {name}".strip())


def test_every_command_and_option_says_what_it_is_for() -> None:
    seen = []
    for path, parser in parsers(build_parser()):
        seen.append(path)
        assert parser.description, f"{path} has no description"
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
                continue
            assert action.help and action.help != argparse.SUPPRESS, f"{path} {action.dest} has no help"
    assert {"dev", "clock", "tick", "demo", "import", "db", "db upgrade"} <= set(seen)


def test_db_upgrade_help_is_that_commands_help() -> None:
    result = run_cli("db", "upgrade", "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: python -m bot db upgrade")
    assert "migrations" in result.stdout


def test_db_alone_lists_what_it_can_do() -> None:
    result = run_cli("db")
    assert result.returncode != 0
    assert any(line.split()[:1] == ["upgrade"] for line in result.stdout.splitlines()), result.stdout


# --- the workspace id ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "team", ["acme", "brightside.slack.com", "C0123ABCD", "U0123ABCD", "T01", "T0123-ABCD"]
)
def test_import_refuses_what_is_not_a_workspace_id(tmp_path: Path, team: str) -> None:
    database = tmp_path / "rapport.db"
    result = run_cli(
        "import", "examples/clients.csv", "--team", team, env={"DATABASE_URL": f"sqlite:///{database}"}
    )
    assert result.returncode == 2
    assert f"'{team}' is not a Slack workspace id" in result.stderr
    assert HINT in result.stderr and "auth.test" in result.stderr
    assert "Traceback" not in result.stderr
    assert clients_in(database) == []


def test_a_workspace_id_in_small_letters_is_refused_with_the_id_it_may_be(tmp_path: Path) -> None:
    result = run_cli(
        "import",
        "examples/clients.csv",
        "--team",
        "t0123abcd",
        env={"DATABASE_URL": f"sqlite:///{tmp_path}/r.db"},
    )
    assert result.returncode == 2
    assert "Did you mean T0123ABCD?" in result.stderr


def test_without_a_bot_token_the_workspace_id_is_needed(tmp_path: Path) -> None:
    result = run_cli("import", "examples/clients.csv", env={"DATABASE_URL": f"sqlite:///{tmp_path}/r.db"})
    assert result.returncode == 2
    assert "--team" in result.stderr and "SLACK_BOT_TOKEN" in result.stderr and HINT in result.stderr
    assert "Traceback" not in result.stderr


def test_with_a_bot_token_the_workspace_comes_from_slack(tmp_path: Path, slack: FakeSlack) -> None:
    database = tmp_path / "rapport.db"
    env = {"DATABASE_URL": f"sqlite:///{database}", "SLACK_BOT_TOKEN": TOKEN, "SLACK_API_URL": slack.url}
    result = run_cli("import", "examples/clients.csv", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Imported clients.csv for {WORKSPACE}" in result.stdout
    assert slack.calls_to("auth.test")
    assert {team for team, _ in clients_in(database)} == {WORKSPACE}


def test_with_a_bot_token_the_same_workspace_id_may_be_given(tmp_path: Path, slack: FakeSlack) -> None:
    database = tmp_path / "rapport.db"
    env = {"DATABASE_URL": f"sqlite:///{database}", "SLACK_BOT_TOKEN": TOKEN, "SLACK_API_URL": slack.url}
    result = run_cli("import", "examples/clients.csv", "--team", WORKSPACE, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert {team for team, _ in clients_in(database)} == {WORKSPACE}


def test_a_workspace_id_that_is_not_the_bot_tokens_is_refused(tmp_path: Path, slack: FakeSlack) -> None:
    database = tmp_path / "rapport.db"
    env = {"DATABASE_URL": f"sqlite:///{database}", "SLACK_BOT_TOKEN": TOKEN, "SLACK_API_URL": slack.url}
    result = run_cli("import", "examples/clients.csv", "--team", "T0OTHER99", env=env)
    assert result.returncode == 2
    assert "T0OTHER99" in result.stderr and f"{WORKSPACE} (Brightside)" in result.stderr
    assert "SLACK_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr
    assert clients_in(database) == []


def test_a_bot_token_slack_refuses_is_said_so(tmp_path: Path, slack: FakeSlack) -> None:
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path}/r.db",
        "SLACK_BOT_TOKEN": "xoxb-not-this-one",
        "SLACK_API_URL": slack.url,
    }
    result = run_cli("import", "examples/clients.csv", env=env)
    assert result.returncode != 0
    assert len(said(result)) <= 2, said(result)
    assert "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in result.stderr
    assert "xoxb-not-this-one" not in result.stdout + result.stderr


# --- what went wrong, in a line or two -------------------------------------------------------------


@pytest.mark.parametrize(
    "command", [("db", "upgrade"), ("import", "examples/clients.csv", "--team", "T0123ABCD")]
)
def test_an_unreachable_database_is_one_or_two_lines(command: tuple[str, ...]) -> None:
    port = closed_port()
    env = {"DATABASE_URL": f"postgresql://rapport:hunter2secret@127.0.0.1:{port}/rapport"}
    result = run_cli(*command, env=env)
    assert result.returncode != 0
    lines = said(result)
    assert 1 <= len(lines) <= 2, lines
    assert "Traceback" not in result.stderr
    text = "\n".join(lines)
    assert f"127.0.0.1:{port}" in text and "DATABASE_URL" in text and "running" in text
    assert "hunter2secret" not in text


def test_a_sqlite_file_in_a_missing_folder_is_one_or_two_lines(tmp_path: Path) -> None:
    folder = tmp_path / "no" / "such" / "folder"
    result = run_cli("db", "upgrade", env={"DATABASE_URL": f"sqlite:///{folder}/rapport.db"})
    assert result.returncode != 0
    lines = said(result)
    assert 1 <= len(lines) <= 2, lines
    assert "Traceback" not in result.stderr
    text = "\n".join(lines)
    assert f"the folder {folder} does not exist" in text and "DATABASE_URL" in text


def test_dev_without_a_way_to_slack_is_one_or_two_lines(tmp_path: Path) -> None:
    port = closed_port()
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path}/rapport.db",
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_APP_TOKEN": "xapp-1-cli-0000",
        "SLACK_API_URL": f"http://127.0.0.1:{port}/api/",
    }
    result = run_cli("dev", env=env)
    assert result.returncode != 0
    lines = said(result)
    assert 1 <= len(lines) <= 2, lines
    assert "Traceback" not in result.stderr
    text = "\n".join(lines)
    assert f"Could not reach Slack at http://127.0.0.1:{port}/api/" in text and "network" in text


def test_log_level_debug_shows_the_traceback_too(tmp_path: Path) -> None:
    folder = tmp_path / "missing"
    env = {"DATABASE_URL": f"sqlite:///{folder}/rapport.db", "LOG_LEVEL": "DEBUG"}
    result = run_cli("db", "upgrade", env=env)
    assert result.returncode != 0
    assert "Traceback" in result.stderr
    assert f"the folder {folder} does not exist" in result.stderr


def test_migrations_run_without_alembics_chatter(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/rapport.db"}
    upgraded = run_cli("db", "upgrade", env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    assert said(upgraded) == ["database is at the newest schema"]
    imported = run_cli(
        "import",
        "examples/clients.csv",
        "--team",
        "T0123ABCD",
        env={**env, "DATABASE_URL": f"sqlite:///{tmp_path}/other.db"},
    )
    assert imported.returncode == 0, imported.stderr
    assert "alembic" not in imported.stdout + imported.stderr
    assert said(imported)[0].startswith("Imported clients.csv for T0123ABCD")


def test_the_examples_made_up_people_are_not_imported_into_a_real_workspace(
    tmp_path: Path, empty_slack: FakeSlack
) -> None:
    database = tmp_path / "rapport.db"
    env = {
        "DATABASE_URL": f"sqlite:///{database}",
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_URL": empty_slack.url,
    }
    result = run_cli("import", "examples/clients.csv", env=env)
    assert result.returncode == 1
    assert "0 created" in result.stdout and "8 rows skipped" in result.stdout
    assert "row 2: lead 'U012ABCDEF' is not a member of this Slack workspace" in result.stdout
    assert clients_in(database) == []


def test_an_import_that_cannot_reach_slack_says_how_to_import_without_it(tmp_path: Path) -> None:
    port = closed_port()
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path}/rapport.db",
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_URL": f"http://127.0.0.1:{port}/api/",
    }
    result = run_cli("import", "examples/clients.csv", "--team", WORKSPACE, env=env)
    assert result.returncode != 0
    lines = said(result)
    assert len(lines) == 2, lines
    assert lines[0].startswith(f"Could not reach Slack at http://127.0.0.1:{port}/api/")
    assert "leave SLACK_BOT_TOKEN unset and give --team" in lines[1]
    assert clients_in(tmp_path / "rapport.db") == []
