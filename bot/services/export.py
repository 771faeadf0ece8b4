"""The Excel export's data: what `/rapport export …` and `python -m bot export` ask for, and the rows of
each sheet, read from the database as they are written.

Check-ins, follow-ups and contacts are streamed (`yield_per`: a server-side cursor on PostgreSQL), so
memory stays flat however many there are; what the Summary and Weekly sheets need is tallied per
client and per week as the rows go by. Everything is the one workspace's. Nothing here draws or
writes a file: `bot.views.export` lays the sheets out and `bot.spreadsheets` writes them.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, DateTime, Text, and_, cast, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from bot.domain.feelings import Trend, trend
from bot.domain.health import Health
from bot.domain.matching import MatchKind
from bot.domain.periods import ExportAsk, Period, week_start
from bot.domain.problem import Problem
from bot.domain.text import normalize
from bot.services import access, clients, outbox, owners, quiet
from bot.services import health as health_service
from bot.services.staff import StaffRef
from storage.models import (
    CheckIn,
    Client,
    Contact,
    FollowUp,
    OutboxMessage,
    Staff,
    Touchpoint,
    Wait,
    Workspace,
)

KIND = "export"  # the outbox kind that builds the file and uploads it to the person's DM
STREAM = 2000  # rows read from the database at a time
SUMMARY_WEEKS = 12  # the Summary's averages and trend look back this many weeks from the export's moment
RECENT_WEEKS = 4
MOST_WEEKS = 520  # a period starting longer ago than this has its Weekly rows start at its first check-in
SUGGESTIONS = 3


@dataclass(frozen=True)
class Selection:
    """What an export covers: a period (days in `zone`), and all clients, one client or one segment."""

    team_id: str
    period: Period
    zone: str = "UTC"
    client_id: int | None = None
    client_name: str | None = None
    segment: str | None = None

    @property
    def tz(self) -> ZoneInfo:
        return zone_info(self.zone)

    def to_payload(self) -> dict[str, Any]:
        return {
            "period": self.period.to_payload(),
            "zone": self.zone,
            "client_id": self.client_id,
            "client_name": self.client_name,
            "segment": self.segment,
        }

    @classmethod
    def from_payload(cls, team_id: str, payload: dict[str, Any], zone: str = "UTC") -> Selection:
        """As `to_payload` stored it (in `zone` when it says none); ValueError for anything else."""
        period = payload.get("period")
        if not isinstance(period, dict):
            raise ValueError(f"an export without a period: {payload!r}")
        client_id = payload.get("client_id")
        if client_id is not None and not isinstance(client_id, int):
            raise ValueError(f"not a client id: {client_id!r}")
        return cls(
            team_id=team_id,
            period=Period.from_payload(period),
            zone=str(payload.get("zone") or zone),
            client_id=client_id,
            client_name=_text_or_none(payload.get("client_name")),
            segment=_text_or_none(payload.get("segment")),
        )


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def zone_info(name: str | None) -> ZoneInfo:
    """The zone by its name; UTC for no name or one that is not a zone."""
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def workspace_zone(session: Session, team_id: str) -> str:
    """The zone most of the workspace's people are in (as Slack says), else UTC."""
    rows = session.execute(
        select(Staff.tz, func.count())
        .where(Staff.team_id == team_id, Staff.tz.is_not(None))
        .group_by(Staff.tz)
        .order_by(func.count().desc(), Staff.tz)
    )
    for name, _ in rows:
        if name and is_zone(name):
            return str(name)
    return "UTC"


def zone_for(session: Session, staff: StaffRef | Staff | None, team_id: str) -> str:
    """The zone an export for this person is in: theirs, else the workspace's."""
    if staff is not None and staff.tz and is_zone(staff.tz):
        return staff.tz
    return workspace_zone(session, team_id)


def has_workspace(session: Session, team_id: str) -> bool:
    return session.get(Workspace, team_id) is not None


def workspaces(session: Session) -> list[str]:
    return list(session.scalars(select(Workspace.team_id).order_by(Workspace.team_id)))


