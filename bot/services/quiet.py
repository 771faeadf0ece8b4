"""Quiet contacts: outreaches to a client that await an answer, noticed when the silence lasts.

An outbound touchpoint, or `/rapport waiting`, opens a wait on the client (and the contact, when one
is named) and moves the contact's last outbound moment; anything inbound from that client moves its
last inbound moment and closes the waits it answers. A wait still open after the client's quiet
days (its own, else its segment's, else 5 working days, counted in the lead's working hours) tells
the lead, with next steps; 2 working days later the partner or backup is told once. The schedule is
data on the row (`next_check_at`, `stage`), claimed with a conditional UPDATE like a follow-up's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from bot.domain import when
from bot.domain.hours import WorkingHours
from bot.domain.matching import MatchKind
from bot.domain.outreach import BOTH, INBOUND, OUTBOUND, contact_words
from bot.domain.ownership import ROLES
from bot.domain.problem import Problem
from bot.domain.text import split_client_and_rest
from bot.services import access, clients, outbox, owners
from bot.services.staff import StaffRef, working_hours
from storage.models import Client, Contact, Segment, Staff, Touchpoint, TouchpointContact, Wait

OPEN = "open"
ABOUT_MAX = 500
DAYS_MAX = 60
ESCALATE_AFTER_DAYS = 2  # working days after the lead was told
# Outbox kinds: the lead told, then the partner or backup.
QUIET, QUIET_ESCALATION = "quiet_contact", "quiet_escalation"
SNOOZES = ("tomorrow", "next_week")
_ABOUT_WORDS = {"about", "re", "regarding", "over", "om"}


# --- settings ------------------------------------------------------------------------------------


def quiet_days(session: Session, client: Client) -> int:
    """Working days an outreach to this client may go unanswered: its own, its segment's, or 5."""
    if client.quiet_after_days or not client.segment:
        return days_for(client.quiet_after_days, None, {})
    return days_for(None, client.segment, segment_days(session, client.team_id, client.segment))


def days_for(own: int | None, segment: str | None, by_segment: Mapping[str, int]) -> int:
    """The client's quiet days from its own setting, its segment's (`by_segment`, by the segment's
    name case-folded, as `segment_days` reads them) or the default 5."""
    return own or by_segment.get((segment or "").casefold()) or when.QUIET_WORKING_DAYS


def segment_days(session: Session, team_id: str, segment: str | None = None) -> dict[str, int]:
    """The quiet days set per segment (of `segment` only, if given), by name case-folded."""
    query = select(Segment.name_key, Segment.quiet_after_days).where(
        Segment.team_id == team_id, Segment.quiet_after_days.is_not(None)
    )
    if segment is not None:
        query = query.where(Segment.name_key == segment.casefold())
    return {key: days for key, days in session.execute(query) if days}


class _Reachable(Protocol):
    @property
    def slack_user_id(self) -> str | None: ...


Someone = TypeVar("Someone", bound=_Reachable)


def told_first(lead: Someone | None, reached_out: Callable[[], Someone | None]) -> Someone | None:
    """Who hears first that a client went quiet, and in whose working days the silence is counted:
    its lead, else whoever reached out (looked up only then)."""
    return lead if lead is not None and lead.slack_user_id else reached_out()


def set_client_days(session: Session, team_id: str, client_id: int, days: int | None, now: datetime) -> int:
    """Set (None: clear) a client's quiet days; its open waits are planned again. How many moved."""
    client = access.in_team(session, Client, client_id, team_id)
    if client is None:
        raise ValueError("unknown client")
    client.quiet_after_days = days
    return _replan(session, team_id, [client.id], now)


def set_segment_days(session: Session, team_id: str, segment: str, days: int | None, now: datetime) -> int:
    row = segment_row(session, team_id, segment)
    row.quiet_after_days = days
    session.flush()
    ids = session.scalars(
        select(Client.id).where(Client.team_id == team_id, func.lower(Client.segment) == row.name_key)
    ).all()
    return _replan(session, team_id, list(ids), now)


