"""Reading a client list's rows: columns, cells, and the checks on each row (no files, no database)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, time
from typing import Any

import pytest

from bot.domain.client_rows import (
    COLUMNS,
    NAME_MAX,
    PUBLIC_MAIL_DOMAINS,
    SEGMENT_MAX,
    ClientRow,
    Columns,
    ContactIn,
    Owner,
    cell_list,
    cell_text,
    is_domain,
    is_slack_user_id,
    map_columns,
    normalize_domain,
    parse_contact,
    parse_date,
    parse_email,
    parse_owner,
    parse_row,
)
from bot.domain.ownership import ROLES

ALL = list(COLUMNS)  # a row with every column, in this order
KNOWN = ", ".join(COLUMNS)
DATE_FORMS = (
    "write it as 2026-03-31 (year first) or day first as 31-3-2026, 31-03-2026 or 31/03/2026 "
    "(dates are read day first; two-digit years are refused), or make the cell an Excel date"
)


def row(**cells: Any) -> tuple[ClientRow | None, list[str]]:
    """parse_row on row 2 of a sheet with every column; cells not given are blank."""
    return parse_row(2, [cells.get(column) for column in ALL], {column: i for i, column in enumerate(ALL)})


def good(**cells: Any) -> ClientRow:
    parsed, errors = row(**cells)
    assert parsed is not None and errors == [], errors
    return parsed


def errors_of(**cells: Any) -> list[str]:
    parsed, errors = row(**cells)
    assert parsed is None and errors
    return errors


def test_the_domain_rules_load_without_files_database_or_slack() -> None:
    code = (
        "import sys, bot.domain.client_rows\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'sqlalchemy', 'openpyxl', 'slack_sdk', 'slack_bolt', 'storage'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# --- columns ---------------------------------------------------------------------------------


def test_every_owner_role_is_a_column() -> None:
    assert set(ROLES) <= set(COLUMNS)


@pytest.mark.parametrize(
    ("header", "column"),
    [
        (spelling.upper().replace("_", " "), column)
        for column, spellings in COLUMNS.items()
        for spelling in spellings
    ]
    + [
        (" Name ", "client"),
        ("E-mail domains", "email_domains"),
        ("email_domains", "email_domains"),
        ("Renewal date (YYYY-MM-DD)", "renewal_date"),
        ("Co-lead", "partner"),
        ("Account  lead", "lead"),
    ],
)
def test_header_names_ignore_case_spaces_dashes_and_brackets(header: str, column: str) -> None:
    columns = map_columns(["client" if column != "client" else "x", header])
    assert columns.index[column] == 1
    assert columns.fatal is None


def test_unknown_and_repeated_columns_are_warnings_and_the_first_one_counts() -> None:
    columns = map_columns(["Name", "notes", "", "client", "Segment"])
    assert columns == Columns(
        index={"client": 0, "segment": 4},
        warnings=[
            f"column 'notes' is not one Rapport knows, so it was ignored; known columns: {KNOWN}",
            "column 'client' repeats 'Name' (client); only the first one was used",
        ],
    )


def test_a_header_row_without_a_client_column_is_fatal_and_keeps_its_warnings() -> None:
    columns = map_columns(["Nummer", "Segment"])
    assert columns.fatal == (
        "the header row has no 'client' column (or 'name', in Dutch 'klant'). "
        "Columns found: 'Nummer', 'Segment'. "
        "Expected: client (required), aliases, segment, email_domains, lead, partner, backup, renewal_date, "
        "contacts, contact_email"
    )
    assert columns.warnings == [
        f"column 'Nummer' is not one Rapport knows, so it was ignored; known columns: {KNOWN}"
    ]
    assert columns.index == {"segment": 1}


DUTCH = {
    "Klant": "client",
    "Segment": "segment",
    "Verlengdatum": "renewal_date",
    "Eigenaar": "lead",
    "Accountmanager": "lead",
    "Partner": "partner",
    "Backup": "backup",
    "Contactpersoon": "contacts",
    "E-mail": "contact_email",
    "Domein": "email_domains",
    "Aliassen": "aliases",
}


@pytest.mark.parametrize(("header", "column"), DUTCH.items())
@pytest.mark.parametrize("spelling", [str, str.upper, str.lower])
def test_dutch_headers_name_the_same_columns_in_any_case(header: str, column: str, spelling: Any) -> None:
    columns = map_columns(["Klant", spelling(header)] if column != "client" else [spelling(header)])
    assert columns.index[column] == (1 if column != "client" else 0)
    assert columns.fatal is None


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Cliënt", "client"),
        ("Klantnaam", "client"),
        ("Verleng datum", "renewal_date"),
        ("Verlengdatum (dd-mm-jjjj)", "renewal_date"),
        ("Account manager", "lead"),
        ("Contact persoon", "contacts"),
        ("Contactpersonen", "contacts"),
        ("E-mailadres", "contact_email"),
        ("Email", "contact_email"),
        ("Domeinen", "email_domains"),
        ("E-maildomein", "email_domains"),
        ("Back-up", "backup"),
        ("Renewaldate", "renewal_date"),
        ("Émail domains", "email_domains"),
    ],
)
def test_headers_ignore_accents_and_spaces(header: str, column: str) -> None:
    columns = map_columns(["client", header] if column != "client" else [header])
    assert columns.index[column] == (1 if column != "client" else 0), columns
    assert columns.fatal is None


def test_a_dutch_header_row_reads_as_the_english_one() -> None:
    dutch = map_columns(list(DUTCH))
    assert dutch.fatal is None
    assert dutch.warnings == [
        "column 'Accountmanager' repeats 'Eigenaar' (lead); only the first one was used"
    ]
    assert set(dutch.index) == set(COLUMNS)


@pytest.mark.parametrize("headers", [[], ["", ""]])
def test_no_header_at_all_means_the_file_is_empty(headers: list[str]) -> None:
    assert map_columns(headers) == Columns(
        {},
        [],
        "the file is empty; the first row must name the columns, e.g. client, segment, lead, renewal_date",
    )


# --- cells -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("  Café \xa0 Zuid\n BV ", "Café Zuid BV"),
        (2026, "2026"),
        (12.0, "12"),
        (12.5, "12.5"),
        (True, "True"),
        (datetime(2026, 3, 31), "2026-03-31"),
        (datetime(2026, 3, 31, 9, 30), "2026-03-31T09:30:00"),
        (date(2026, 3, 31), "2026-03-31"),
        (time(9, 30), "09:30:00"),
    ],
)
def test_cell_text_is_one_line_as_people_read_the_cell(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_list_cells_split_on_semicolons_bars_and_line_breaks_but_not_commas() -> None:
    assert cell_list("Zuid | CZ;  Berg, Van der \n\n Jan ") == ["Zuid", "CZ", "Berg, Van der", "Jan"]
    assert cell_list(" ; | ") == []
    assert cell_list(None) == []
    assert cell_list(2026) == ["2026"]


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-31", date(2026, 3, 31)),
        ("2026/3/1", date(2026, 3, 1)),
        ("2026.03.01 10:00", date(2026, 3, 1)),
        ("2026-03-01T10:00:00.5", date(2026, 3, 1)),
        ("31-03-2026", date(2026, 3, 31)),
        ("03/04/2026", date(2026, 4, 3)),  # day first, never 4 March
        ("1.3.2026 10:00", date(2026, 3, 1)),
        (datetime(2026, 6, 30, 12), date(2026, 6, 30)),
        (date(2026, 6, 30), date(2026, 6, 30)),
        (46112, date(2026, 3, 31)),  # a date cell without date formatting: Excel's day number
        (46112.75, date(2026, 3, 31)),
        ("31-31-2026", None),
        ("2026-02-30", None),
        ("31-03/2026", None),  # two different separators
        ("31-03-26", None),  # two-digit years are refused
        ("31-3-2026", date(2026, 3, 31)),  # as Dutch Excel writes a date in a CSV
        ("1-3-2026", date(2026, 3, 1)),
        ("31/03/2026", date(2026, 3, 31)),
        ("31-3-2026 0:00", date(2026, 3, 31)),
        ("next week", None),
        (19999, None),  # numbers far from today are not day numbers
        (80001, None),
        (True, None),
    ],
)
def test_parse_date(value: object, expected: date | None) -> None:
    assert parse_date(value) == expected


def test_excel_day_numbers_are_read_as_excel_shows_them() -> None:
    from openpyxl.utils.datetime import from_excel

    serials: list[float] = [20000, 46112, 80000, 46112.5, 46112.99999999999, 46112.9999999, 50000.0000001]
    serials += [20000 + i * 600.123456789 for i in range(100)]
    for serial in serials:
        assert parse_date(serial) == from_excel(serial).date(), serial


# --- domains and e-mail addresses ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "domain"),
    [
        ("https://www.Acme.nl/about", "acme.nl"),
        ("http://WWW.Acme.nl:8080/x?y#z", "acme.nl"),
        ("@cafezuid.nl", "cafezuid.nl"),
        ("jan@acme.com", "acme.com"),
        (" acme.com. ", "acme.com"),
        ("Bücher.de", "xn--bcher-kva.de"),
    ],
)
def test_normalize_domain(text: str, domain: str) -> None:
    assert normalize_domain(text) == domain
    assert is_domain(domain)


@pytest.mark.parametrize(
    "text", ["not a domain", "acme", "acme.c", "-acme.com", "a" * 250 + ".com", "acme..nl"]
)
def test_is_domain_refuses_what_is_not_a_host_name(text: str) -> None:
    assert not is_domain(text)


def test_parse_email() -> None:
    assert parse_email(" mailto:Jan@Acme.COM ") == "jan@acme.com"
    assert parse_email("jan@") is None
    assert parse_email("jan@acme") is None
    assert parse_email("jan de vries@acme.com") is None
    assert parse_email("j" * 311 + "@acme.com") == "j" * 311 + "@acme.com"  # 320 characters
    assert parse_email("j" * 312 + "@acme.com") is None  # longer than an address can be


# --- owners ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "owner"),
    [
        ("U012ABCDEF", Owner("U012ABCDEF", "U012ABCDEF", None)),
        ("W056MNOPQR", Owner("W056MNOPQR", "W056MNOPQR", None)),
        ("<@U012ABCDEF|jan>", Owner("U012ABCDEF", "U012ABCDEF", None)),
        ("@W056MNOPQR", Owner("W056MNOPQR", "W056MNOPQR", None)),
        (" Sanne@OurAgency.nl ", Owner("sanne@ouragency.nl", None, "sanne@ouragency.nl")),
    ],
)
def test_an_owner_is_a_slack_member_id_or_an_e_mail_address(text: str, owner: Owner) -> None:
    assert parse_owner("lead", text) == (owner, None)


def test_an_owner_by_plain_name_is_refused_with_how_to_find_the_member_id() -> None:
    assert parse_owner("partner", "Jan de Vries") == (
        None,
        "partner 'Jan de Vries' is neither a Slack user id nor an e-mail address; use a member id such as "
        "U012ABCDEF (Slack profile > ⋮ > Copy member ID) or their work e-mail, e.g. jan@youragency.com",
    )
    assert not is_slack_user_id("U12")
    assert not is_slack_user_id("u012abcdef")


def test_owner_written_as_a_slack_mention_is_read_as_the_user_id() -> None:
    parsed = good(client="Acme", lead="<@U012ABCDEF|jan>", backup="@W056MNOPQR")
    assert parsed.owners["lead"].slack_user_id == "U012ABCDEF"
    assert parsed.owners["backup"].slack_user_id == "W056MNOPQR"
    assert "partner" not in parsed.owners


# --- contacts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "contact"),
    [
        ("Jan de Vries <Jan@Acme.com>", ContactIn("Jan de Vries", "jan@acme.com")),
        ('"Vries, Jan" <jan@acme.com>', ContactIn("Vries, Jan", "jan@acme.com")),
        ("<jan@acme.com>", ContactIn(None, "jan@acme.com")),
        ("!!! <jan@acme.com>", ContactIn(None, "jan@acme.com")),  # no letters: the address alone
        ("priya@acme.nl", ContactIn(None, "priya@acme.nl")),
        ("'Bob'", ContactIn("Bob", None)),
    ],
)
def test_a_contact_is_name_and_address_a_bare_address_or_a_name(text: str, contact: ContactIn) -> None:
    assert parse_contact(text) == (contact, None)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            "Jan <jan@>",
            "contact 'Jan <jan@>' has 'jan@' where an e-mail address should be; "
            "write contacts as Name <name@client.com>",
        ),
        (
            "jan@acme",
            "contact 'jan@acme' is not a valid e-mail address; "
            "write contacts as Name <name@client.com>, a bare e-mail, or just a name",
        ),
        ("!!!", "contact '!!!' has no letters or digits; write a name or an e-mail address"),
        ("J" * 201, f"contact name '{'J' * 40}…' is longer than {NAME_MAX} characters; shorten it"),
    ],
)
def test_a_contact_that_is_neither_is_refused(text: str, error: str) -> None:
    assert parse_contact(text) == (None, error)


# --- rows ------------------------------------------------------------------------------------


def test_a_full_row() -> None:
    parsed = good(
        client="Acme  Logistics",
        aliases="Acme | ACME BV; acme logistics",
        segment="retainer",
        email_domains="acme.com; https://www.Acme.nl/about, ACME.com",
        lead="U012ABCDEF",
        partner="jan@ouragency.nl",
        renewal_date=datetime(2026, 3, 31),
        contacts="Jan de Vries <jan@acme.com>; priya@acme.nl; Bob",
    )
    assert parsed == ClientRow(
        number=2,
        name="Acme Logistics",
        key="acme logistics",
        aliases=[("Acme", "acme"), ("ACME BV", "acme bv")],  # the name and repeats are left out
        segment="retainer",
        domains=["acme.com", "acme.nl"],
        owners={
            "lead": Owner("U012ABCDEF", "U012ABCDEF", None),
            "partner": Owner("jan@ouragency.nl", None, "jan@ouragency.nl"),
        },
        renewal_date=date(2026, 3, 31),
        contacts=[
            ContactIn("Jan de Vries", "jan@acme.com"),
            ContactIn(None, "priya@acme.nl"),
            ContactIn("Bob", None),
        ],
    )


def test_blank_cells_say_nothing_and_a_short_row_is_fine() -> None:
    assert good(client="Acme", segment="  ") == ClientRow(number=2, name="Acme", key="acme")
    assert parse_row(7, ["Acme"], {"client": 0, "segment": 1, "lead": 2}) == (
        ClientRow(number=7, name="Acme", key="acme"),
        [],
    )


def test_a_number_as_client_name_is_its_text() -> None:
    assert good(client=2026.0).name == "2026"


def test_an_alias_without_letters_is_left_out_with_a_warning() -> None:
    parsed = good(client="Acme", aliases="AC | ---")
    assert parsed.aliases == [("AC", "ac")]
    assert parsed.warnings == ["alias '---' has no letters or digits, so it was left out"]


@pytest.mark.parametrize(
    ("cells", "error"),
    [
        ({}, "the client name is empty; every row needs a name in the client column"),
        ({"client": "X" * 201}, f"the client name is 201 characters long; keep it to {NAME_MAX} or fewer"),
        ({"client": "!!!"}, "the client name '!!!' has no letters or digits; use the client's real name"),
        (
            {"client": "Acme", "aliases": "A" * 201},
            f"alias '{'A' * 40}…' is longer than {NAME_MAX} characters; shorten it",
        ),
        (
            {"client": "Acme", "segment": "S" * 51},
            f"segment is 51 characters long; use a short label (at most {SEGMENT_MAX}) "
            f"such as retainer, project or internal",
        ),
        (
            {"client": "Acme", "email_domains": "acme.com; not a domain"},
            "email_domains 'not a domain' is not a domain; write just the part after the @, "
            "e.g. acme.com, and separate several with ;",
        ),
        (
            {"client": "Acme", "email_domains": "@Gmail.com"},
            "email_domains 'gmail.com' is a public e-mail provider, so it can't tell which client "
            "a message is from; leave it out and list those people under contacts instead",
        ),
        (
            {"client": "Acme", "renewal_date": "31-31-2026"},
            f"renewal_date '31-31-2026' is not a date; {DATE_FORMS}",
        ),
        (
            {"client": "Acme", "renewal_date": 12.0},
            f"renewal_date '12' is not a date; {DATE_FORMS}",
        ),
        (
            {"client": "Acme", "renewal_date": "03/31/2026"},  # month first: there is no month 31
            f"renewal_date '03/31/2026' is not a date; {DATE_FORMS}",
        ),
        (
            {"client": "Acme", "renewal_date": "31-03-26"},
            "renewal_date '31-03-26' has a two-digit year, which could be 1926 or 2026; "
            "write the year in full, e.g. 31-03-2026",
        ),
        (
            {"client": "Acme", "contacts": "Jan; Jan <jan@>"},
            "contact 'Jan <jan@>' has 'jan@' where an e-mail address should be; "
            "write contacts as Name <name@client.com>",
        ),
    ],
)
def test_a_row_with_an_error_is_left_out_whole(cells: dict[str, Any], error: str) -> None:
    assert errors_of(**cells) == [error]


def test_every_error_in_a_row_is_reported_at_once() -> None:
    errors = errors_of(backup="Jan", renewal_date="someday", contacts="x <y>")
    assert [error.split(" ")[:2] for error in errors] == [
        ["the", "client"],
        ["backup", "'Jan'"],
        ["renewal_date", "'someday'"],
        ["contact", "'x"],
    ]


def test_public_mail_providers_are_known() -> None:
    assert {"gmail.com", "outlook.com", "hotmail.nl", "icloud.com"} <= PUBLIC_MAIL_DOMAINS


# --- a contact's e-mail in a column of its own (Contactpersoon | E-mail) -----------------------


@pytest.mark.parametrize(
    ("contacts", "email", "expected"),
    [
        ("Jan de Vries", "jan@acme.com", [ContactIn("Jan de Vries", "jan@acme.com")]),
        (None, "Jan@Acme.com", [ContactIn(None, "jan@acme.com")]),
        (
            "Jan; Priya",
            "jan@acme.com; priya@acme.nl",
            [ContactIn("Jan", "jan@acme.com"), ContactIn("Priya", "priya@acme.nl")],
        ),
        ("Jan <jan@acme.com>", "jan@acme.com", [ContactIn("Jan", "jan@acme.com")]),
        (
            "Jan <jan@acme.com>; Priya",
            "priya@acme.nl",
            [ContactIn("Jan", "jan@acme.com"), ContactIn("Priya", "priya@acme.nl")],
        ),
        (
            "Jan",
            "jan@acme.com; info@acme.com",
            [ContactIn("Jan", "jan@acme.com"), ContactIn(None, "info@acme.com")],
        ),
        ("Jan; Priya", None, [ContactIn("Jan", None), ContactIn("Priya", None)]),
    ],
)
def test_an_e_mail_column_gives_the_contacts_their_addresses_in_order(
    contacts: str | None, email: str | None, expected: list[ContactIn]
) -> None:
    assert good(client="Acme", contacts=contacts, contact_email=email).contacts == expected


def test_a_bad_address_in_the_e_mail_column_is_an_error() -> None:
    assert errors_of(client="Acme", contacts="Jan", contact_email="jan@") == [
        "contact_email 'jan@' is not a valid e-mail address; write the contact's address, e.g. "
        "jan@client.com, and separate several with ;"
    ]


def test_the_import_guide_shows_both_header_rows_and_each_reads_in_full() -> None:
    from pathlib import Path

    guide = (Path(__file__).resolve().parents[2] / "docs" / "import.md").read_text(encoding="utf-8")
    rows = [line.split(";") for line in guide.splitlines() if line.startswith(("client;", "Klant;"))]
    assert [row[0] for row in rows] == ["client", "Klant"]
    for headers in rows:
        assert map_columns(headers) == Columns({column: i for i, column in enumerate(COLUMNS)}, [])
