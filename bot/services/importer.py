"""Import clients from a spreadsheet (.xlsx or .csv) into one Slack workspace.

``python -m bot import FILE --team TEAM_ID`` calls :func:`import_file` and prints
:func:`format_report`. The file format is described in ``docs/import.md``. The file is read by
``bot.spreadsheets`` and each row is checked on its own by ``bot.domain.client_rows``; here the rows
meet the workspace's clients and staff.

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

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from bot.domain.client_rows import (
    NAME_MAX,
    SHEET_NAMES,
    ClientRow,
    ContactIn,
    Owner,
    is_slack_user_id,
    map_columns,
    parse_row,
)
from bot.domain.ownership import MUST_DIFFER
from bot.domain.text import normalize
from bot.services import owners
from bot.spreadsheets import SpreadsheetError, Table, read_table
from storage import queries
from storage.models import Client, ClientAlias, ClientDomain, Contact, Staff

LookupEmail = Callable[[str], str | None]
# Whether a Slack member id is someone in the workspace (raises when Slack cannot say).
LookupMember = Callable[[str], bool]

BATCH_SIZE = 200  # rows written per flush; see _Importer.run

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


def _read(path: Path, report: ImportReport) -> tuple[Table, dict[str, int]]:
    """The file's rows and where each column is in them, or ImportFileError when it cannot be imported.

    Warnings about the header row go into the report either way.
    """
    try:
        table = read_table(path, sheets=SHEET_NAMES)
    except SpreadsheetError as exc:
        raise ImportFileError(str(exc)) from exc
    columns = map_columns(table.headers)
    report.warnings.extend(RowIssue(table.header_row, message) for message in columns.warnings)
    if columns.fatal is not None:
        raise ImportFileError(columns.fatal)
    return table, columns.index


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
        named = self.by_alias.setdefault(key, [])
        if client not in named:
            named.append(client)

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
        self,
        session: Session,
        team_id: str,
        report: ImportReport,
        lookup_email: LookupEmail | None,
        lookup_member: LookupMember | None = None,
    ) -> None:
        self.session = session
        self.team_id = team_id
        self.report = report
        self.lookup_email = lookup_email
        self.lookup_member = lookup_member
        self.members: dict[str, bool | str] = {}  # member id -> in the workspace, or why Slack could not say
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
            self.looked_up[email] = found if found and is_slack_user_id(found) else None
        return self.looked_up[email]

    def _member(self, user_id: str) -> bool | str:
        """Whether Slack knows this member id in the workspace (True without a way to ask), or why it
        could not say."""
        if self.lookup_member is None:
            return True
        if user_id not in self.members:
            try:
                self.members[user_id] = bool(self.lookup_member(user_id))
            except Exception as exc:  # a Slack hiccup must not stop the import
                self.members[user_id] = str(exc) or type(exc).__name__
        return self.members[user_id]

    def _plan_owner(self, owner: Owner) -> _StaffPlan:
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

    def _find_client(self, row: ClientRow) -> Client | None:
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

    def apply(self, row: ClientRow) -> _Applied:
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

        unchecked: list[str] = []
        for role, person in row.owners.items():
            if not person.slack_user_id:
                continue
            member = self._member(person.slack_user_id)
            if member is False:
                errors.append(
                    f"{role} '{person.text}' is not a member of this Slack workspace; write their member id "
                    f"(their Slack profile > ⋮ > Copy member ID) or their work e-mail"
                )
            elif isinstance(member, str):
                unchecked.append(f"could not check {person.text} in Slack ({member}); imported as written")

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
        applied = _Applied(client, created, changed=False, warnings=[*row.warnings, *unchecked], unlinked=[])
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

    def _merge_contact(self, client: Client, incoming: ContactIn) -> bool:
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

    def run(self, rows: list[ClientRow]) -> None:
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

    def _write(self, batch: list[ClientRow]) -> bool:
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

    def _record(self, row: ClientRow, applied: _Applied) -> None:
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
    session: Session,
    team_id: str,
    path: str | Path,
    *,
    lookup_email: LookupEmail | None = None,
    lookup_member: LookupMember | None = None,
) -> ImportReport:
    """Import clients from ``path`` (.xlsx or .csv) into workspace ``team_id``.

    ``lookup_email`` maps an e-mail address to a Slack user id (or None); without it, owners
    given by e-mail are kept by e-mail until they first use Rapport. ``lookup_member`` says whether
    a member id is someone in the workspace: a row naming an owner Slack does not know is skipped
    (without it, member ids are taken as written). Never commits; never
    raises for problems in the file: they end up in the report (``fatal`` for the whole file,
    ``errors`` for skipped rows, ``warnings`` for things that landed but deserve a look).
    """
    path = Path(path)
    report = ImportReport(file=path.name, team_id=team_id)
    try:
        table, columns = _read(path, report)
    except ImportFileError as exc:
        report.fatal = str(exc)
        return report

    rows: list[ClientRow] = []
    for number, values in table.rows:
        row, problems = parse_row(number, values, columns)
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
    importer = _Importer(session, team_id, report, lookup_email, lookup_member)
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
