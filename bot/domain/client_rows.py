"""A client list as rows of cells: which column is which, and what each row says about its client.

Pure rules with no database: a row is checked on its own, every problem is reported in words an
admin can act on, and a row with any error is left out whole. Whether a row names a client that
already exists, and who its owners are in Slack, is decided where the rows are saved.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.domain.ownership import ROLES
from bot.domain.text import normalize

SHEET_NAMES = ("Clients", "Klanten")  # in a workbook, the sheet read (else the first one)
LIST_SEPARATORS = re.compile(r"[;|\n\r]+")
DOMAIN_SEPARATORS = re.compile(r"[;|,\n\r]+")

NAME_MAX = 200
SEGMENT_MAX = 50
EMAIL_MAX = 320
DOMAIN_MAX = 253

# Canonical column -> the header spellings accepted for it, English and Dutch. A header matches a
# spelling when both are the same after _header_key(): case, accents, spaces, dashes and underscores
# don't count, so "Verleng datum", "VERLENGDATUM" and "verlengdatum" are one spelling.
COLUMNS: dict[str, tuple[str, ...]] = {
    "client": (
        "client",
        "name",
        "client_name",
        "clients",
        "customer",
        "company",
        "klant",
        "klantnaam",
        "klanten",
        "naam",
        "bedrijf",
        "bedrijfsnaam",
    ),
    "aliases": ("aliases", "alias", "also_known_as", "aka", "aliassen", "ook_bekend_als"),
    "segment": ("segment", "type", "kind", "soort"),
    "email_domains": (
        "email_domains",
        "email_domain",
        "domains",
        "domain",
        "domein",
        "domeinen",
        "e_maildomein",
        "e_maildomeinen",
    ),
    "lead": ("lead", "account_lead", "owner", "account_manager", "eigenaar", "accountmanager"),
    "partner": ("partner", "tandem", "co_lead"),
    "backup": ("backup", "deputy", "vervanger"),
    "renewal_date": (
        "renewal_date",
        "renewal",
        "renews",
        "renewal_on",
        "verlengdatum",
        "verlenging",
        "verlengingsdatum",
    ),
    "contacts": ("contacts", "contact", "contact_person", "contactpersoon", "contactpersonen"),
    # The e-mail addresses of the people in `contacts`, in the same order (a sheet with a
    # Contactpersoon column and an E-mail column beside it).
    "contact_email": ("contact_email", "email", "e_mail", "e_mailadres", "email_address", "mail"),
}
# The names the fatal message gives for the one column a file must have.
_CLIENT_COLUMN = "'client' column (or 'name', in Dutch 'klant')"


def _header_key(header: str) -> str:
    """What is left of a header to compare: letters and digits, no accents, no case, nothing in brackets."""
    text = re.sub(r"\(.*?\)", " ", header)  # "Renewal date (YYYY-MM-DD)"
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "", text)


_HEADER_TO_COLUMN = {_header_key(alias): column for column, aliases in COLUMNS.items() for alias in aliases}

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
_SLACK_TEAM_ID = re.compile(r"T[A-Z0-9]{6,14}")
_SLACK_MENTION = re.compile(r"<@([UW][A-Z0-9]{6,})(?:\|[^>]*)?>")
_EMAIL = re.compile(r"[^@\s<>\"',;]+@([^@\s<>\"',;]+)")
_DOMAIN = re.compile(
    r"(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})"
)
_CONTACT_WITH_EMAIL = re.compile(r"(.*?)\s*<([^<>]*)>\s*")
_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DAY_FIRST_DATE = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?")
_TWO_DIGIT_YEAR = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{2})(?: \d{1,2}:\d{2}(?::\d{2})?)?")
_DATE_FORMS = (
    "write it as 2026-03-31 (year first) or day first as 31-3-2026, 31-03-2026 or 31/03/2026 "
    "(dates are read day first; two-digit years are refused), or make the cell an Excel date"
)
# Excel's day 0 for serial day numbers after its (fictional) 29 February 1900, so for every serial read.
_EXCEL_EPOCH = datetime(1899, 12, 30)
# Serials read as dates: 1954-10-03 to 2119-01-11. Other numbers in a date column are not dates.
_EXCEL_SERIALS = (20000, 80000)


@dataclass(frozen=True)
class Columns:
    """Where each known column is in a row, warnings about the header row, and why no row can be read.

    ``fatal`` is None when the rows can be read; the warnings are kept either way.
    """

    index: dict[str, int]
    warnings: list[str]
    fatal: str | None = None


def map_columns(headers: Sequence[str]) -> Columns:
    """The columns the header row names; a header row without a client column makes the file unusable.

    Header names ignore case, accents, spaces, dashes and anything in brackets, so
    ``Renewal date (YYYY-MM-DD)`` is ``renewal_date``, and so is the Dutch ``Verlengdatum``.
    """
    if not any(headers):
        empty = (
            "the file is empty; the first row must name the columns, e.g. client, segment, lead, renewal_date"
        )
        return Columns({}, [], empty)
    index: dict[str, int] = {}
    warnings: list[str] = []
    for position, header in enumerate(headers):
        if not header:
            continue
        column = _HEADER_TO_COLUMN.get(_header_key(header))
        if column is None:
            warnings.append(
                f"column '{header}' is not one Rapport knows, so it was ignored; "
                f"known columns: {', '.join(COLUMNS)}"
            )
        elif column in index:
            first = headers[index[column]]
            warnings.append(f"column '{header}' repeats '{first}' ({column}); only the first one was used")
        else:
            index[column] = position
    if "client" not in index:
        found = ", ".join(f"'{h}'" for h in headers if h) or "none"
        return Columns(
            index,
            warnings,
            f"the header row has no {_CLIENT_COLUMN}. Columns found: {found}. "
            f"Expected: client (required), {', '.join(c for c in COLUMNS if c != 'client')}",
        )
    return Columns(index, warnings)


@dataclass(frozen=True)
class Owner:
    """Who an owner cell names: a Slack member id or an e-mail address."""

    text: str  # as written, for messages
    slack_user_id: str | None
    email: str | None


@dataclass(frozen=True)
class ContactIn:
    """A person at the client as one entry of the contacts cell; a bare e-mail has no name yet."""

    name: str | None
    email: str | None


@dataclass
class ClientRow:
    """One row that passed every check: what it says about its client, normalised.

    Blank cells are None or empty lists, because a blank cell changes nothing. ``aliases`` are
    (alias as written, its key); ``owners`` is keyed by role; ``warnings`` did not stop the row.
    """

    number: int  # as the spreadsheet shows it
    name: str
    key: str
    aliases: list[tuple[str, str]] = field(default_factory=list)
    segment: str | None = None
    domains: list[str] = field(default_factory=list)
    owners: dict[str, Owner] = field(default_factory=dict)
    renewal_date: date | None = None
    contacts: list[ContactIn] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def is_slack_user_id(text: str) -> bool:
    """A Slack member id: ``U…``, or ``W…`` in Enterprise Grid."""
    return _SLACK_USER_ID.fullmatch(text) is not None


def is_slack_team_id(text: str) -> bool:
    """A Slack workspace (team) id: ``T`` and then capital letters and digits, e.g. ``T0123ABCD``."""
    return _SLACK_TEAM_ID.fullmatch(text) is not None


def cell_text(value: object) -> str:
    """A cell as one line of text: whole numbers without ``.0``, dates as YYYY-MM-DD, spaces collapsed."""
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


def cell_list(value: object) -> list[str]:
    """The entries of a list cell (aliases, contacts), split on ``;``, ``|`` and line breaks, not commas."""
    parts = LIST_SEPARATORS.split(value) if isinstance(value, str) else [cell_text(value)]
    return [" ".join(part.split()) for part in parts if part.strip()]


def parse_date(value: object) -> date | None:
    """A date from an Excel date cell, ``2026-03-31``, ``31-03-2026`` or ``31/03/2026`` (day first).

    Returns None when the value is not a date.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A date cell without date formatting arrives as Excel's serial day number. The fraction is the
        # time of day, rounded to the millisecond, so float noise just below midnight is the next day.
        if not _EXCEL_SERIALS[0] <= value <= _EXCEL_SERIALS[1]:
            return None
        days, fraction = divmod(value, 1)
        moment = _EXCEL_EPOCH + timedelta(days=days) + timedelta(milliseconds=round(fraction * 86400 * 1000))
        return moment.date()
    text = cell_text(value)
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