def choose(session: Session, team_id: str, ask: ExportAsk, zone: str) -> Selection | Problem:
    """The selection the words name: all clients, a client (by name or alias) or a segment; or why
    there is none, with the names it might have been."""
    selection = Selection(team_id, ask.period, zone)
    if not ask.target:
        return selection
    known = quiet.segments(session, team_id)
    segment = next((name for name in known if name.casefold() == ask.target.casefold()), None)
    if ask.segment:
        if segment is None:
            return Problem("export.problem.unknown_segment", {"segment": ask.target, "segments": known})
        return Selection(team_id, ask.period, zone, segment=segment)
    match = clients.resolve(session, team_id, ask.target)
    if match.kind == MatchKind.EXACT and match.client_id is not None:
        return _client(selection, match.candidates[0].client_id, match.candidates[0].name)
    if segment is not None:
        return Selection(team_id, ask.period, zone, segment=segment)
    if match.client_id is not None:
        return _client(selection, match.client_id, match.candidates[0].name)
    if match.kind == MatchKind.AMBIGUOUS:
        return Problem("export.problem.ambiguous", {"query": ask.target, "names": match.names(5).split(", ")})
    return Problem(
        "export.problem.unknown", {"query": ask.target, "names": suggestions(session, team_id, ask.target)}
    )


def _client(selection: Selection, client_id: int, name: str) -> Selection:
    return Selection(
        selection.team_id, selection.period, selection.zone, client_id=client_id, client_name=name
    )


def suggestions(session: Session, team_id: str, typed: str) -> list[str]:
    """Client names and segments that look like what was typed (a typo, a word left out)."""
    wanted = normalize(typed)
    if not wanted:
        return []
    names: dict[str, str] = {}
    for name in session.scalars(select(Client.name).where(Client.team_id == team_id)):
        names.setdefault(normalize(name), name)
    for name in quiet.segments(session, team_id):
        names.setdefault(normalize(name), name)
    close = difflib.get_close_matches(wanted, list(names), n=SUGGESTIONS, cutoff=0.6)
    return [names[key] for key in close]


def client_gone(session: Session, selection: Selection) -> bool:
    """The export is of one client, and that client is no longer there."""
    return selection.client_id is not None and not clients.exists(
        session, selection.team_id, selection.client_id
    )


# --- asking for one in Slack ---------------------------------------------------------------------------


def pending(session: Session, staff: StaffRef) -> bool:
    """This person has an export on its way already."""
    found = session.scalar(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.team_id == staff.team_id,
            OutboxMessage.kind == KIND,
            OutboxMessage.recipient_staff_id == staff.id,
            OutboxMessage.status.in_(("pending", "sending")),
        )
        .limit(1)
    )
    return found is not None


def request(session: Session, staff: StaffRef, selection: Selection, now: datetime) -> OutboxMessage:
    """Queue the export for the person's DM: the clock process builds the file and uploads it, so a
    large one never holds up the web process. Sent at once, whatever the hour: they asked for it."""
    assert access.may_export(staff), "anyone in a workspace may export its data"
    channel = staff.slack_user_id
    assert channel, "a person asking in Slack has a Slack id"
    payload = {**selection.to_payload(), "at": now.isoformat()}
    if not (staff.tz and is_zone(staff.tz)):
        payload["zone"] = None  # theirs, as Slack gives it by the time the file is made (`zone_of`)
    return outbox.enqueue(
        session,
        team_id=staff.team_id,
        kind=KIND,
        channel=channel,
        not_before=now,
        payload=payload,
        recipient_staff_id=staff.id,
        respect_working_hours=False,
    )


def asked_at(payload: dict[str, Any], fallback: datetime) -> datetime:
    """The moment an export was asked for (its averages look back from then)."""
    try:
        at = datetime.fromisoformat(str(payload.get("at")))
    except ValueError:
        return fallback
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


# --- the rows --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClientSummary:
    """One client as things stand at the export's moment."""

    client_id: int
    name: str
    segment: str | None
    status: str
    average_4w: float | None
    average_12w: float | None
    checkins_12w: int
    trend: Trend
    last_touchpoint_at: datetime | None
    last_touchpoint_what: str | None
    lead: str | None
    partner: str | None
    backup: str | None
    renewal: date | None
    open_followups: int
    waiting: int
    health: Health | None = None  # its score, band and reasons as the digest gives them


