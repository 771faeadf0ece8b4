"""Import clients from a spreadsheet (.xlsx or .csv) into one Slack workspace.

``python -m bot import FILE --team TEAM_ID`` calls :func:`import_file` and prints
:func:`format_report`. The file format is described in ``docs/import.md``.

Rules, in short:

* One row per client; the header row (row 1) names the columns, in any order and case.
* A client is found by its normalised name, or by one of its aliases, within the team only.
  Re-importing the same file updates clients and never makes duplicates.
* Blank cells never wipe anything; aliases, e-mail domains and contacts are only ever added.
* A bad row is reported with its row number and skipped; the other rows still land. Rows are
  written in SAVEPOINTs (a batch at a time; a batch the database refuses is redone one row per
  SAVEPOINT), so a database error on one row cannot undo the others.
* Nothing is committed here: the caller's session scope commits (or rolls back) the import.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from bot.domain.ownership import MUST_DIFFER, ROLES
from bot.domain.text import normalize
from bot.services import owners
from bot.spreadsheets import SpreadsheetError, Table, read_table
from storage import queries
from storage.models import Client, ClientAlias, ClientDomain, Contact, Staff

LookupEmail = Callable[[str], str | None]

SHEET_NAME = "Clients"
LIST_SEPARATORS = re.compile(r"[;|\n\r]+")
DOMAIN_SEPARATORS = re.compile(r"[;|,\n\r]+")

NAME_MAX = 200
SEGMENT_MAX = 50
EMAIL_MAX = 320
DOMAIN_MAX = 253
BATCH_SIZE = 200  # rows written per flush; see _Importer.run

# Canonical column -> the header spellings accepted for it (after _header_key()).
COLUMNS: dict[str, tuple[str, ...]] = {
    "client": ("client", "name", "client_name", "clients"),
    "aliases": ("aliases", "alias", "also_known_as", "aka"),
    "segment": ("segment", "type", "kind"),
    "email_domains": ("email_domains", "e_mail_domains", "email_domain", "domains", "domain"),
    "lead": ("lead", "account_lead", "owner"),
    "partner": ("partner", "tandem", "co_lead"),
    "backup": ("backup", "back_up", "deputy"),
    "renewal_date": ("renewal_date", "renewal", "renews", "renewal_on"),
    "contacts": ("contacts", "contact"),
}
_HEADER_TO_COLUMN = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}

# Mail providers anyone can sign up with: such a domain cannot tell which client an e-mail is from.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.net",
        "gmx.de",
        "web.de",
        "ziggo.nl",
        "kpnmail.nl",
        "hotmail.nl",
        "live.nl",
        "outlook.nl",
        "planet.nl",
        "home.nl",
        "xs4all.nl",
        "telenet.be",
        "skynet.be",
    }
)

_SLACK_USER_ID = re.compile(r"[UW][A-Z0-9]{6,}")
_SLACK_MENTION = re.compile(r"<@([UW][A-Z0-9]{6,})(?:\|[^>]*)?>")
_EMAIL = re.compile(r"[^@\s<>\"',;]+@([^@\s<>\"',;]+)")
_DOMAIN = re.compile(
    r"(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})"
)
_CONTACT_WITH_EMAIL = re.compile(r"(.*?)\s*<([^<>]*)>\s*")
_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DAY_FIRST_DATE = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?")
_DATE_HINT = "use YYYY-MM-DD, e.g. 2026-03-31"


# --------------------------------------------------------------------------------------------
# Report


@dataclass(frozen=True)
class RowIssue:
    """Something about one spreadsheet row; ``row`` is numbered as the spreadsheet shows it."""

    row: int
    message: str


@dataclass
class ImportReport:
    file: str
    team_id: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    fatal: str | None = None

    @property
    def ok(self) -> bool:
        """True when the file was read and every row landed (warnings are fine)."""
        return self.fatal is None and not self.errors

    @property
    def skipped(self) -> int:
        """How many rows were left out because of errors."""
        return len({issue.row for issue in self.errors})


def format_report(report: ImportReport) -> str:
    """Plain text for the terminal: a summary line, then one line per issue."""
    if report.fatal is not None:
        return f"Could not import {report.file} for {report.team_id}: {report.fatal}"
    skipped = report.skipped
    lines = [
        f"Imported {report.file} for {report.team_id}: {report.created} created, "
        f"{report.updated} updated, {report.unchanged} unchanged; "
        f"{skipped} row{'' if skipped == 1 else 's'} skipped"
    ]
    lines.extend(f"  row {issue.row}: {issue.message}" for issue in report.errors)
    if report.warnings:
        lines.append("Warnings:")
        lines.extend(f"  row {issue.row}: {issue.message}" for issue in report.warnings)
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Reading the file


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why and what to do."""