def date_problem(text: str) -> str:
    """Why a renewal date cell is not read as a date, with the forms that are."""
    short = _TWO_DIGIT_YEAR.fullmatch(text)
    if short:
        day, separator, month, year = short.groups()
        return (
            f"renewal_date '{text}' has a two-digit year, which could be 19{year} or 20{year}; "
            f"write the year in full, e.g. {day}{separator}{month}{separator}20{year}"
        )
    return f"renewal_date '{text}' is not a date; {_DATE_FORMS}"


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
    """A host name with a real top-level domain (letters, or an international name in punycode)."""
    return len(domain) <= DOMAIN_MAX and _DOMAIN.fullmatch(domain) is not None


def parse_email(text: str) -> str | None:
    """The address lowercased (``mailto:`` removed), or None when it is not an e-mail address."""
    email = text.strip().lower()
    if email.startswith("mailto:"):
        email = email[len("mailto:") :]
    match = _EMAIL.fullmatch(email)
    if not match or len(email) > EMAIL_MAX or not is_domain(match.group(1)):
        return None
    return email


def parse_owner(role: str, text: str) -> tuple[Owner | None, str | None]:
    """Who an owner cell names (a member id, ``<@U…>``, ``@U…`` or an e-mail address), or the error."""
    candidate = text.strip()
    mention = _SLACK_MENTION.fullmatch(candidate)
    if mention:
        candidate = mention.group(1)
    if candidate.startswith("@") and is_slack_user_id(candidate[1:]):
        candidate = candidate[1:]
    if is_slack_user_id(candidate):
        return Owner(text=candidate, slack_user_id=candidate, email=None), None
    email = parse_email(candidate)
    if email:
        return Owner(text=email, slack_user_id=None, email=email), None
    return None, (
        f"{role} '{text}' is neither a Slack user id nor an e-mail address; "
        f"use a member id such as U012ABCDEF (Slack profile > ⋮ > Copy member ID) "
        f"or their work e-mail, e.g. jan@youragency.com"
    )