def segment_row(session: Session, team_id: str, segment: str) -> Segment:
    """The settings row of a segment (its quiet days, its contact window), made the first time one is
    set; segments are named case-insensitively."""
    key = segment.strip().casefold()[:50]
    row = session.scalar(select(Segment).where(Segment.team_id == team_id, Segment.name_key == key))
    if row is None:
        row = Segment(team_id=team_id, name_key=key)
        session.add(row)
    return row


def segments(session: Session, team_id: str) -> list[str]:
    """The workspace's segment names, as its clients spell them."""
    names = session.scalars(
        select(Client.segment).where(Client.team_id == team_id, Client.segment.is_not(None)).distinct()
    )
    return sorted({n for n in names if n}, key=str.casefold)


def _replan(session: Session, team_id: str, client_ids: list[int], now: datetime) -> int:
    moved = 0
    for wait in session.scalars(
        select(Wait).where(
            Wait.team_id == team_id,
            Wait.client_id.in_(client_ids),
            Wait.status == OPEN,
            Wait.stage == "quiet",
        )
    ):
        wait.next_check_at = max(_quiet_at(session, wait), now)
        moved += 1
    return moved


def replan_for(session: Session, person: StaffRef, now: datetime) -> int:
    """This person's zone, working days or hours changed: every open wait they would be told of first
    is counted again in their working time (the quiet moment is N of *their* working days after the
    outreach). How many moved."""
    moved = 0
    waits = session.scalars(
        select(Wait)
        .join(Client, Client.id == Wait.client_id)
        .where(
            Wait.team_id == person.team_id,
            Wait.status == OPEN,
            Wait.stage == "quiet",
            or_(Client.lead_id == person.id, Wait.staff_id == person.id),
        )
    )
    for wait in waits:
        first = _told_first(session, wait)
        if first is None or first.id != person.id:
            continue
        planned = max(_quiet_at(session, wait), now)
        if planned != wait.next_check_at:
            wait.next_check_at = planned
            moved += 1
    session.flush()
    return moved


# --- contacts ------------------------------------------------------------------------------------


def find_contact(session: Session, client: Client, said: str, *, create: bool = True) -> Contact | None:
    """The client's contact `said` names (an e-mail, a full name, or a first name that fits one
    contact); with `create`, a new contact of that name when none fits."""
    said = said.strip()[:200]
    if not said:
        return None
    key = said.casefold()
    contacts = list(client.contacts)
    for contact in contacts:
        if (contact.email or "").casefold() == key or contact.name.casefold() == key:
            return contact
    first = [c for c in contacts if c.name.casefold().split()[:1] == key.split()[:1]]
    if len(key.split()) == 1 and len(first) == 1:
        return first[0]
    if not create:
        return None
    contact = Contact(team_id=client.team_id, name=said, email=said.lower() if "@" in said else None)
    client.contacts.append(contact)
    session.flush()
    return contact


def contacts_named(session: Session, team_id: str, said: str) -> list[Contact]:
    """Contacts anywhere in the workspace that `said` names (e-mail, full or first name)."""
    key = said.strip().casefold()
    if not key:
        return []
    rows = session.scalars(
        select(Contact)
        .join(Client, Client.id == Contact.client_id)
        .where(
            Contact.team_id == team_id,
            Client.status == "active",
            or_(
                func.lower(Contact.email) == key,
                func.lower(Contact.name) == key,
                func.lower(Contact.name).like(f"{_like(key)} %", escape="\\"),
            ),
        )
        .limit(10)
    ).all()
    exact = [c for c in rows if c.name.casefold() == key or (c.email or "").casefold() == key]
    return exact or list(rows)


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --- touchpoints move the clock ------------------------------------------------------------------