@dataclass(frozen=True, slots=True)
class CheckInRow:
    at: datetime  # in the export's zone, without the zone (as Excel keeps it)
    client: str
    segment: str | None
    who: str | None
    score: int
    expectation: str | None
    note: str | None
    tags: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class FollowUpRow:
    made: datetime
    client: str
    segment: str | None
    what: str
    owner: str | None
    due: datetime
    status: str
    closed: datetime | None
    kind: str


@dataclass(frozen=True, slots=True)
class ContactRow:
    client: str
    contact: str | None  # None: an outreach to the client, nobody named
    email: str | None
    last_inbound: datetime | None
    last_outbound: datetime | None
    waiting_since: datetime | None
    about: str | None
    lead_told: datetime | None


@dataclass(frozen=True, slots=True)
class Week:
    start: date
    checkins: int
    average: float | None
    by_segment: list[float | None]  # in the order of `Export.segments`


def _shown(name: str | None, email: str | None, user_id: str | None) -> str | None:
    """A person as a sheet shows them: their name, else their e-mail, else their Slack id."""
    return name or email or user_id


def _person(person: owners.Person | None) -> str | None:
    return _shown(person.name, person.email, person.slack_user_id) if person else None


@dataclass
class _Tally:
    total: float = 0.0
    count: int = 0

    def add(self, score: float) -> None:
        self.total += score
        self.count += 1

    @property
    def average(self) -> float | None:
        return self.total / self.count if self.count else None