def _read_table(path: Path) -> Table:
    try:
        return read_table(path, sheet=SHEET_NAME)
    except SpreadsheetError as exc:
        raise ImportFileError(str(exc)) from exc


def _header_key(header: str) -> str:
    key = re.sub(r"\(.*?\)", " ", header.casefold())  # "Renewal date (YYYY-MM-DD)"
    return re.sub(r"[^a-z0-9]+", "_", key).strip("_")


def _map_columns(table: Table, report: ImportReport) -> dict[str, int]:
    if not any(table.headers):
        raise ImportFileError(
            "the file is empty; the first row must name the columns, e.g. client, segment, lead, renewal_date"
        )
    columns: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        if not header:
            continue
        column = _HEADER_TO_COLUMN.get(_header_key(header))
        if column is None:
            report.warnings.append(
                RowIssue(
                    table.header_row,
                    f"column '{header}' is not one Rapport knows, so it was ignored; "
                    f"known columns: {', '.join(COLUMNS)}",
                )
            )
        elif column in columns:
            first = table.headers[columns[column]]
            report.warnings.append(
                RowIssue(
                    table.header_row,
                    f"column '{header}' repeats '{first}' ({column}); only the first one was used",
                )
            )
        else:
            columns[column] = index
    if "client" not in columns:
        found = ", ".join(f"'{h}'" for h in table.headers if h) or "none"
        raise ImportFileError(
            f"the header row has no 'client' column (or 'name'). Columns found: {found}. "
            f"Expected: client (required), {', '.join(c for c in COLUMNS if c != 'client')}"
        )
    return columns


# --------------------------------------------------------------------------------------------
# Parsing one row (no database)


@dataclass(frozen=True)
class _Owner:
    text: str  # as written, for messages
    slack_user_id: str | None
    email: str | None


@dataclass(frozen=True)
class _ContactIn:
    name: str | None
    email: str | None


@dataclass
class _Row:
    number: int
    name: str
    key: str
    aliases: list[tuple[str, str]] = field(default_factory=list)
    segment: str | None = None
    domains: list[str] = field(default_factory=list)
    owners: dict[str, _Owner] = field(default_factory=dict)
    renewal_date: date | None = None
    contacts: list[_ContactIn] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(str(value).replace("\xa0", " ").split())


def _cell_list(value: Any) -> list[str]:
    parts = LIST_SEPARATORS.split(value) if isinstance(value, str) else [_cell_text(value)]
    return [" ".join(part.split()) for part in parts if part.strip()]