def note_touchpoint(
    session: Session, touchpoint: Touchpoint, contact: Contact | None, staff: StaffRef, now: datetime
) -> str | None:
    """A touchpoint with this client (and contact): inbound closes the waits it answers, outbound
    opens or extends one. What it did: "waiting", "answered" or None."""
    at = min(touchpoint.happened_at, now)
    if contact is not None:
        session.add(
            TouchpointContact(team_id=touchpoint.team_id, touchpoint_id=touchpoint.id, contact_id=contact.id)
        )
        if touchpoint.direction in (INBOUND, BOTH):
            contact.last_inbound_at = max(filter(None, (contact.last_inbound_at, at)))
        if touchpoint.direction in (OUTBOUND, BOTH):
            contact.last_outbound_at = max(filter(None, (contact.last_outbound_at, at)))
    if touchpoint.direction in (INBOUND, BOTH):
        closed = close_answered(session, touchpoint.team_id, touchpoint.client_id, contact, at, now)
        return "answered" if closed else None
    if touchpoint.direction == OUTBOUND:
        start(
            session,
            staff,
            client_id=touchpoint.client_id,
            contact=contact,
            about=touchpoint.title,
            channel=touchpoint.kind,
            at=at,
            now=now,
        )
        return "waiting"
    return None


def close_answered(
    session: Session, team_id: str, client_id: int, contact: Contact | None, at: datetime, now: datetime
) -> int:
    """Close the client's waits this answer settles: the named contact's and those naming nobody;
    every one of them when the answer names nobody. Only waits started before the answer."""
    query = update(Wait).where(
        Wait.team_id == team_id, Wait.client_id == client_id, Wait.status == OPEN, Wait.since <= at
    )
    if contact is not None:
        query = query.where(or_(Wait.contact_id == contact.id, Wait.contact_id.is_(None)))
    return int(
        session.execute(
            query.values(status="replied", closed_at=now).execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
    )


def start(
    session: Session,
    staff: StaffRef,
    *,
    client_id: int,
    contact: Contact | None,
    about: str | None,
    channel: str | None,
    at: datetime,
    now: datetime,
) -> Wait:
    """An outreach awaiting an answer: a new wait, or the open one on the same contact extended (its
    silence still counts from the first outreach unanswered)."""
    if contact is not None:
        contact.last_outbound_at = max(filter(None, (contact.last_outbound_at, at)))
    open_one = session.scalar(
        select(Wait).where(
            Wait.team_id == staff.team_id,
            Wait.client_id == client_id,
            Wait.status == OPEN,
            Wait.contact_id.is_(None) if contact is None else Wait.contact_id == contact.id,
        )
    )
    if open_one is not None:
        open_one.last_outreach_at = max(open_one.last_outreach_at, at)
        if about:
            open_one.about = about[:ABOUT_MAX]
        open_one.channel = channel or open_one.channel
        return open_one
    wait = Wait(
        team_id=staff.team_id,
        client_id=client_id,
        contact_id=contact.id if contact else None,
        staff_id=staff.id,
        about=(about or "")[:ABOUT_MAX] or None,
        channel=channel,
        since=at,
        last_outreach_at=at,
        status=OPEN,
        stage="quiet",
        created_at=now,
    )
    session.add(wait)
    session.flush()
    wait.next_check_at = max(_quiet_at(session, wait), now)
    return wait


def _told_first(session: Session, wait: Wait) -> Staff | None:
    """Who hears first that the client went quiet: its lead, else whoever reached out."""
    lead = owners.get(wait.client, "lead")
    return told_first(lead, lambda: session.get(Staff, wait.staff_id) if wait.staff_id else None)


def _quiet_at(session: Session, wait: Wait) -> datetime:
    person = _told_first(session, wait)
    tz, wh = (person.tz, working_hours(person)) if person else (None, WorkingHours())
    return when.quiet_after(wait.since, quiet_days(session, wait.client), tz, wh)


# --- `/rapport waiting` ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    client_id: int | None = None
    client_name: str | None = None
    contact: str | None = None  # as typed: a name or an e-mail
    about: str = ""


def interpret(session: Session, staff: StaffRef, text: str) -> tuple[Draft, Problem | None]:
    """`acme jan about the proposal`, `jan@acme.com the proposal`, `jan about the proposal` (a
    contact known at one client), `acme` (the client, nobody in particular)."""
    words = text.split()
    if not words:
        return Draft(), None
    resolve = clients.Resolver(session, staff.team_id)
    query, rest = split_client_and_rest(words, resolve.names_one)
    if query:
        match = resolve(query)
        client = access.in_team(session, Client, match.client_id, staff.team_id)
        if client is None:  # pragma: no cover - the resolver found it a moment ago
            return Draft(), Problem("quiet.problem.unknown", {"query": query})
        contact, about = _contact_and_about(session, client, rest.split())
        return Draft(client.id, client.name, contact, about[:ABOUT_MAX]), None
    known: list[Contact] = []
    size = 0
    for size in (3, 2, 1):  # "jan de vries", then "jan"
        if len(words) >= size:
            known = contacts_named(session, staff.team_id, " ".join(words[:size]))
            if known:
                break
    if known and len({c.client_id for c in known}) == 1:
        person = known[0]
        about = _about(words[size:])
        return Draft(person.client.id, person.client.name, person.name, about[:ABOUT_MAX]), None
    if known:
        names = [f"{c.name} ({c.client.name})" for c in known]
        return Draft(about=" ".join(words[1:])[:ABOUT_MAX]), Problem(
            "quiet.problem.ambiguous", {"query": words[0], "names": names}
        )
    match = resolve(words[0])
    if match.kind == MatchKind.AMBIGUOUS:
        return Draft(about=" ".join(words[1:])[:ABOUT_MAX]), Problem(
            "quiet.problem.ambiguous", {"query": words[0], "names": match.names()}
        )
    return Draft(about=" ".join(words[1:])[:ABOUT_MAX]), Problem("quiet.problem.unknown", {"query": words[0]})


def _about(words: list[str]) -> str:
    if words and words[0].lower() in _ABOUT_WORDS:
        words = words[1:]
    return " ".join(words)


def _contact_and_about(session: Session, client: Client, words: list[str]) -> tuple[str | None, str]:
    """After the client: a contact (known, an e-mail, or any name followed by "about"), then what
    the outreach was about."""
    if not words:
        return None, ""
    lowered = [w.lower() for w in words]
    cut = next((i for i, w in enumerate(lowered) if w in _ABOUT_WORDS), None)
    if cut:
        name = contact_words(words[:cut])
        if name is not None and len(name.split()) == cut:
            return name, _about(words[cut:])
    for size in (3, 2, 1):
        if len(words) >= size:
            said = " ".join(words[:size])
            found = find_contact(session, client, said, create=False)
            if found is not None or (size == 1 and "@" in said):
                return (found.name if found else said.lower()), _about(words[size:])
    return None, _about(words)


def wait_from(session: Session, staff: StaffRef, draft: Draft, now: datetime) -> Wait:
    """`/rapport waiting`: I reached out and I'm waiting, from now."""
    client = access.in_team(session, Client, draft.client_id, staff.team_id)
    if client is None:
        raise ValueError("unknown client")
    contact = find_contact(session, client, draft.contact) if draft.contact else None
    return start(
        session, staff, client_id=client.id, contact=contact, about=draft.about, channel=None, at=now, now=now
    )


# --- what people see ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WaitFacts:
    """An open wait, as its nudge and lists show it."""

    wait_id: int
    client_id: int
    client_name: str
    contact_name: str | None
    about: str | None
    channel: str | None
    since: datetime
    status: str
    stage: str
    quiet_days: int
    reached_by_user_id: str | None
    lead_user_id: str | None
    partner_user_id: str | None
    others: tuple[str, ...]  # other contacts at the client, to try instead


def facts_of(session: Session, wait: Wait) -> WaitFacts:
    client = wait.client
    reached = session.get(Staff, wait.staff_id) if wait.staff_id else None
    lead, partner = owners.get(client, "lead"), owners.get(client, "partner")
    others = tuple(c.name for c in client.contacts if c.id != wait.contact_id)[:3]
    return WaitFacts(
        wait_id=wait.id,
        client_id=client.id,
        client_name=client.name,
        contact_name=wait.contact.name if wait.contact else None,
        about=wait.about,
        channel=wait.channel,
        since=wait.since,
        status=wait.status,
        stage=wait.stage,
        quiet_days=quiet_days(session, client),
        reached_by_user_id=reached.slack_user_id if reached else None,
        lead_user_id=lead.slack_user_id if lead else None,
        partner_user_id=partner.slack_user_id if partner else None,
        others=others,
    )


def facts(session: Session, team_id: str, wait_id: int | None) -> WaitFacts | None:
    wait = access.in_team(session, Wait, wait_id, team_id)
    return facts_of(session, wait) if wait is not None else None


def waiting_on(session: Session, staff: StaffRef, limit: int = 30) -> list[WaitFacts]:
    """The open waits I reached out for, or lead the client of; the longest silent first."""
    lead_of = select(Client.id).where(Client.team_id == staff.team_id, Client.lead_id == staff.id)
    rows = session.scalars(
        select(Wait)
        .where(
            Wait.team_id == staff.team_id,
            Wait.status == OPEN,
            or_(Wait.staff_id == staff.id, Wait.client_id.in_(lead_of)),
        )
        .order_by(Wait.since, Wait.id)
        .limit(limit)
    ).all()
    return [facts_of(session, w) for w in rows]


def open_for_client(session: Session, team_id: str, client_id: int, limit: int = 5) -> list[WaitFacts]:
    rows = session.scalars(
        select(Wait)
        .where(Wait.team_id == team_id, Wait.client_id == client_id, Wait.status == OPEN)
        .order_by(Wait.since, Wait.id)
        .limit(limit)
    ).all()
    return [facts_of(session, w) for w in rows]


# --- buttons --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    facts: WaitFacts
    change: str
    changed: bool
    until: datetime | None = None


def _reachable(session: Session, staff: StaffRef, wait_id: int | None) -> Wait | None:
    """A wait whoever reached out may settle, and the client's lead, partner and backup."""
    wait = access.in_team(session, Wait, wait_id, staff.team_id)
    if wait is None:
        return None
    if wait.staff_id == staff.id or owners.role_of(wait.client, staff.id) is not None:
        return wait
    return None


def _close(session: Session, staff: StaffRef, wait_id: int | None, to: str, now: datetime) -> Outcome | None:
    wait = _reachable(session, staff, wait_id)
    if wait is None:
        return None
    moved = session.execute(
        update(Wait)
        .where(Wait.id == wait.id, Wait.status == OPEN)
        .values(status=to, closed_at=now, closed_by_id=staff.id)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    session.refresh(wait)
    if moved and to == "replied" and wait.contact is not None:
        wait.contact.last_inbound_at = now
    return Outcome(facts_of(session, wait), to, changed=bool(moved))


def replied(session: Session, staff: StaffRef, wait_id: int | None, now: datetime) -> Outcome | None:
    return _close(session, staff, wait_id, "replied", now)


def not_needed(session: Session, staff: StaffRef, wait_id: int | None, now: datetime) -> Outcome | None:
    return _close(session, staff, wait_id, "not_needed", now)


def followed_up(session: Session, staff: StaffRef, wait_id: int | None, now: datetime) -> Outcome | None:
    """A follow-up was logged for it: the follow-up chases it from now on."""
    return _close(session, staff, wait_id, "followed_up", now)


def reopen(session: Session, staff: StaffRef, wait_id: int | None, now: datetime) -> Outcome | None:
    """Undo: open again, its schedule where it was."""
    wait = _reachable(session, staff, wait_id)
    if wait is None:
        return None
    moved = session.execute(
        update(Wait)
        .where(Wait.id == wait.id, Wait.status.in_(["replied", "not_needed", "followed_up"]))
        .values(status=OPEN, closed_at=None, closed_by_id=None)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    session.refresh(wait)
    return Outcome(facts_of(session, wait), "undo", changed=bool(moved))


def snooze(
    session: Session, staff: StaffRef, wait_id: int | None, choice: str, now: datetime
) -> Outcome | None:
    """Ask again later: the lead is told again then (and the partner 2 working days after, if not yet)."""
    wait = _reachable(session, staff, wait_id)
    if wait is None or choice not in SNOOZES:
        return None
    until = when.snooze_until(choice, now, staff.tz, working_hours(staff))
    moved = session.execute(
        update(Wait)
        .where(Wait.id == wait.id, Wait.status == OPEN)
        .values(next_check_at=until, stage="quiet")
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    session.refresh(wait)
    return Outcome(facts_of(session, wait), "snooze", changed=bool(moved), until=until)


CHANGES = {
    "replied": lambda session, staff, wid, _arg, now: replied(session, staff, wid, now),
    "not_needed": lambda session, staff, wid, _arg, now: not_needed(session, staff, wid, now),
    "undo": lambda session, staff, wid, _arg, now: reopen(session, staff, wid, now),
    "snooze": snooze,
}


def click(
    session: Session, staff: StaffRef, wait_id: int, change: str, arg: str, now: datetime
) -> Outcome | None:
    apply = CHANGES.get(change)
    return apply(session, staff, wait_id, arg, now) if apply is not None else None


# --- the clock ------------------------------------------------------------------------------------


def advance(session: Session, now: datetime, limit: int = 200) -> dict[str, int]:
    """Tell the lead of every wait gone quiet; 2 working days on, its partner or backup, once."""
    counts = {"quiet_told": 0, "quiet_escalated": 0}
    due = session.scalars(
        select(Wait.id)
        .where(Wait.status == OPEN, Wait.next_check_at <= now)
        .order_by(Wait.next_check_at)
        .limit(limit)
    ).all()
    for wait_id in due:
        wait = session.get(Wait, wait_id)
        if wait is None or wait.next_check_at is None:
            continue
        stage, was = wait.stage, wait.next_check_at
        first = _told_first(session, wait)
        if stage == "quiet":
            tz, wh = (first.tz, working_hours(first)) if first else (None, WorkingHours())
            after = when.quiet_after(now, ESCALATE_AFTER_DAYS, tz, wh)
            nxt, stage_after = (None, "none") if wait.escalated_at else (after, "escalate")
        else:
            nxt, stage_after = None, "none"
        moved = session.execute(
            update(Wait)
            .where(Wait.id == wait.id, Wait.status == OPEN, Wait.stage == stage, Wait.next_check_at == was)
            .values(next_check_at=nxt, stage=stage_after)
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        if not moved:
            continue  # another clock took it
        session.refresh(wait)
        if stage == "quiet":
            if first is not None and first.slack_user_id:
                wait.nudged_at = now
                _tell(session, wait, QUIET, first, now, outbox.nudge_key("wait", wait.id, "quiet", was))
                counts["quiet_told"] += 1
            continue
        wait.escalated_at = now
        if _escalate(session, wait, first, now, outbox.nudge_key("wait", wait.id, "escalation", was)):
            counts["quiet_escalated"] += 1
    session.flush()
    return counts


def _tell(
    session: Session, wait: Wait, kind: str, person: Staff, now: datetime, key: tuple[str, str]
) -> None:
    outbox.enqueue(
        session,
        team_id=wait.team_id,
        kind=kind,
        channel=person.slack_user_id or "",
        not_before=now,
        recipient_staff_id=person.id,
        ref=("wait", wait.id),
        key=key,
    )


def _escalate(session: Session, wait: Wait, told: Staff | None, now: datetime, key: tuple[str, str]) -> bool:
    for role in ROLES[1:]:  # partner, then backup
        person: Staff | None = owners.get(wait.client, role)
        if person is not None and person.slack_user_id and (told is None or person.id != told.id):
            _tell(session, wait, QUIET_ESCALATION, person, now, key)
            return True
    return False