@dataclass
class Export:
    """One export being written: the Summary's rows at once, the other sheets' rows as they are read.

    Read `checkins()` before `weeks()`: the weeks are tallied as the check-ins go by. The counts are
    those read so far."""

    session: Session
    selection: Selection
    now: datetime
    summaries: list[ClientSummary]
    segments: list[str | None]  # the Weekly sheet's segment columns (None: clients without one)
    checkin_count: int = 0
    followup_count: int = 0
    contact_count: int = 0
    first_checkin: date | None = None
    _weeks: dict[date, _Tally] = field(default_factory=dict)
    _segment_weeks: dict[tuple[date, str | None], _Tally] = field(default_factory=dict)

    @property
    def zone(self) -> ZoneInfo:
        return self.selection.tz

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()

    def _where(self, team_column: Any, client_column: Any) -> list[ColumnElement[bool]]:
        return _selected(self.selection, team_column, client_column)

    def checkins(self) -> Iterator[CheckInRow]:
        """The period's check-ins, oldest first, read from the database a batch at a time; each week's
        and each segment's feelings are tallied as they go by."""
        start, end = self.selection.period.bounds(self.zone)
        conditions = self._where(CheckIn.team_id, CheckIn.client_id)
        if start is not None:
            conditions.append(CheckIn.created_at >= start)
        conditions.append(CheckIn.created_at < (end if end is not None else self.now))
        statement = (
            select(
                type_coerce(CheckIn.created_at, DateTime()),  # UTC, made local below (`_Local`)
                CheckIn.client_id,
                CheckIn.staff_id,
                CheckIn.score,
                CheckIn.expectation,
                CheckIn.note,
                cast(CheckIn.tags, Text),  # as stored: most check-ins have none, and need no decoding
                CheckIn.source,
            )
            .where(*conditions)
            .order_by(CheckIn.created_at, CheckIn.id)
        )
        # Names by id, read once: each row then holds the same few strings, not copies of them.
        names = {client.client_id: (client.name, client.segment) for client in self.summaries}
        people = {
            staff_id: _shown(name, email, user_id)
            for staff_id, name, email, user_id in self.session.execute(
                select(Staff.id, Staff.name, Staff.email, Staff.slack_user_id).where(
                    Staff.team_id == self.selection.team_id
                )
            )
        }
        local_time = _Local(self.zone)
        segment_keys = {_segment_key(name): name for name in self.segments}
        segment_of = {
            client_id: key
            for client_id, (_, segment) in names.items()
            if (key := _segment_key(segment)) in segment_keys
        }
        weeks, segment_weeks = self._weeks, self._segment_weeks
        week_of: dict[date, date] = {}
        # Options on the statement, never on the session's connection: they would stay on it.
        result = self.session.connection().execute(statement.execution_options(yield_per=STREAM))
        rows = (row for batch in result.partitions() for row in batch)  # a batch at a time
        for at, client_id, staff_id, score, expectation, note, tags, source in rows:
            local = local_time(at)
            day = local.date()
            week = week_of.get(day)
            if week is None:
                week = week_of[day] = week_start(day)
                if self.first_checkin is None:
                    self.first_checkin = day
            tally = weeks.get(week)
            if tally is None:
                tally = weeks[week] = _Tally()
            tally.add(score)
            if client_id in segment_of:
                key = segment_of[client_id]
                tally = segment_weeks.get((week, key))
                if tally is None:
                    tally = segment_weeks[(week, key)] = _Tally()
                tally.add(score)
            self.checkin_count += 1
            client, segment = names.get(client_id, ("", None))
            yield CheckInRow(
                local,
                client,
                segment,
                people.get(staff_id) if staff_id is not None else None,
                score,
                expectation,
                note,
                _tags(tags),
                source,
            )

    def weeks(self) -> list[Week]:
        """Every week of the period up to today (weeks start on Monday in the export's zone), with how
        many check-ins it had and their average, for all clients and per segment."""
        period = self.selection.period
        last = min(period.last_day or self.today, self.today)
        first = period.start
        if first is None or first < self.today - timedelta(weeks=MOST_WEEKS):
            first = self.first_checkin if self.first_checkin is not None else last
            if period.start is not None:
                first = max(first, period.start)
        found: list[Week] = []
        week = week_start(first)
        keys = [_segment_key(name) for name in self.segments]
        while week <= last:
            tally = self._weeks.get(week)
            found.append(
                Week(
                    week,
                    tally.count if tally else 0,
                    tally.average if tally else None,
                    [_average(self._segment_weeks.get((week, key))) for key in keys],
                )
            )
            week += timedelta(weeks=1)
        return found

    def followups(self) -> Iterator[FollowUpRow]:
        """Follow-ups made in the period, and every one still open."""
        start, end = self.selection.period.bounds(self.zone)
        made_in = [FollowUp.created_at < (end if end is not None else self.now)]
        if start is not None:
            made_in.append(FollowUp.created_at >= start)
        statement = (
            select(
                FollowUp.created_at,
                Client.name,
                Client.segment,
                FollowUp.what,
                Staff.name,
                Staff.email,
                Staff.slack_user_id,
                FollowUp.due_at,
                FollowUp.status,
                FollowUp.done_at,
                FollowUp.kind,
            )
            .join(Client, Client.id == FollowUp.client_id)
            .outerjoin(Staff, Staff.id == FollowUp.owner_id)
            .where(
                *self._where(FollowUp.team_id, FollowUp.client_id),
                or_(and_(*made_in), FollowUp.status == "open"),
            )
            .order_by(FollowUp.created_at, FollowUp.id)
            .execution_options(yield_per=STREAM)
        )
        zone = self.zone
        for (
            made,
            client,
            segment,
            what,
            name,
            email,
            user_id,
            due,
            status,
            closed,
            kind,
        ) in self.session.execute(statement):
            self.followup_count += 1
            yield FollowUpRow(
                _local(made, zone),
                client,
                segment,
                what,
                _shown(name, email, user_id),
                _local(due, zone),
                status,
                _local_or_none(closed, zone),
                kind,
            )

    def contacts(self) -> Iterator[ContactRow]:
        """Every contact of the clients, with when we last heard from them and reached out to them, and
        the oldest outreach to them still awaiting an answer; then outreaches to a client naming nobody."""
        zone = self.zone
        oldest: dict[int, tuple[datetime, str | None, datetime | None]] = {}
        unnamed: list[tuple[str, datetime, str | None, datetime | None]] = []
        open_waits = (
            select(Wait.contact_id, Client.name, Wait.since, Wait.about, Wait.nudged_at)
            .join(Client, Client.id == Wait.client_id)
            .where(*self._where(Wait.team_id, Wait.client_id), Wait.status == "open")
            .order_by(Wait.since, Wait.id)
        )
        for contact_id, client, since, about, nudged in self.session.execute(open_waits):
            if contact_id is None:
                unnamed.append((client, since, about, nudged))
            else:
                oldest.setdefault(contact_id, (since, about, nudged))
        statement = (
            select(
                Contact.id,
                Client.name,
                Contact.name,
                Contact.email,
                Contact.last_inbound_at,
                Contact.last_outbound_at,
            )
            .join(Client, Client.id == Contact.client_id)
            .where(*self._where(Contact.team_id, Contact.client_id))
            .order_by(Client.name, Contact.name, Contact.id)
            .execution_options(yield_per=STREAM)
        )
        for contact_id, client, name, email, inbound, outbound in self.session.execute(statement):
            waiting = oldest.get(contact_id)
            self.contact_count += 1
            yield ContactRow(
                client,
                name,
                email,
                _local_or_none(inbound, zone),
                _local_or_none(outbound, zone),
                _local(waiting[0], zone) if waiting else None,
                waiting[1] if waiting else None,
                _local_or_none(waiting[2], zone) if waiting else None,
            )
        for client, since, about, nudged in sorted(unnamed, key=lambda wait: wait[0].casefold()):
            yield ContactRow(
                client, None, None, None, None, _local(since, zone), about, _local_or_none(nudged, zone)
            )