def parse_contact(text: str) -> tuple[ContactIn | None, str | None]:
    """One contacts entry (``Name <email>``, a bare e-mail, or a name), or the error."""
    bracketed = _CONTACT_WITH_EMAIL.fullmatch(text)
    if bracketed:
        name = bracketed.group(1).strip().strip("\"'").strip() or None
        email = parse_email(bracketed.group(2))
        if email is None:
            return None, (
                f"contact '{text}' has '{bracketed.group(2)}' where an e-mail address should be; "
                f"write contacts as Name <name@client.com>"
            )
    elif "@" in text:
        name, email = None, parse_email(text)
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
    return ContactIn(name=name, email=email), None


def parse_row(
    number: int, values: Sequence[object], columns: Mapping[str, int]
) -> tuple[ClientRow | None, list[str]]:
    """The row, or None and every error in it (all of them, so one import shows all there is to fix)."""

    def cell(column: str) -> object:
        index = columns.get(column)
        if index is None or index >= len(values):
            return None
        return values[index]

    errors: list[str] = []
    name = cell_text(cell("client"))
    key = normalize(name)
    if not name:
        errors.append("the client name is empty; every row needs a name in the client column")
    elif len(name) > NAME_MAX:
        errors.append(f"the client name is {len(name)} characters long; keep it to {NAME_MAX} or fewer")
    elif not key:
        errors.append(f"the client name '{name}' has no letters or digits; use the client's real name")
    row = ClientRow(number=number, name=name, key=key)

    seen_alias_keys = {key}
    for alias in cell_list(cell("aliases")):
        alias_key = normalize(alias)
        if len(alias) > NAME_MAX:
            errors.append(f"alias '{alias[:40]}…' is longer than {NAME_MAX} characters; shorten it")
        elif not alias_key:
            row.warnings.append(f"alias '{alias}' has no letters or digits, so it was left out")
        elif alias_key not in seen_alias_keys:
            seen_alias_keys.add(alias_key)
            row.aliases.append((alias, alias_key))

    segment = cell_text(cell("segment"))
    if len(segment) > SEGMENT_MAX:
        errors.append(
            f"segment is {len(segment)} characters long; use a short label (at most {SEGMENT_MAX}) "
            f"such as retainer, project or internal"
        )
    row.segment = segment or None

    raw_domains = cell("email_domains")
    parts = DOMAIN_SEPARATORS.split(raw_domains) if isinstance(raw_domains, str) else [cell_text(raw_domains)]
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
        text = cell_text(cell(role))
        if not text:
            continue
        owner, problem = parse_owner(role, text)
        if problem:
            errors.append(problem)
        elif owner:
            row.owners[role] = owner

    raw_date = cell("renewal_date")
    date_text = cell_text(raw_date)
    if date_text:
        parsed = parse_date(raw_date)
        if parsed is None:
            errors.append(date_problem(date_text))
        else:
            row.renewal_date = parsed

    for text in cell_list(cell("contacts")):
        contact, problem = parse_contact(text)
        if problem:
            errors.append(problem)
        elif contact:
            row.contacts.append(contact)

    emails: list[str] = []
    for text in cell_list(cell("contact_email")):
        email = parse_email(text)
        if email is None:
            errors.append(
                f"contact_email '{text}' is not a valid e-mail address; write the contact's address, "
                f"e.g. jan@client.com, and separate several with ;"
            )
        elif email not in emails:
            emails.append(email)
    row.contacts = with_emails(row.contacts, emails)

    return (None if errors else row), errors


def with_emails(contacts: list[ContactIn], emails: Sequence[str]) -> list[ContactIn]:
    """The contacts given their addresses from a column of their own: in order, each address to the next
    contact without one; an address a contact has already is passed over, one left over is a contact."""
    known = {contact.email for contact in contacts if contact.email}
    waiting = [email for email in emails if email not in known]
    result: list[ContactIn] = []
    for contact in contacts:
        if contact.email is None and waiting:
            contact = ContactIn(name=contact.name, email=waiting.pop(0))
        result.append(contact)
    return result + [ContactIn(name=None, email=email) for email in waiting]