def parse_date(value: Any) -> date | None:
    """A date from an Excel date cell, ``2026-03-31``, ``31-03-2026`` or ``31/03/2026`` (day first).

    Returns None when the value is not a date.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A date cell without date formatting arrives as Excel's serial day number.
        if 20000 <= value <= 80000:
            from openpyxl.utils.datetime import from_excel

            converted = from_excel(value)
            return converted.date() if isinstance(converted, datetime) else None
        return None
    text = _cell_text(value)
    iso = _ISO_DATE.fullmatch(text)
    if iso:
        year, month, day = int(iso.group(1)), int(iso.group(2)), int(iso.group(3))
    else:
        day_first = _DAY_FIRST_DATE.fullmatch(text)
        if not day_first:
            return None
        day, month, year = int(day_first.group(1)), int(day_first.group(3)), int(day_first.group(4))
    try:
        return date(year, month, day)
    except ValueError:
        return None


def normalize_domain(text: str) -> str:
    """``"https://www.Acme.com/about"`` -> ``"acme.com"``; ``"@acme.nl"`` -> ``"acme.nl"``.

    Lowercased, scheme/``www.``/path/port/``@`` removed, international names in punycode.
    The result may still be invalid; check it with :func:`is_domain`.
    """
    domain = text.strip().lower()
    domain = re.sub(r"^[a-z][a-z0-9+.-]*://", "", domain)
    domain = domain.rsplit("@", 1)[-1]
    domain = re.split(r"[/?#:]", domain, maxsplit=1)[0].strip(".")
    if domain.startswith("www."):
        domain = domain[4:]
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            return domain
    return domain


def is_domain(domain: str) -> bool:
    return len(domain) <= DOMAIN_MAX and _DOMAIN.fullmatch(domain) is not None


def _parse_email(text: str) -> str | None:
    email = text.strip().lower()
    if email.startswith("mailto:"):
        email = email[len("mailto:") :]
    match = _EMAIL.fullmatch(email)
    if not match or len(email) > EMAIL_MAX or not is_domain(match.group(1)):
        return None
    return email


def _parse_owner(role: str, text: str) -> tuple[_Owner | None, str | None]:
    candidate = text.strip()
    mention = _SLACK_MENTION.fullmatch(candidate)
    if mention:
        candidate = mention.group(1)
    if candidate.startswith("@") and _SLACK_USER_ID.fullmatch(candidate[1:]):
        candidate = candidate[1:]
    if _SLACK_USER_ID.fullmatch(candidate):
        return _Owner(text=candidate, slack_user_id=candidate, email=None), None
    email = _parse_email(candidate)
    if email:
        return _Owner(text=email, slack_user_id=None, email=email), None
    return None, (
        f"{role} '{text}' is neither a Slack user id nor an e-mail address; "
        f"use a member id such as U012ABCDEF (Slack profile > ⋮ > Copy member ID) "
        f"or their work e-mail, e.g. jan@youragency.com"
    )


def _parse_contact(text: str) -> tuple[_ContactIn | None, str | None]:
    bracketed = _CONTACT_WITH_EMAIL.fullmatch(text)
    if bracketed:
        name = bracketed.group(1).strip().strip("\"'").strip() or None
        email = _parse_email(bracketed.group(2))
        if email is None:
            return None, (
                f"contact '{text}' has '{bracketed.group(2)}' where an e-mail address should be; "
                f"write contacts as Name <name@client.com>"
            )
    elif "@" in text:
        name, email = None, _parse_email(text)
        if email is None:
            return None, (
                f"contact '{text}' is not a valid e-mail address; "
                f"write contacts as Name <name@client.com>, a bare e-mail, or just a name"
            )
    else:
        name, email = text.strip().strip("\"'").strip(), None
    if name is not None and len(name) > NAME_MAX:
        return None, f"contact name '{name[:40]}…' is longer than {NAME_MAX} characters; shorten it"
    if name is not None and not normalize(name):
        name = None
        if email is None:
            return None, f"contact '{text}' has no letters or digits; write a name or an e-mail address"
    return _ContactIn(name=name, email=email), None


def _parse_row(number: int, values: list[Any], columns: dict[str, int]) -> tuple[_Row | None, list[str]]:
    def cell(column: str) -> Any:
        index = columns.get(column)
        if index is None or index >= len(values):
            return None
        return values[index]

    errors: list[str] = []
    name = _cell_text(cell("client"))
    key = normalize(name)
    if not name:
        errors.append("the client name is empty; every row needs a name in the client column")
    elif len(name) > NAME_MAX:
        errors.append(f"the client name is {len(name)} characters long; keep it to {NAME_MAX} or fewer")
    elif not key:
        errors.append(f"the client name '{name}' has no letters or digits; use the client's real name")
    row = _Row(number=number, name=name, key=key)

    seen_alias_keys = {key}
    for alias in _cell_list(cell("aliases")):
        alias_key = normalize(alias)
        if len(alias) > NAME_MAX:
            errors.append(f"alias '{alias[:40]}…' is longer than {NAME_MAX} characters; shorten it")
        elif not alias_key:
            row.warnings.append(f"alias '{alias}' has no letters or digits, so it was left out")
        elif alias_key not in seen_alias_keys:
            seen_alias_keys.add(alias_key)
            row.aliases.append((alias, alias_key))

    segment = _cell_text(cell("segment"))
    if len(segment) > SEGMENT_MAX:
        errors.append(
            f"segment is {len(segment)} characters long; use a short label (at most {SEGMENT_MAX}) "
            f"such as retainer, project or internal"
        )
    row.segment = segment or None

    raw_domains = cell("email_domains")
    parts = (
        DOMAIN_SEPARATORS.split(raw_domains) if isinstance(raw_domains, str) else [_cell_text(raw_domains)]
    )
    for part in (" ".join(p.split()) for p in parts):
        if not part:
            continue
        domain = normalize_domain(part)
        if not is_domain(domain):
            errors.append(
                f"email_domains '{part}' is not a domain; write just the part after the @, "
                f"e.g. acme.com, and separate several with ;"
            )
        elif domain in PUBLIC_MAIL_DOMAINS:
            errors.append(
                f"email_domains '{domain}' is a public e-mail provider, so it can't tell which client "
                f"a message is from; leave it out and list those people under contacts instead"
            )
        elif domain not in row.domains:
            row.domains.append(domain)

    for role in ROLES:
        text = _cell_text(cell(role))
        if not text:
            continue
        owner, problem = _parse_owner(role, text)
        if problem:
            errors.append(problem)
        elif owner:
            row.owners[role] = owner

    raw_date = cell("renewal_date")
    date_text = _cell_text(raw_date)
    if date_text:
        parsed = parse_date(raw_date)
        if parsed is None:
            errors.append(f"renewal_date '{date_text}' is not a date; {_DATE_HINT}")
        else:
            row.renewal_date = parsed

    for text in _cell_list(cell("contacts")):
        contact, problem = _parse_contact(text)
        if problem:
            errors.append(problem)
        elif contact:
            row.contacts.append(contact)

    return (None if errors else row), errors


# --------------------------------------------------------------------------------------------
# The team's data, fetched once


class _TeamIndex:
    """The team's clients and staff, with the lookups one import needs, kept up to date as rows land."""

    def __init__(self, session: Session, team_id: str) -> None:
        self.by_key: dict[str, Client] = {}
        self.by_alias: dict[str, list[Client]] = {}
        self.by_domain: dict[str, Client] = {}
        self.staff_by_uid: dict[str, Staff] = {}
        self.staff_by_email: dict[str, Staff] = {}
        clients = session.scalars(
            select(Client)
            .where(Client.team_id == team_id)
            .options(
                selectinload(Client.aliases), selectinload(Client.domains), selectinload(Client.contacts)
            )
        ).all()
        for client in clients:
            self.add_client(client)
        for staff in session.scalars(select(Staff).where(Staff.team_id == team_id)):
            self.add_staff(staff)

    def add_client(self, client: Client) -> None:
        self.by_key.setdefault(client.name_key, client)
        for alias in client.aliases:
            self.add_alias(client, alias.key)
        for domain in client.domains:
            self.by_domain.setdefault(domain.domain, client)

    def add_alias(self, client: Client, key: str) -> None:
        owners = self.by_alias.setdefault(key, [])
        if client not in owners:
            owners.append(client)

    def add_staff(self, staff: Staff) -> None:
        if staff.slack_user_id:
            self.staff_by_uid.setdefault(staff.slack_user_id, staff)
        if staff.email:
            self.staff_by_email.setdefault(staff.email.lower(), staff)

    def names_used_by_others(self, key: str, client: Client | None) -> list[Client]:
        """Clients other than ``client`` whose name or alias is ``key``."""
        found = [c for c in [self.by_key.get(key), *self.by_alias.get(key, [])] if c is not None]
        unique: list[Client] = []
        for other in found:
            if other is not client and other not in unique:
                unique.append(other)
        return unique


