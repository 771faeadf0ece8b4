"""`python -m bot export`: the workbook written from the shell, and a clear line, never a traceback, for
anything it cannot do."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from storage.db import Database
from storage.models import CheckIn, Staff
from tests.factories import add_client
from tests.test_settings_and_errors import run_cli


@pytest.fixture
def agency(tmp_path: Path) -> dict[str, str]:
    """A database file with a workspace of two clients and their check-ins, as the environment names it."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    db = Database(url)
    db.upgrade()
    acme = add_client(db, "Acme Corp", aliases=("acme",), team="T0CLI", lead="U0CLI001", segment="retail")
    globex = add_client(db, "Globex", team="T0CLI", segment="enterprise")
    now = datetime.now(UTC)
    with db.session() as session:
        for staff in session.query(Staff).filter_by(team_id="T0CLI"):
            staff.tz, staff.name = "Asia/Kolkata", "Lena Lead"
        for client_id, score, note, days_ago in (
            (acme, 5, "loved the demo", 3),
            (globex, 2, "too slow", 2),
            (acme, 1, "a year ago", 400),
        ):
            at = now - timedelta(days=days_ago)
            session.add(CheckIn(team_id="T0CLI", client_id=client_id, score=score, note=note, created_at=at))
    db.dispose()
    return {"DATABASE_URL": url}


def test_the_export_is_written_to_the_file_named(agency, tmp_path):
    out = tmp_path / "export.xlsx"
    result = run_cli("export", "--team", "T0CLI", "--out", str(out), env=agency)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"wrote {out}: all clients, the last 12 weeks (since ")
    assert "clients: 2, check-ins: 2, follow-ups: 0, contacts: 0; times in Asia/Kolkata" in result.stdout
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["Summary", "Check-ins", "Follow-ups", "Contacts", "Weekly"]
    notes = [row[6] for row in workbook["Check-ins"].iter_rows(min_row=2, values_only=True)]
    assert notes == ["loved the demo", "too slow"]
    assert workbook["Check-ins"]["A1"].value == "When (Asia/Kolkata)"


def test_one_client_since_a_day_in_another_zone(agency, tmp_path):
    out = tmp_path / "acme.xlsx"
    since = (datetime.now(UTC) - timedelta(days=500)).date().isoformat()
    result = run_cli(
        "export", "--team", "T0CLI", "--out", str(out), "--since", since, "--client", "acme", "--tz", "UTC",
        env=agency,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"Acme Corp, since {since}" in result.stdout
    notes = [row[6] for row in load_workbook(out)["Check-ins"].iter_rows(min_row=2, values_only=True)]
    assert notes == ["a year ago", "loved the demo"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--team", "T0NOPE"], "no workspace T0NOPE in this database; the workspaces here: T0CLI"),
        (
            ["--team", "T0CLI", "--since", "2026-13-01"],
            "--since “2026-13-01” isn't a date: write it as YYYY-MM-DD",
        ),
        (["--team", "T0CLI", "--since", "2999-01-01"], "--since 2999-01-01 is after today"),
        (["--team", "T0CLI", "--period", "soon"], "--period “soon” isn't a period"),
        (["--team", "T0CLI", "--period", "2026-Q5"], "“2026-Q5” isn't a date I can read"),
        (["--team", "T0CLI", "--client", "acne"], "--client “acne”: no client or segment has that name"),
        (
            ["--team", "T0CLI", "--segment", "nope"],
            "There's no segment “nope”. The segments: enterprise, retail.",
        ),
        (["--team", "T0CLI", "--tz", "Mars/Base"], "--tz “Mars/Base” isn't a time zone"),
    ],
)
def test_bad_input_is_one_clear_line_and_no_file(agency, tmp_path, args, says):
    out = tmp_path / "export.xlsx"
    result = run_cli("export", *args, "--out", str(out), env=agency)
    assert result.returncode == 2
    assert f"python -m bot export: error: {says}" in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


def test_a_path_that_cannot_be_written_says_so(agency, tmp_path):
    for out, says in (
        (tmp_path / "no" / "such" / "dir" / "x.xlsx", "No such file or directory"),
        (tmp_path / "export.csv", "the file name has to end in .xlsx"),
    ):
        result = run_cli("export", "--team", "T0CLI", "--out", str(out), env=agency)
        assert result.returncode == 2 and says in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        result = run_cli("export", "--team", "T0CLI", "--out", str(locked / "x.xlsx"), env=agency)
        assert result.returncode == 2 and "Permission denied" in result.stderr
