"""Settings fail fast and clearly; errors are logged with their traceback and never with secrets."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.logs import RedactSecrets
from config.settings import MissingSettings, Settings
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.factories import add_client

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    clean.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )


def test_dev_without_tokens_names_each_missing_variable_and_where_to_get_it():
    result = run_cli("dev")
    assert result.returncode != 0
    assert "SLACK_BOT_TOKEN" in result.stderr and "SLACK_APP_TOKEN" in result.stderr
    assert "OAuth & Permissions" in result.stderr and "connections:write" in result.stderr
    assert "Traceback" not in result.stderr


def test_dev_names_only_what_is_missing():
    result = run_cli("dev", env={"SLACK_BOT_TOKEN": "xoxb-1"})
    assert result.returncode != 0
    assert "SLACK_APP_TOKEN" in result.stderr and "SLACK_BOT_TOKEN:" not in result.stderr


def test_web_needs_a_signing_secret():
    with pytest.raises(MissingSettings) as raised:
        Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1"}).require_web()
    assert "SLACK_SIGNING_SECRET" in str(raised.value)


def test_defaults_suit_local_use_and_secrets_stay_out_of_repr():
    settings = Settings.from_env(
        {"SLACK_BOT_TOKEN": "xoxb-secret-value", "SLACK_SIGNING_SECRET": "shh-123456"}
    )
    assert settings.database_url == "sqlite:///rapport.db"
    assert settings.slack_api_url is None
    assert "xoxb-secret-value" not in repr(settings) and "shh-123456" not in repr(settings)


def test_bad_numbers_in_the_environment_are_explained():
    with pytest.raises(SystemExit) as raised:
        Settings.from_env({"PORT": "eighty"})
    assert "PORT must be a whole number" in str(raised.value)


def test_redaction_masks_tokens_and_known_secrets():
    redactor = RedactSecrets(["my-signing-secret"])
    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "token %s secret %s", ("xoxb-123-abc", "my-signing-secret"), None
    )
    redactor.filter(record)
    assert record.getMessage() == "token [redacted] secret [redacted]"


def test_a_failing_listener_is_logged_with_traceback_and_without_secrets(rapport, db, caplog, monkeypatch):
    from bot import logs
    from bot.services import checkins

    add_client(db, "Acme")

    def broken(*args, **kwargs):
        raise RuntimeError(f"database fell over near {BOT_TOKEN}")

    monkeypatch.setattr(checkins, "interpret", broken)
    logs.configure("INFO", [BOT_TOKEN, SIGNING_SECRET])
    root = logging.getLogger()
    caplog.handler.addFilter(
        next(f for h in root.handlers for f in h.filters if isinstance(f, RedactSecrets))
    )
    with caplog.at_level(logging.ERROR):
        response = rapport.slack.command("/feeling", "acme 4", user="U01LEAD001")
    assert response.status == 500 or response.status == 200
    text = caplog.text
    assert "RuntimeError" in text and "Traceback" in text
    assert "slash_command" in text and "/feeling" in text
    assert BOT_TOKEN not in text and SIGNING_SECRET not in text and "legacy-verification-token" not in text


def test_import_command_reports_rows_and_exit_codes(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/cli.db"}
    good = run_cli("import", "examples/clients.csv", "--team", "T0CLI0001", env=env)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "created" in good.stdout
    again = run_cli("import", "examples/clients.csv", "--team", "T0CLI0001", env=env)
    assert "0 created" in again.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("client,renewal_date\nAcme,2026-13-45\nGlobex,2027-01-31\n")
    result = run_cli("import", str(bad), "--team", "T0CLI0001", env=env)
    assert result.returncode == 1
    assert "row 2" in result.stdout and "1 created" in result.stdout
    missing = run_cli("import", str(tmp_path / "nope.txt"), "--team", "T0CLI0001", env=env)
    assert missing.returncode == 2