NO_TAGS = ("[]", "null", "")
NONE: tuple[str, ...] = ()


def _tags(stored: str | None) -> tuple[str, ...]:
    """The tags a check-in's JSON column holds, read from its text."""
    if stored is None or stored in NO_TAGS:
        return NONE
    try:
        found = json.loads(stored)
    except ValueError:
        return NONE
    return tuple(str(tag) for tag in found) if isinstance(found, list) else NONE


class _Local:
    """UTC moments as wall-clock times in a zone, without the zone (as Excel keeps them), many a second:
    a zone's offset from UTC is looked up once per UTC day, and taken as it is for the moments of that
    day unless it changes within it (then each moment of that day is converted on its own)."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self.offsets: dict[int, timedelta | None] = {}

    def __call__(self, at: datetime) -> datetime:
        if at.tzinfo is not None:  # a database that hands back aware moments
            at = at.astimezone(UTC).replace(tzinfo=None)
        day = at.toordinal()
        offset = self.offsets.get(day, _UNKNOWN)
        if offset is _UNKNOWN:
            offset = self.offsets[day] = self._offset(datetime.fromordinal(day))
        if offset is None:
            return at.replace(tzinfo=UTC).astimezone(self.zone).replace(tzinfo=None)
        return at + offset

    def _offset(self, midnight: datetime) -> timedelta | None:
        start = midnight.replace(tzinfo=UTC).astimezone(self.zone).utcoffset()
        last = midnight + timedelta(days=1) - timedelta(microseconds=1)
        end = last.replace(tzinfo=UTC).astimezone(self.zone).utcoffset()
        return start if start == end else None


_UNKNOWN: Any = object()


def _segment_key(name: str | None) -> str | None:
    return name.casefold() if name else None


def _average(tally: _Tally | None) -> float | None:
    return tally.average if tally else None


def _local(at: datetime, zone: ZoneInfo) -> datetime:
    return at.astimezone(zone).replace(tzinfo=None)


def _local_or_none(at: datetime | None, zone: ZoneInfo) -> datetime | None:
    return at.astimezone(zone).replace(tzinfo=None) if at is not None else None


def _selected(selection: Selection, team_column: Any, client_column: Any) -> list[ColumnElement[bool]]:
    """SQL: the rows of the selection's workspace and clients."""
    conditions: list[ColumnElement[bool]] = [team_column == selection.team_id]
    if selection.client_id is not None:
        conditions.append(client_column == selection.client_id)
    elif selection.segment is not None:
        conditions.append(
            client_column.in_(
                select(Client.id).where(
                    Client.team_id == selection.team_id,
                    func.lower(Client.segment) == selection.segment.casefold(),
                )
            )
        )
    return conditions


def gather(session: Session, selection: Selection, now: datetime) -> Export:
    """The export of a selection as things stand at `now`: its Summary now, the rest as it is read."""
    chosen = list(
        session.scalars(
            select(Client).where(*_selected(selection, Client.team_id, Client.id)).order_by(Client.name)
        )
    )
    return Export(session, selection, now, summaries(session, selection, chosen, now), _segments(chosen))


def _segments(chosen: list[Client]) -> list[str | None]:
    names: dict[str, str] = {}
    without = False
    for client in chosen:
        if client.segment:
            names.setdefault(client.segment.casefold(), client.segment)
        else:
            without = True
    found = sorted(names.values(), key=str.casefold)
    return [*found, None] if without and found else list(found)


