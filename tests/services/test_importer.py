"""Importing clients from .csv and .xlsx files."""

from __future__ import annotations

import csv
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.services.importer import ImportReport, RowIssue, format_report, import_file
from storage.db import Database
from storage.models import Client, ClientAlias, ClientDomain, Contact, Staff, Workspace

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HEADER = "client,aliases,segment,email_domains,lead,partner,backup,renewal_date,contacts"
DATE_FORMS = (
    "write it as 2026-03-31 (year first) or day first as 31-3-2026, 31-03-2026 or 31/03/2026 "
    "(dates are read day first; two-digit years are refused), or make the cell an Excel date"
)


def write_csv(tmp_path: Path, text: str, name: str = "clients.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text.strip() + "\n", encoding=encoding)
    return path


def write_xlsx(tmp_path: Path, rows: list[list[Any]], name: str = "clients.xlsx") -> Path:
    workbook = Workbook()
    worksheet = workbook.active
    for row in rows:
        worksheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def run(db: Database, team: str, path: Path, **kwargs: Any) -> ImportReport:
    with db.session() as session:
        return import_file(session, team, path, **kwargs)


def client_named(session: Session, team: str, key: str) -> Client:
    return session.scalars(select(Client).where(Client.team_id == team, Client.name_key == key)).one()


def count(session: Session, model: Any, team: str | None = None) -> int:
    query = select(func.count()).select_from(model)
    if team is not None:
        query = query.where(model.team_id == team)
    return session.scalar(query) or 0


def messages(issues: list[RowIssue]) -> list[tuple[int, str]]:
    return [(issue.row, issue.message) for issue in issues]


# --- reading files ---------------------------------------------------------------------------


def test_csv_import_creates_clients_with_aliases_domains_owners_and_contacts(
    db: Database, tmp_path: Path
) -> None:
    acme_cells = [
        "Acme Logistics",
        "Acme | ACME BV",
        "retainer",
        "acme.com; https://www.Acme.nl/about",
        "U012ABCDEF",
        "U034GHIJKL",
        "W056MNOPQR",
        "2026-03-31",
        '"Jan de Vries <jan@acme.com>; priya@acme.nl; Bob"',
    ]
    cafe_cells = "Café Zuid,,project,@cafezuid.nl,U012ABCDEF,,,31-03-2026,"
    path = write_csv(tmp_path, f"{HEADER}\n{','.join(acme_cells)}\n{cafe_cells}")
    report = run(db, "T1", path)

    assert report.ok, format_report(report)
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    with db.session() as session:
        acme = client_named(session, "T1", "acme logistics")
        assert acme.segment == "retainer"
        assert acme.renewal_date == date(2026, 3, 31)
        assert [(a.alias, a.key) for a in acme.aliases] == [("Acme", "acme"), ("ACME BV", "acme bv")]
        assert [d.domain for d in acme.domains] == ["acme.com", "acme.nl"]
        assert acme.lead is not None and acme.lead.slack_user_id == "U012ABCDEF"
        assert acme.partner is not None and acme.partner.slack_user_id == "U034GHIJKL"
        assert acme.backup is not None and acme.backup.slack_user_id == "W056MNOPQR"
        assert [(c.name, c.email) for c in acme.contacts] == [
            ("Jan de Vries", "jan@acme.com"),
            ("priya@acme.nl", "priya@acme.nl"),
            ("Bob", None),
        ]
        cafe = client_named(session, "T1", "cafe zuid")
        assert cafe.name == "Café Zuid"
        assert cafe.renewal_date == date(2026, 3, 31)
        assert [d.domain for d in cafe.domains] == ["cafezuid.nl"]
        assert cafe.lead_id == acme.lead_id  # one staff row per person
        assert count(session, Staff, "T1") == 3
        rows: list[Any] = [acme, cafe, *acme.aliases, *acme.domains, *acme.contacts]
        assert all(row.team_id == "T1" for row in rows)
        assert session.get(Workspace, "T1") is not None


def test_semicolon_csv_from_dutch_excel_is_read(db: Database, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        """
Client;Segment;E-mail domains;Renewal date
Bakkerij Van Dam;retainer;vandam.nl, bakkerijvandam.nl;31/12/2026
De Groene Fietser;project;;
""",
        encoding="cp1252",  # Excel's plain "CSV" is not UTF-8
    )
    report = run(db, "T1", path)

    assert report.ok, format_report(report)
    assert report.created == 2
    with db.session() as session:
        bakery = client_named(session, "T1", "bakkerij van dam")
        assert bakery.segment == "retainer"
        assert bakery.renewal_date == date(2026, 12, 31)
        assert [d.domain for d in bakery.domains] == ["vandam.nl", "bakkerijvandam.nl"]


def test_a_dutch_workbook_imports_like_the_english_one(db: Database, tmp_path: Path) -> None:
    workbook = Workbook()
    notes = workbook.active
    notes.title = "Notities"
    notes.append(["Klant", "Notitie"])
    notes.append(["Not a client", "the sheet named Klanten is the one read"])
    sheet = workbook.create_sheet("Klanten")
    sheet.append(
        [
            "KLANT",
            "Aliassen",
            "Segment",
            "Verleng datum",
            "Account manager",
            "Partner",
            "Back-up",
            "Contact persoon",
            "E-mail",
            "Domein",
        ]
    )
    sheet.append(
        [
            "Café Zuid",
            "Zuid | CZ",
            "project",
            datetime(2026, 3, 31),
            "U012ABCDEF",
            "U034GHIJKL",
            "U056MNOPQR",
            "Marieke Jansen; Joris",
            "marieke@cafezuid.nl",
            "cafezuid.nl",
        ]
    )
    sheet.append(["Bakkerij Van Dam", None, None, "1-4-2026", None, None, None, None, None, None])
    path = tmp_path / "klanten.xlsx"
    workbook.save(path)

    report = run(db, "T1", path)

    assert report.ok and not report.warnings, format_report(report)
    assert report.created == 2
    with db.session() as session:
        cafe = client_named(session, "T1", "cafe zuid")
        assert cafe.segment == "project"
        assert cafe.renewal_date == date(2026, 3, 31)
        assert [a.alias for a in cafe.aliases] == ["Zuid", "CZ"]
        assert [d.domain for d in cafe.domains] == ["cafezuid.nl"]
        assert [(c.name, c.email) for c in cafe.contacts] == [
            ("Marieke Jansen", "marieke@cafezuid.nl"),
            ("Joris", None),
        ]
        assert [s.slack_user_id for s in (cafe.lead, cafe.partner, cafe.backup) if s] == [
            "U012ABCDEF",
            "U034GHIJKL",
            "U056MNOPQR",
        ]
        assert client_named(session, "T1", "bakkerij van dam").renewal_date == date(2026, 4, 1)


def test_an_unreadable_date_says_which_forms_are_read(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "Klant;Verlengdatum\nAcme;3/31/2026\nCafé Zuid;31-3-26\nVan Dam;31-3-2026")

    report = run(db, "T1", path)

    assert report.created == 1
    assert messages(report.errors) == [
        (
            2,
            "renewal_date '3/31/2026' is not a date; write it as 2026-03-31 (year first) or day first as "
            "31-3-2026, 31-03-2026 or 31/03/2026 (dates are read day first; two-digit years are refused), "
            "or make the cell an Excel date",
        ),
        (
            3,
            "renewal_date '31-3-26' has a two-digit year, which could be 1926 or 2026; write the year in "
            "full, e.g. 31-3-2026",
        ),
    ]


def test_csv_with_utf8_bom_and_accents_keeps_the_accents(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "client\nCafé Zuid\n", encoding="utf-8-sig")
    assert run(db, "T1", path).created == 1
    with db.session() as session:
        assert client_named(session, "T1", "cafe zuid").name == "Café Zuid"


def test_xlsx_import_reads_real_date_cells_and_prefers_a_sheet_named_clients(
    db: Database, tmp_path: Path
) -> None:
    workbook = Workbook()
    notes = workbook.active
    notes.title = "Read me"
    notes.append(["client"])
    notes.append(["Not a client"])
    sheet = workbook.create_sheet("Clients")
    sheet.append(["Client", "Renewal Date", "Lead", "Aliases", "Contacts"])
    sheet.append(["Northwind Health", datetime(2026, 6, 30), "U012ABCDEF", "NWH", "Eva <eva@northwind.com>"])
    sheet.append(["Studio Lumen", "2027-01-15", None, None, None])
    sheet.append([None, None, None, None, None])  # blank rows are ignored
    sheet.append(["Van der Berg & Zonen", 46112, None, "VDB", None])  # an unformatted date serial
    path = tmp_path / "clients.xlsx"
    workbook.save(path)

    report = run(db, "T1", path)

    assert report.ok, format_report(report)
    assert report.created == 3
    with db.session() as session:
        northwind = client_named(session, "T1", "northwind health")
        assert northwind.renewal_date == date(2026, 6, 30)
        assert northwind.lead is not None and northwind.lead.slack_user_id == "U012ABCDEF"
        assert [c.email for c in northwind.contacts] == ["eva@northwind.com"]
        assert client_named(session, "T1", "studio lumen").renewal_date == date(2027, 1, 15)
        assert client_named(session, "T1", "van der berg and zonen").renewal_date == date(2026, 3, 31)
        assert count(session, Client, "T1") == 3


def test_xlsx_row_numbers_match_what_excel_shows(db: Database, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path,
        [["client", "renewal_date"], ["Good", "2026-01-01"], [None, None], ["Bad date", "31-31-2026"]],
    )
    report = run(db, "T1", path)

    assert messages(report.errors) == [(4, f"renewal_date '31-31-2026' is not a date; {DATE_FORMS}")]
    assert report.created == 1


def test_unknown_file_type_is_fatal_and_names_the_allowed_types(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "clients.txt"
    path.write_text("client\nAcme\n")
    report = run(db, "T1", path)

    assert not report.ok
    assert report.fatal is not None and ".xlsx" in report.fatal and ".csv" in report.fatal
    assert format_report(report).startswith("Could not import clients.txt for T1: ")
    with db.session() as session:
        assert count(session, Client) == 0


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("clients.xls", b"\xd0\xcf\x11\xe0", "save it as .xlsx"),  # old Excel format
        ("clients.xlsx", b"client\nAcme\n", "could not be read as an Excel workbook"),  # broken workbook
        ("nope.csv", None, "no file"),  # missing file
        ("clients.csv", b'client\n"' + b"x" * (csv.field_size_limit() + 1), "is not a readable CSV file"),
    ],
)
def test_a_file_that_cannot_be_read_is_fatal_not_a_crash_and_saves_nothing(
    db: Database, tmp_path: Path, name: str, content: bytes | None, expected: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    report = run(db, "T1", path)

    assert report.fatal is not None and expected in report.fatal
    assert not report.ok
    assert format_report(report) == f"Could not import {name} for T1: {report.fatal}"
    with db.session() as session:
        assert count(session, Client) == 0 and count(session, Workspace) == 0


def test_missing_client_column_is_fatal_and_lists_found_and_expected_columns(
    db: Database, tmp_path: Path
) -> None:
    path = write_csv(tmp_path, "Nummer,Segment\nAcme,retainer\n")
    report = run(db, "T1", path)

    assert report.fatal is not None
    assert "'Nummer', 'Segment'" in report.fatal
    assert "client (required)" in report.fatal and "renewal_date" in report.fatal
    with db.session() as session:
        assert count(session, Client) == 0


def test_a_fatal_header_row_still_reports_its_column_warnings(db: Database, tmp_path: Path) -> None:
    report = run(db, "T1", write_csv(tmp_path, "Nummer,Segment,Notes\nAcme,retainer,x\n"))

    assert report.fatal is not None and "no 'client' column" in report.fatal
    assert [(w.row, w.message.split(" is not ")[0]) for w in report.warnings] == [
        (1, "column 'Nummer'"),
        (1, "column 'Notes'"),
    ]


def test_a_header_row_without_clients_below_it_imports_nothing_with_a_warning(
    db: Database, tmp_path: Path
) -> None:
    report = run(db, "T1", write_csv(tmp_path, "client,segment\n,\n"))

    assert report.ok and (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert messages(report.warnings) == [
        (1, "there are no client rows below the header row; nothing was imported")
    ]
    with db.session() as session:
        assert count(session, Workspace) == 0


def test_empty_file_is_fatal(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_text("\n\n")
    report = run(db, "T1", path)
    assert report.fatal is not None and "empty" in report.fatal


def test_name_column_works_and_headers_ignore_case_and_spaces(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path, " Name ,EMAIL DOMAINS,Renewal date (YYYY-MM-DD)\nAcme,acme.com,2026-03-31\n")
    report = run(db, "T1", path)
    assert report.ok and not report.warnings, format_report(report)
    with db.session() as session:
        acme = client_named(session, "T1", "acme")
        assert acme.renewal_date == date(2026, 3, 31)
        assert [d.domain for d in acme.domains] == ["acme.com"]


def test_unknown_columns_are_a_warning_not_a_failure(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "client,notes\nAcme,pays late\n")
    report = run(db, "T1", path)

    assert report.ok
    assert report.created == 1
    assert len(report.warnings) == 1
    assert report.warnings[0].row == 1
    assert "'notes'" in report.warnings[0].message and "ignored" in report.warnings[0].message


# --- re-importing ----------------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing_and_makes_no_duplicates(
    db: Database, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path,
        f"""
{HEADER}
Acme,ACME BV,retainer,acme.com,U012ABCDEF,,,2026-03-31,Jan <jan@acme.com>; Bob
Café Zuid,CZ,project,cafezuid.nl,,,,,
""",
    )
    first = run(db, "T1", path)
    second = run(db, "T1", path)

    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    with db.session() as session:
        assert count(session, Client) == 2
        assert count(session, ClientAlias) == 2
        assert count(session, ClientDomain) == 2
        assert count(session, Contact) == 2
        assert count(session, Staff) == 1


def test_reimport_updates_and_merges_lists(db: Database, tmp_path: Path) -> None:
    first = f"{HEADER}\nAcme,ACME BV,retainer,acme.com,,,,2026-03-31,Jan <jan@acme.com>; Bob"
    run(db, "T1", write_csv(tmp_path, first))
    report = run(
        db,
        "T1",
        write_csv(
            tmp_path,
            f"{HEADER}\nACME,Acme Corp | ACME BV,project,acme.com; acme.nl,,,,2027-03-31,"
            f"Jan de Vries <JAN@acme.com>; Bob <bob@acme.com>; Eva",
            name="again.csv",
        ),
    )

    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    with db.session() as session:
        acme = client_named(session, "T1", "acme")
        assert acme.name == "ACME"  # the file's spelling wins when the name matches
        assert acme.segment == "project"
        assert acme.renewal_date == date(2027, 3, 31)
        assert [a.alias for a in acme.aliases] == ["ACME BV", "Acme Corp"]
        assert [d.domain for d in acme.domains] == ["acme.com", "acme.nl"]
        assert [(c.name, c.email) for c in acme.contacts] == [
            ("Jan de Vries", "jan@acme.com"),  # matched by e-mail: name updated
            ("Bob", "bob@acme.com"),  # matched by name: e-mail added
            ("Eva", None),
        ]


def test_a_row_naming_a_client_by_its_alias_updates_that_client(db: Database, tmp_path: Path) -> None:
    run(db, "T1", write_csv(tmp_path, "client,aliases\nAcme Logistics,Acme"))
    report = run(db, "T1", write_csv(tmp_path, "client,segment\nacme,retainer", name="b.csv"))

    assert (report.created, report.updated) == (0, 1)
    with db.session() as session:
        assert count(session, Client) == 1
        acme = client_named(session, "T1", "acme logistics")
        assert acme.name == "Acme Logistics"  # matched by alias: the name stays
        assert acme.segment == "retainer"


def test_blank_cells_leave_existing_values_alone(db: Database, tmp_path: Path) -> None:
    run(
        db,
        "T1",
        write_csv(
            tmp_path,
            f"{HEADER}\nAcme,ACME BV,retainer,acme.com,U012ABCDEF,U034GHIJKL,W056MNOPQR,2026-03-31,Jan",
        ),
    )
    report = run(db, "T1", write_csv(tmp_path, f"{HEADER}\nAcme,,,,,,,,", name="blank.csv"))

    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    with db.session() as session:
        acme = client_named(session, "T1", "acme")
        assert acme.segment == "retainer"
        assert acme.renewal_date == date(2026, 3, 31)
        assert [a.alias for a in acme.aliases] == ["ACME BV"]
        assert [d.domain for d in acme.domains] == ["acme.com"]
        assert [c.name for c in acme.contacts] == ["Jan"]
        assert acme.lead is not None and acme.lead.slack_user_id == "U012ABCDEF"
        assert acme.partner is not None and acme.backup is not None


def test_the_same_client_twice_in_one_file_is_merged_with_a_warning(db: Database, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        """
client,aliases,segment,email_domains
Acme Logistics,Acme,retainer,acme.com
Studio Lumen,,,
ACME,,,acme.nl
""",
    )
    report = run(db, "T1", path)

    assert report.ok
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert [(w.row, "same client as on row 2" in w.message) for w in report.warnings] == [(4, True)]
    with db.session() as session:
        acme = client_named(session, "T1", "acme logistics")
        assert [d.domain for d in acme.domains] == ["acme.com", "acme.nl"]


# --- bad rows --------------------------------------------------------------------------------


def test_bad_rows_are_reported_with_row_numbers_and_good_rows_still_land(
    db: Database, tmp_path: Path
) -> None:
    long_name = "X" * 201
    path = write_csv(
        tmp_path,
        f"""
{HEADER}
Good One,,,,,,,,
,,retainer,,,,,,
Bad Owner,,,,Jan de Vries,,,,
Bad Date,,,,,,,31-31-2026,
Bad Domain,,,,,,,,
{long_name},,,,,,,,
Same Person,,,,U012ABCDEF,,U012ABCDEF,,
Gmail,,,gmail.com,,,,,
Bad Contact,,,,,,,,Jan <jan@>
Good Two,,,,,,,,
""".replace("Bad Domain,,,,", "Bad Domain,,,not a domain,"),
    )
    report = run(db, "T1", path)

    assert not report.ok
    assert report.created == 2
    assert report.skipped == 8
    rows = [issue.row for issue in report.errors]
    assert rows == [3, 4, 5, 6, 7, 8, 9, 10]
    text = dict(messages(report.errors))
    assert "client name is empty" in text[3]
    assert "lead 'Jan de Vries' is neither a Slack user id nor an e-mail address" in text[4]
    assert text[5] == f"renewal_date '31-31-2026' is not a date; {DATE_FORMS}"
    assert "email_domains 'not a domain' is not a domain" in text[6]
    assert "201 characters" in text[7]
    assert "lead and backup are the same person (U012ABCDEF)" in text[8]
    assert "public e-mail provider" in text[9]
    assert "contact 'Jan <jan@>'" in text[10]
    summary = format_report(report).splitlines()
    assert summary[0] == "Imported clients.csv for T1: 2 created, 0 updated, 0 unchanged; 8 rows skipped"
    assert f"  row 5: renewal_date '31-31-2026' is not a date; {DATE_FORMS}" in summary
    with db.session() as session:
        assert sorted(c.name for c in session.scalars(select(Client))) == ["Good One", "Good Two"]


def test_lead_equal_to_existing_backup_is_refused(db: Database, tmp_path: Path) -> None:
    run(db, "T1", write_csv(tmp_path, "client,lead,backup\nAcme,U012ABCDEF,W056MNOPQR"))
    report = run(db, "T1", write_csv(tmp_path, "client,lead\nAcme,W056MNOPQR", name="b.csv"))

    assert messages(report.errors)[0][0] == 2
    assert "lead and backup are the same person" in report.errors[0].message
    with db.session() as session:
        lead = client_named(session, "T1", "acme").lead
        assert lead is not None and lead.slack_user_id == "U012ABCDEF"


def test_a_domain_of_another_client_is_refused(db: Database, tmp_path: Path) -> None:
    run(db, "T1", write_csv(tmp_path, "client,email_domains\nAcme,acme.com"))
    path = write_csv(
        tmp_path,
        """
client,email_domains
Acme,acme.com
Globex,www.ACME.com; globex.com
Initech,initech.com
Initrode,initech.com
""",
        name="b.csv",
    )
    report = run(db, "T1", path)

    assert [issue.row for issue in report.errors] == [3, 5]
    assert "email_domains 'acme.com' already belongs to client 'Acme'" in report.errors[0].message
    assert "already belongs to client 'Initech'" in report.errors[1].message
    assert (report.created, report.unchanged) == (1, 1)
    with db.session() as session:
        assert count(session, ClientDomain) == 2
        assert session.scalars(select(Client).where(Client.name == "Globex")).first() is None


def test_an_alias_that_names_another_client_is_left_out_with_a_warning(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "client,aliases\nAcme,\nAcme Logistics,Acme; AL\n")
    report = run(db, "T1", path)

    assert report.ok and report.created == 2
    assert [w.row for w in report.warnings] == [3]
    assert "alias 'Acme' was left out" in report.warnings[0].message
    with db.session() as session:
        assert [a.alias for a in client_named(session, "T1", "acme logistics").aliases] == ["AL"]


def test_a_database_error_on_one_row_does_not_undo_the_others(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "client\nAlpha\nBoom\nGamma\n")
    with db.session() as session:

        def refuse_boom(sess: Session, _context: Any, _instances: Any) -> None:
            if any(isinstance(o, Client) and o.name == "Boom" for o in sess.new):
                raise IntegrityError("INSERT INTO clients", {}, Exception("simulated constraint failure"))

        event.listen(session, "before_flush", refuse_boom)
        report = import_file(session, "T1", path)

    assert report.created == 2
    assert [issue.row for issue in report.errors] == [3]
    assert "database refused this row" in report.errors[0].message
    with db.session() as session:
        assert sorted(c.name for c in session.scalars(select(Client))) == ["Alpha", "Gamma"]


def test_the_import_is_one_unit_of_work_the_caller_can_roll_back(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "client\nAlpha\nBeta\n")
    session = db.sessionmaker()
    try:
        report = import_file(session, "T1", path)
        assert report.created == 2
        session.rollback()
    finally:
        session.close()
    with db.session() as check:
        assert count(check, Client) == 0


def test_a_name_that_is_an_alias_of_two_clients_is_refused(db: Database, tmp_path: Path) -> None:
    with db.session() as session:
        for name in ("Acme Logistics", "Acme Foods"):
            client = Client(team_id="T1", name=name, name_key=name.lower())
            client.aliases.append(ClientAlias(team_id="T1", alias="Acme", key="acme"))
            session.add(client)
    report = run(db, "T1", write_csv(tmp_path, "client,segment\nAcme,retainer\n"))

    assert [issue.row for issue in report.errors] == [2]
    assert "alias of more than one client" in report.errors[0].message
    with db.session() as session:
        assert count(session, Client) == 2


# --- owners ----------------------------------------------------------------------------------


def test_owner_by_email_without_lookup_is_kept_by_email_with_a_warning(db: Database, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path, "client,lead,backup\nAcme,Sanne@OurAgency.nl,U012ABCDEF\nGlobex,sanne@ouragency.nl,\n"
    )
    report = run(db, "T1", path)

    assert report.ok
    assert [w.row for w in report.warnings] == [2]  # once per person
    assert "sanne@ouragency.nl" in report.warnings[0].message
    assert "when they first use Rapport" in report.warnings[0].message
    with db.session() as session:
        sanne = session.scalars(select(Staff).where(Staff.email == "sanne@ouragency.nl")).one()
        assert sanne.slack_user_id is None and sanne.team_id == "T1"
        assert client_named(session, "T1", "globex").lead_id == sanne.id
        assert count(session, Staff) == 2


def test_a_member_id_slack_does_not_know_skips_its_row_and_says_what_to_write(
    db: Database, tmp_path: Path
) -> None:
    asked: list[str] = []

    def is_member(user_id: str) -> bool:
        asked.append(user_id)
        return user_id == "U012ABCDEF"

    path = write_csv(
        tmp_path,
        "client,lead,backup\nAcme,U012ABCDEF,\nGlobex,U0MADEUP99,U012ABCDEF\nInitech,sanne@ouragency.nl,U0MADEUP99\n",
    )
    report = run(db, "T1", path, lookup_member=is_member)

    assert report.created == 1
    assert messages(report.errors) == [
        (
            3,
            "lead 'U0MADEUP99' is not a member of this Slack workspace; write their member id "
            "(their Slack profile > ⋮ > Copy member ID) or their work e-mail",
        ),
        (
            4,
            "backup 'U0MADEUP99' is not a member of this Slack workspace; write their member id "
            "(their Slack profile > ⋮ > Copy member ID) or their work e-mail",
        ),
    ]
    assert sorted(asked) == ["U012ABCDEF", "U0MADEUP99"]  # each id once
    with db.session() as session:
        assert count(session, Staff) == 1


def test_a_member_look_up_that_fails_does_not_stop_the_import(db: Database, tmp_path: Path) -> None:
    def is_member(user_id: str) -> bool:
        raise ConnectionError("Slack is out of reach")

    report = run(db, "T1", write_csv(tmp_path, "client,lead\nAcme,U012ABCDEF\n"), lookup_member=is_member)

    assert report.ok and report.created == 1
    assert messages(report.warnings) == [
        (2, "could not check U012ABCDEF in Slack (Slack is out of reach); imported as written")
    ]


def test_owner_by_email_is_linked_with_lookup_email(db: Database, tmp_path: Path) -> None:
    asked: list[str] = []

    def lookup(email: str) -> str | None:
        asked.append(email)
        return {"sanne@ouragency.nl": "U0SANNE123"}.get(email)

    path = write_csv(
        tmp_path,
        "client,lead,partner\nAcme,sanne@ouragency.nl,nobody@ouragency.nl\nGlobex,sanne@ouragency.nl,\n",
    )
    report = run(db, "T1", path, lookup_email=lookup)

    assert report.ok
    assert asked == ["sanne@ouragency.nl", "nobody@ouragency.nl"]  # each address asked once
    assert [w.row for w in report.warnings] == [2]
    assert "no Slack member has the e-mail nobody@ouragency.nl" in report.warnings[0].message
    with db.session() as session:
        sanne = session.scalars(select(Staff).where(Staff.slack_user_id == "U0SANNE123")).one()
        assert sanne.email == "sanne@ouragency.nl"
        assert client_named(session, "T1", "globex").lead_id == sanne.id


def test_lookup_links_a_person_imported_earlier_by_email_and_reuses_known_ids(
    db: Database, tmp_path: Path
) -> None:
    run(db, "T1", write_csv(tmp_path, "client,lead\nAcme,sanne@ouragency.nl\n"))
    with db.session() as session:
        session.add(Staff(team_id="T1", slack_user_id="U0PIM45678"))

    def lookup(email: str) -> str | None:
        return {"sanne@ouragency.nl": "U0SANNE123", "pim@ouragency.nl": "U0PIM45678"}.get(email)

    path = write_csv(tmp_path, "client,lead,backup\nAcme,sanne@ouragency.nl,pim@ouragency.nl\n", name="b.csv")
    report = run(db, "T1", path, lookup_email=lookup)

    assert report.ok and not report.warnings, format_report(report)
    with db.session() as session:
        assert count(session, Staff) == 2
        acme = client_named(session, "T1", "acme")
        assert acme.lead is not None and acme.lead.slack_user_id == "U0SANNE123"
        assert acme.backup is not None and acme.backup.email == "pim@ouragency.nl"


def test_lead_by_id_and_backup_by_the_same_persons_email_are_the_same_person(
    db: Database, tmp_path: Path
) -> None:
    path = write_csv(tmp_path, "client,lead,backup\nAcme,U0SANNE123,sanne@ouragency.nl\n")
    report = run(db, "T1", path, lookup_email=lambda email: "U0SANNE123")
    assert [issue.row for issue in report.errors] == [2]
    assert "lead and backup are the same person" in report.errors[0].message


def test_a_failing_lookup_does_not_stop_the_import(db: Database, tmp_path: Path) -> None:
    def lookup(email: str) -> str | None:
        raise RuntimeError("ratelimited")

    report = run(db, "T1", write_csv(tmp_path, "client,lead\nAcme,sanne@ouragency.nl\n"), lookup_email=lookup)
    assert report.ok and report.created == 1
    assert "could not look up sanne@ouragency.nl in Slack (ratelimited)" in report.warnings[0].message


def test_existing_staff_are_found_by_slack_id_and_by_email(db: Database, tmp_path: Path) -> None:
    with db.session() as session:
        session.add_all(
            [
                Staff(team_id="T1", slack_user_id="U012ABCDEF", email="jan@ouragency.nl"),
                Staff(team_id="T1", email="Sanne@OurAgency.nl"),
            ]
        )
    path = write_csv(
        tmp_path, "client,lead,partner\nAcme,jan@ouragency.nl,sanne@ouragency.nl\nGlobex,U012ABCDEF,\n"
    )
    report = run(db, "T1", path)

    assert report.ok
    with db.session() as session:
        assert count(session, Staff) == 2
        acme = client_named(session, "T1", "acme")
        assert acme.lead is not None and acme.lead.slack_user_id == "U012ABCDEF"
        assert acme.partner is not None and acme.partner.email == "Sanne@OurAgency.nl"
        assert client_named(session, "T1", "globex").lead_id == acme.lead_id


# --- teams -----------------------------------------------------------------------------------


def test_importing_for_one_team_never_touches_another_teams_clients(db: Database, tmp_path: Path) -> None:
    header = "client,segment,email_domains,lead"
    run(db, "TA", write_csv(tmp_path, f"{header}\nAcme,retainer,acme.com,U012ABCDEF\n"))
    report = run(db, "TB", write_csv(tmp_path, f"{header}\nAcme,project,acme.com,U012ABCDEF\n", name="b.csv"))

    assert report.ok and report.created == 1  # same name and domain, but a different workspace
    with db.session() as session:
        a = client_named(session, "TA", "acme")
        b = client_named(session, "TB", "acme")
        assert (a.segment, b.segment) == ("retainer", "project")
        assert a.lead_id != b.lead_id
        assert count(session, Staff, "TA") == 1 and count(session, Staff, "TB") == 1
        assert count(session, ClientDomain, "TA") == 1 and count(session, ClientDomain, "TB") == 1


# --- examples and speed ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["clients.csv", "clients.xlsx", "klanten.csv"])
def test_example_files_import_without_errors(db: Database, name: str) -> None:
    report = run(db, "T1", EXAMPLES / name)

    assert report.ok, format_report(report)
    assert report.created >= 8
    assert not [w for w in report.warnings if "column" in w.message]
    again = run(db, "T1", EXAMPLES / name)
    assert (again.created, again.updated, again.errors) == (0, 0, [])


def test_example_csv_xlsx_and_dutch_csv_hold_the_same_clients(tmp_path: Path) -> None:
    def snapshot(name: str) -> list[tuple[Any, ...]]:
        database = Database(f"sqlite:///{tmp_path}/{name}.db")
        database.upgrade()
        with database.session() as session:
            import_file(session, "T1", EXAMPLES / name)
            clients = session.scalars(select(Client).order_by(Client.name_key)).all()
            result = [
                (
                    c.name,
                    c.segment,
                    c.renewal_date,
                    [a.alias for a in c.aliases],
                    [d.domain for d in c.domains],
                    [(k.name, k.email) for k in c.contacts],
                    [(s.slack_user_id, s.email) if s else None for s in (c.lead, c.partner, c.backup)],
                )
                for c in clients
            ]
        database.dispose()
        return result

    assert snapshot("clients.csv") == snapshot("clients.xlsx") == snapshot("klanten.csv")


def test_a_thousand_rows_import_in_a_few_seconds(db: Database, tmp_path: Path) -> None:
    lines = [HEADER]
    for i in range(1000):
        lines.append(
            f"Client {i},C{i} | Klant {i},retainer,client{i}.com; client{i}.nl,U01LEAD001{i % 20:04d},"
            f"U01PART001{i % 7:04d},lead{i % 5}@ouragency.nl,2026-03-31,Jan {i} <jan@client{i}.com>; Eva {i}"
        )
    path = write_csv(tmp_path, "\n".join(lines))

    started = time.perf_counter()
    report = run(db, "T1", path)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = run(db, "T1", path)
    second = time.perf_counter() - started

    assert report.ok, format_report(report)[:500]
    assert report.created == 1000 and again.unchanged == 1000
    assert first < 10 and second < 10, (first, second)