# --------------------------------------------------------------------------------------------
# Writing one row


class _RowRejected(Exception):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass
class _StaffPlan:
    """Who an owner cell points at: an existing staff row, or one to create."""

    staff: Staff | None
    slack_user_id: str | None
    email: str | None
    text: str

    def same_person(self, other: _StaffPlan) -> bool:
        if self.staff is not None and self.staff is other.staff:
            return True
        if self.slack_user_id and self.slack_user_id == other.slack_user_id:
            return True
        return bool(self.email and self.email == other.email)


@dataclass
class _Applied:
    client: Client
    created: bool
    changed: bool
    warnings: list[str]
    unlinked: list[tuple[str, str]]  # (e-mail, warning) for owners not linked to Slack yet


class _Importer:
    def __init__(
        self, session: Session, team_id: str, report: ImportReport, lookup_email: LookupEmail | None
    ) -> None:
        self.session = session
        self.team_id = team_id
        self.report = report
        self.lookup_email = lookup_email
        self.index = _TeamIndex(session, team_id)
        self.looked_up: dict[str, str | None] = {}
        self.lookup_failed: dict[str, str] = {}
        self.unlinked_warned: set[str] = set()
        self.first_row: dict[Client, int] = {}  # first row that touched each client
        self.outcome: dict[Client, str] = {}  # created | updated | unchanged

    # ----- owners

    def _lookup(self, email: str) -> str | None:
        if self.lookup_email is None:
            return None
        if email not in self.looked_up:
            try:
                found = self.lookup_email(email)
            except Exception as exc:  # a Slack hiccup must not stop the import
                self.lookup_failed[email] = str(exc) or type(exc).__name__
                found = None
            self.looked_up[email] = found if found and _SLACK_USER_ID.fullmatch(found) else None
        return self.looked_up[email]

    def _plan_owner(self, owner: _Owner) -> _StaffPlan:
        index = self.index
        if owner.slack_user_id:
            staff = index.staff_by_uid.get(owner.slack_user_id)
            return _StaffPlan(staff, owner.slack_user_id, staff.email if staff else None, owner.text)
        email = owner.email or ""
        staff = index.staff_by_email.get(email)
        if staff is not None and staff.slack_user_id:
            return _StaffPlan(staff, staff.slack_user_id, email, owner.text)
        uid = self._lookup(email)
        if uid and uid in index.staff_by_uid:
            return _StaffPlan(index.staff_by_uid[uid], uid, email, owner.text)
        return _StaffPlan(staff, uid, email, owner.text)

    @staticmethod
    def _current_owner(client: Client | None, role: str) -> _StaffPlan | None:
        staff = owners.get(client, role) if client is not None else None
        if staff is None:
            return None
        return _StaffPlan(staff, staff.slack_user_id, staff.email, staff.slack_user_id or staff.email or "")

    def _realise(self, plan: _StaffPlan, unlinked: list[tuple[str, str]]) -> Staff:
        staff = plan.staff
        if staff is None:
            staff = Staff(team_id=self.team_id, slack_user_id=plan.slack_user_id, email=plan.email)
            self.session.add(staff)
        else:
            if plan.slack_user_id and not staff.slack_user_id:
                staff.slack_user_id = plan.slack_user_id
            if plan.email and not staff.email:
                staff.email = plan.email
        self.index.add_staff(staff)
        if not staff.slack_user_id and staff.email:
            email = staff.email.lower()
            if email in self.lookup_failed:
                message = (
                    f"could not look up {email} in Slack ({self.lookup_failed[email]}); kept by e-mail "
                    f"for now, they will be linked when they first use Rapport"
                )
            elif self.lookup_email is not None:
                message = (
                    f"no Slack member has the e-mail {email}; kept by e-mail for now, they will be "
                    f"linked when they first use Rapport (or write their member id, e.g. U012ABCDEF)"
                )
            else:
                message = (
                    f"{email} is kept by e-mail for now; they will be linked to their Slack account "
                    f"when they first use Rapport"
                )
            unlinked.append((email, message))
        return staff

    # ----- one row

    def _find_client(self, row: _Row) -> Client | None:
        client = self.index.by_key.get(row.key)
        if client is not None:
            return client
        matches = self.index.by_alias.get(row.key, [])
        if len(matches) > 1:
            names = ", ".join(f"'{c.name}'" for c in matches)
            raise _RowRejected(
                [f"'{row.name}' is an alias of more than one client ({names}); use the full client name"]
            )
        return matches[0] if matches else None

    def apply(self, row: _Row) -> _Applied:
        """Put the row into the session (not flushed). Raises _RowRejected before changing anything."""
        client = self._find_client(row)
        errors: list[str] = []

        for domain in row.domains:
            owner = self.index.by_domain.get(domain)
            if owner is not None and owner is not client:
                errors.append(
                    f"email_domains '{domain}' already belongs to client '{owner.name}'; a domain can "
                    f"belong to one client only, so remove it from one of the two"
                )

        plans: dict[str, _StaffPlan] = {role: self._plan_owner(o) for role, o in row.owners.items()}
        for first, second, why in MUST_DIFFER:
            if first not in plans and second not in plans:
                continue
            a = plans.get(first) or self._current_owner(client, first)
            b = plans.get(second) or self._current_owner(client, second)
            if a is not None and b is not None and a.same_person(b):
                who = a.text if first in plans else b.text
                errors.append(f"{first} and {second} are the same person ({who}); {why}")
        if errors:
            raise _RowRejected(errors)

        created = client is None
        if client is None:
            client = Client(team_id=self.team_id, name=row.name, name_key=row.key)
            self.session.add(client)
        applied = _Applied(client, created, changed=False, warnings=list(row.warnings), unlinked=[])
        if not created and client.name_key == row.key and client.name != row.name:
            client.name = row.name
            applied.changed = True

        if row.segment is not None and client.segment != row.segment:
            client.segment = row.segment
            applied.changed = True
        if row.renewal_date is not None and client.renewal_date != row.renewal_date:
            client.renewal_date = row.renewal_date
            applied.changed = True

        for role, plan in plans.items():
            if owners.put(client, role, self._realise(plan, applied.unlinked)):
                applied.changed = True

        known_keys = {alias.key for alias in client.aliases} | {client.name_key}
        for alias, key in row.aliases:
            if key in known_keys:
                continue
            others = self.index.names_used_by_others(key, client)
            if others:
                applied.warnings.append(
                    f"alias '{alias}' was left out: it already names client '{others[0].name}', and one "
                    f"name must point at one client"
                )
                continue
            client.aliases.append(ClientAlias(team_id=self.team_id, alias=alias, key=key))
            known_keys.add(key)
            applied.changed = True

        known_domains = {d.domain for d in client.domains}
        for domain in row.domains:
            if domain not in known_domains:
                client.domains.append(ClientDomain(team_id=self.team_id, domain=domain))
                known_domains.add(domain)
                applied.changed = True

        for contact in row.contacts:
            applied.changed = self._merge_contact(client, contact) or applied.changed

        self.index.add_client(client)
        return applied

    def _merge_contact(self, client: Client, incoming: _ContactIn) -> bool:
        if incoming.email:
            for contact in client.contacts:
                if contact.email and contact.email.lower() == incoming.email:
                    if incoming.name and contact.name != incoming.name:
                        contact.name = incoming.name
                        return True
                    return False
        if incoming.name:
            key = normalize(incoming.name)
            for contact in client.contacts:
                if normalize(contact.name) != key:
                    continue
                if incoming.email is None:
                    return False
                if contact.email is None:
                    contact.email = incoming.email
                    return True
        name = incoming.name or (incoming.email or "")[:NAME_MAX]  # a bare e-mail is its own name
        client.contacts.append(Contact(team_id=self.team_id, name=name, email=incoming.email))
        return True

    # ----- batches

    def run(self, rows: list[_Row]) -> None:
        """Write rows in batches, each in a SAVEPOINT; a batch the database refuses is redone row by row.

        So every row ends up in a SAVEPOINT of its own whenever it matters, while a clean file is
        flushed a batch at a time (one flush per row is what makes large imports slow).
        """
        for start in range(0, len(rows), BATCH_SIZE):
            batch = rows[start : start + BATCH_SIZE]
            if len(batch) > 1 and self._write(batch):
                continue
            for row in batch:
                self._write([row])

    def _write(self, batch: list[_Row]) -> bool:
        saved = (dict(self.first_row), dict(self.outcome), set(self.unlinked_warned))
        error_count, warning_count = len(self.report.errors), len(self.report.warnings)
        try:
            with self.session.begin_nested():
                for row in batch:
                    try:
                        applied = self.apply(row)
                    except _RowRejected as rejected:
                        self.report.errors.extend(RowIssue(row.number, m) for m in rejected.messages)
                        continue
                    self._record(row, applied)
                self.session.flush()
        except SQLAlchemyError as exc:
            # The SAVEPOINT is rolled back: forget what this batch did and start from the database.
            self.first_row, self.outcome, self.unlinked_warned = saved
            del self.report.errors[error_count:]
            del self.report.warnings[warning_count:]
            self.index = _TeamIndex(self.session, self.team_id)
            if len(batch) > 1:
                return False
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            message = f"the database refused this row ({reason}); nothing of it was saved"
            self.report.errors.append(RowIssue(batch[0].number, message))
        return True

    def _record(self, row: _Row, applied: _Applied) -> None:
        client = applied.client
        for message in applied.warnings:
            self.report.warnings.append(RowIssue(row.number, message))
        for email, message in applied.unlinked:
            if email not in self.unlinked_warned:
                self.unlinked_warned.add(email)
                self.report.warnings.append(RowIssue(row.number, message))

        first = self.first_row.setdefault(client, row.number)
        if first != row.number:
            self.report.warnings.append(
                RowIssue(
                    row.number,
                    f"'{row.name}' is the same client as on row {first}; the two rows were merged "
                    f"(later cells win, lists are combined)",
                )
            )
        previous = self.outcome.get(client)
        if applied.created or previous == "created":
            self.outcome[client] = "created"
        elif applied.changed or previous == "updated":
            self.outcome[client] = "updated"
        else:
            self.outcome[client] = "unchanged"