def summaries(
    session: Session, selection: Selection, chosen: list[Client], now: datetime
) -> list[ClientSummary]:
    """Per client: its average feeling over the last 4 and 12 weeks and its trend (weekly averages,
    weeks counted back from `now`), its last touchpoint, owners, renewal and what is open."""
    team_id = selection.team_id
    week = timedelta(weeks=1)
    origin = now - SUMMARY_WEEKS * week
    buckets: dict[int, list[_Tally]] = {}
    points = (
        select(CheckIn.client_id, CheckIn.created_at, CheckIn.score)
        .where(*_selected(selection, CheckIn.team_id, CheckIn.client_id), CheckIn.created_at >= origin)
        .execution_options(yield_per=STREAM)
    )
    for client_id, at, score in session.execute(points):
        index = int((at - origin) / week)
        if 0 <= index < SUMMARY_WEEKS:
            tallies = buckets.get(client_id)
            if tallies is None:
                tallies = buckets[client_id] = [_Tally() for _ in range(SUMMARY_WEEKS)]
            tallies[index].add(score)

    last = _last_touchpoints(session, selection, now)
    people = owners.people(session, team_id, chosen)
    open_followups = _counts(session, selection, FollowUp, FollowUp.status == "open")
    waiting = _counts(session, selection, Wait, Wait.status == "open")
    found: list[ClientSummary] = []
    scored = health_service.for_clients(session, team_id, now, [c.id for c in chosen])
    for client in chosen:
        tallies = buckets.get(client.id) or []
        recent = tallies[SUMMARY_WEEKS - RECENT_WEEKS :]
        touchpoint = last.get(client.id)
        found.append(
            ClientSummary(
                client_id=client.id,
                name=client.name,
                segment=client.segment,
                status=client.status,
                average_4w=_pooled(recent),
                average_12w=_pooled(tallies),
                checkins_12w=sum(t.count for t in tallies),
                trend=trend([t.average for t in tallies]) if tallies else Trend.UNKNOWN,
                last_touchpoint_at=_local(touchpoint[0], selection.tz) if touchpoint else None,
                last_touchpoint_what=touchpoint[1] if touchpoint else None,
                lead=_person(people.get(client.lead_id)) if client.lead_id else None,
                partner=_person(people.get(client.partner_id)) if client.partner_id else None,
                backup=_person(people.get(client.backup_id)) if client.backup_id else None,
                renewal=client.renewal_date,
                open_followups=open_followups.get(client.id, 0),
                waiting=waiting.get(client.id, 0),
                health=scored[client.id].health if client.id in scored else None,
            )
        )
    return found


def _pooled(tallies: list[_Tally]) -> float | None:
    count = sum(t.count for t in tallies)
    return sum(t.total for t in tallies) / count if count else None


def _last_touchpoints(
    session: Session, selection: Selection, now: datetime
) -> dict[int, tuple[datetime, str]]:
    """Per client, its latest touchpoint that has happened (not cancelled, not still to come)."""
    conditions = [
        *_selected(selection, Touchpoint.team_id, Touchpoint.client_id),
        Touchpoint.cancelled.is_(False),
        Touchpoint.happened_at <= now,
    ]
    newest = (
        select(Touchpoint.client_id, func.max(Touchpoint.happened_at).label("at"))
        .where(*conditions)
        .group_by(Touchpoint.client_id)
        .subquery()
    )
    rows = session.execute(
        select(Touchpoint.client_id, Touchpoint.happened_at, Touchpoint.title)
        .join(newest, (Touchpoint.client_id == newest.c.client_id) & (Touchpoint.happened_at == newest.c.at))
        .where(*conditions)
        .order_by(Touchpoint.id)
    )
    return {client_id: (at, title) for client_id, at, title in rows}


def _counts(
    session: Session, selection: Selection, model: Any, condition: ColumnElement[bool]
) -> dict[int, int]:
    rows = session.execute(
        select(model.client_id, func.count())
        .where(*_selected(selection, model.team_id, model.client_id), condition)
        .group_by(model.client_id)
    )
    return {client_id: count for client_id, count in rows}