def _ensure_outer_transaction(session: Session) -> None:
    """Make SAVEPOINTs nest inside a real transaction on SQLite.

    The sqlite3 driver only opens a transaction right before it writes, so the first SAVEPOINT
    would be the outermost one and releasing it would commit. Starting the transaction here
    keeps the whole import in the caller's unit of work. Other databases need nothing.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    driver_connection = connection.connection.dbapi_connection
    if driver_connection is not None and not getattr(driver_connection, "in_transaction", True):
        connection.exec_driver_sql("BEGIN")


# --------------------------------------------------------------------------------------------
# Entry point


def import_file(
    session: Session, team_id: str, path: str | Path, *, lookup_email: LookupEmail | None = None
) -> ImportReport:
    """Import clients from ``path`` (.xlsx or .csv) into workspace ``team_id``.

    ``lookup_email`` maps an e-mail address to a Slack user id (or None); without it, owners
    given by e-mail are kept by e-mail until they first use Rapport. Never commits; never
    raises for problems in the file: they end up in the report (``fatal`` for the whole file,
    ``errors`` for skipped rows, ``warnings`` for things that landed but deserve a look).
    """
    path = Path(path)
    report = ImportReport(file=path.name, team_id=team_id)
    try:
        table = _read_table(path)
        columns = _map_columns(table, report)
    except ImportFileError as exc:
        report.fatal = str(exc)
        return report

    rows: list[_Row] = []
    for number, values in table.rows:
        row, problems = _parse_row(number, values, columns)
        if row is None:
            report.errors.extend(RowIssue(number, problem) for problem in problems)
        else:
            rows.append(row)
    if not table.rows:
        report.warnings.append(
            RowIssue(table.header_row, "there are no client rows below the header row; nothing was imported")
        )

    _ensure_outer_transaction(session)
    if rows:
        queries.ensure_workspace(session, team_id)
    importer = _Importer(session, team_id, report, lookup_email)
    importer.run(rows)

    for outcome in importer.outcome.values():
        if outcome == "created":
            report.created += 1
        elif outcome == "updated":
            report.updated += 1
        else:
            report.unchanged += 1
    report.errors.sort(key=lambda issue: issue.row)
    report.warnings.sort(key=lambda issue: issue.row)
    return report
