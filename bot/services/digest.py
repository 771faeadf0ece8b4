"""The weekly digest: what a workspace's clients felt this week, what changed and why, and where
and when it is posted.

`build` gathers the facts (services never draw; `bot/views/digest.py` does); `schedule`, `due` and
`claim` keep the posting moment of each workspace (`digest_schedules`); the job in
`bot/jobs/digest.py` queues the post under a key (workspace, channel, week), so a week's digest is
posted once, whatever the number of clocks or restarts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, exists, func, select, update
from sqlalchemy.orm import Session

from bot import collector
from bot.domain import health as rules
from bot.domain.hours import zone
from bot.services import health, staff
from storage.models import CheckIn, Client, DigestSchedule, FollowUp, Touchpoint, Workspace, aware

DEFAULT_WEEKDAY = 0  # Monday
DEFAULT_TIME = "09:00"
CHART_WEEKS = 12
MOVER_MIN = 0.5  # a change in average feeling smaller than this is no move
MOST_MOVERS = 3
RENEWALS_AHEAD = timedelta(days=60)
CHURN_BACK = timedelta(weeks=4)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Mover:
    client_id: int
    name: str
    before: float
    after: float
    weekly: list[float | None]

    @property
    def change(self) -> float:
        return self.after - self.before


@dataclass(frozen=True)
class Risk:
    client_id: int
    name: str
    health: rules.Health
    weekly: list[float | None]
    lead_user_id: str | None


@dataclass(frozen=True)
class QuietContact:
    client: str
    who: str
    working_days: int


@dataclass(frozen=True)
class OwnerOverdue:
    user_id: str | None
    name: str | None
    count: int
    oldest_days: int
    oldest_what: str


@dataclass(frozen=True)
class Coverage:
    """Touchpoints this week (a conversation or their message: ours alone ask nothing), and how many
    have a feeling logged."""

    touchpoints: int
    with_feeling: int

    @property
    def share(self) -> float | None:
        return self.with_feeling / self.touchpoints if self.touchpoints else None


@dataclass(frozen=True)
class PersonCoverage:
    user_id: str | None
    name: str | None
    coverage: Coverage


@dataclass(frozen=True)
class Renewal:
    client: str
    on: date
    days: int
    last_score: int | None


@dataclass(frozen=True)
class Churned:
    client: str
    at: datetime
    reason: str | None


@dataclass(frozen=True)
class Digest:
    team_id: str
    now: datetime
    tz: str | None
    week: str  # "2026-W49": the week it is for, in the digest's zone
    average: float | None  # this week's (the last 7 days') average feeling
    average_before: float | None  # the 7 days before
    checkins: int
    checkins_before: int
    up: list[Mover]
    down: list[Mover]
    at_risk: list[Risk]
    quiet: list[QuietContact]
    overdue: list[OwnerOverdue]
    coverage: Coverage
    by_person: list[PersonCoverage]
    renewals: list[Renewal]
    churned: list[Churned]
    segments: dict[str, list[float | None]]  # weekly average feeling per segment, CHART_WEEKS, oldest first
    week_starts: list[datetime]  # where each of those weeks begins
    week_of: date  # the Monday of the week it tells of: the last whole week before `now`
    clients: int  # active clients
    scored: int  # of them with enough data for a score
    show_people: bool = False  # coverage per person in the channel (the workspace turned it on)
    channel_id: str | None = None
    notes: list[str] = field(default_factory=list)


def week_label(at: datetime, tz: str | None) -> str:
    year, week, _ = at.astimezone(zone(tz)).isocalendar()
    return f"{year}-W{week:02d}"


@collector.paused()  # every client's health and weeks: see bot/collector.py
def build(session: Session, team_id: str, now: datetime, tz: str | None = None) -> Digest:
    """This week's digest for the workspace, as of `now`."""
    scores = health.for_clients(session, team_id, now)
    workspace = session.get(Workspace, team_id)
    settings = (workspace.settings or {}) if workspace else {}
    schedule = session.get(DigestSchedule, team_id)
    tz = tz or (schedule.tz if schedule else None)
    weeks_all = [c.weeks for c in scores.values()]
    # The weeks are calendar weeks; the last is the one now is in, so far: the digest tells of the
    # week before it (the last whole one) against the one before that.
    this_week = rules.Week.added(w[-2] for w in weeks_all)
    last_week = rules.Week.added(w[-3] for w in weeks_all)
    leads = staff.people(session, team_id, [c.lead_id for c in scores.values() if c.health.at_risk])
    risks = [
        Risk(
            c.client_id,
            c.name,
            c.health,
            c.weekly[-8:],
            leads[c.lead_id].slack_user_id if c.lead_id in leads else None,
        )
        for c in scores.values()
        if c.health.at_risk
    ]
    risks.sort(key=lambda r: (r.health.score if r.health.score is not None else 101, r.name.casefold()))
    quiet = sorted(
        (QuietContact(c.name, q.who, q.working_days) for c in scores.values() for q in c.inputs.quiet),
        key=lambda q: (-q.working_days, q.client.casefold()),
    )
    up, down = _movers(scores.values())
    starts = rules.week_starts(now, CHART_WEEKS + 1)
    people = coverage_by_person(session, team_id, starts[-2], starts[-1])
    return Digest(
        team_id=team_id,
        now=now,
        tz=tz,
        week=week_label(now, tz),
        average=this_week.average,
        average_before=last_week.average,
        checkins=this_week.checkins,
        checkins_before=last_week.checkins,
        up=up,
        down=down,
        at_risk=risks,
        quiet=quiet,
        overdue=_overdue_by_owner(session, team_id, now),
        coverage=Coverage(
            sum(p.coverage.touchpoints for p in people), sum(p.coverage.with_feeling for p in people)
        ),
        by_person=people,
        renewals=_renewals(session, team_id, now, scores),
        churned=_churned(session, team_id, now),
        segments=_segments(scores.values()),
        week_starts=starts[:-1],
        week_of=starts[-2].date(),
        clients=len(scores),
        scored=sum(1 for c in scores.values() if c.health.known),
        show_people=bool(settings.get("coverage_per_person")),
        channel_id=schedule.channel_id if schedule and schedule.active else None,
    )


def _movers(scores: Iterable[health.ClientHealth]) -> tuple[list[Mover], list[Mover]]:
    """Clients whose average feeling of the last 2 whole weeks moved by `MOVER_MIN` or more against
    the 4 weeks before: the biggest moves up, and down, first."""
    up: list[Mover] = []
    down: list[Mover] = []
    for c in scores:
        recent = rules.Week.added(c.weeks[-3:-1]).average  # the last two whole weeks
        if recent is None:
            continue
        before = rules.Week.added(c.weeks[-7:-3]).average
        if before is None or abs(recent - before) < MOVER_MIN:
            continue
        (up if recent > before else down).append(Mover(c.client_id, c.name, before, recent, c.weekly[-8:]))
    for found in (up, down):
        found.sort(key=lambda m: (-abs(m.change), m.name.casefold()))
        del found[MOST_MOVERS:]
    return up, down


def _segments(scores: Iterable[health.ClientHealth]) -> dict[str, list[float | None]]:
    """Each segment's average feeling per week over the last `CHART_WEEKS` whole weeks."""
    sums: dict[str, list[list[int]]] = {}
    for c in scores:
        row = sums.get(c.segment or "—")
        if row is None:
            row = sums[c.segment or "—"] = [[0, 0] for _ in range(CHART_WEEKS)]
        for n, week in enumerate(c.weeks[-CHART_WEEKS - 1 : -1]):
            if week.checkins:
                row[n][0] += week.checkins
                row[n][1] += week.total
    return {
        name: [total / count if count else None for count, total in weeks]
        for name, weeks in sorted(sums.items())
    }


def _overdue_by_owner(session: Session, team_id: str, now: datetime) -> list[OwnerOverdue]:
    rows = session.execute(
        select(FollowUp.owner_id, FollowUp.what, FollowUp.due_at)
        .where(FollowUp.team_id == team_id, FollowUp.status == "open", FollowUp.due_at < now)
        .order_by(FollowUp.due_at)
    ).all()
    by_owner: dict[int | None, list[tuple[str, datetime]]] = defaultdict(list)
    for owner_id, what, due_at in rows:
        by_owner[owner_id].append((what, aware(due_at)))
    people = staff.people(session, team_id, [o for o in by_owner if o])
    found = []
    for owner_id, items in by_owner.items():
        person = people.get(owner_id) if owner_id else None
        what, due_at = items[0]
        found.append(
            OwnerOverdue(
                person.slack_user_id if person else None,
                person.name if person else None,
                len(items),
                (now - due_at).days,
                what,
            )
        )
    found.sort(key=lambda o: (-o.count, -o.oldest_days))
    return found


def _heard(team_id: str, since: datetime, until: datetime) -> tuple[Any, ...]:
    """Touchpoints of the week that could have a feeling: not cancelled, and not ours alone."""
    return (
        Touchpoint.team_id == team_id,
        Touchpoint.happened_at >= since,
        Touchpoint.happened_at < until,
        Touchpoint.cancelled.is_(False),
        Touchpoint.direction != "outbound",
    )


def coverage_by_person(
    session: Session, team_id: str, since: datetime, until: datetime
) -> list[PersonCoverage]:
    """Each person's touchpoints of the week, and how many have a feeling: the week's touchpoints
    (by time), each looked up in the check-ins by its id."""
    felt = exists().where(CheckIn.touchpoint_id == Touchpoint.id, CheckIn.team_id == team_id)
    query = (
        select(
            Touchpoint.staff_id,
            func.count(),
            func.sum(case((felt, 1), else_=0)),
        )
        .where(*_heard(team_id, since, until))
        .group_by(Touchpoint.staff_id)
    )
    rows = list(session.execute(query))
    people = staff.people(session, team_id, [r[0] for r in rows if r[0]])
    found = []
    for staff_id, touchpoints, with_feeling in rows:
        person = people.get(staff_id) if staff_id else None
        found.append(
            PersonCoverage(
                person.slack_user_id if person else None,
                person.name if person else None,
                Coverage(int(touchpoints or 0), int(with_feeling or 0)),
            )
        )
    found.sort(key=lambda p: (p.coverage.share if p.coverage.share is not None else 2, p.name or ""))
    return found


def _renewals(
    session: Session, team_id: str, now: datetime, scores: dict[int, health.ClientHealth]
) -> list[Renewal]:
    today = now.date()
    soon = [
        c for c in scores.values() if c.renewal is not None and today <= c.renewal <= today + RENEWALS_AHEAD
    ]
    if not soon:
        return []
    # The last feeling in the weeks the score reads: older ones say little about a renewal now.
    recent = now - timedelta(weeks=rules.WEEKS)
    last_score = (  # one look in each client's check-ins, newest first, rather than adding them all up
        select(CheckIn.score)
        .where(CheckIn.team_id == team_id, CheckIn.client_id == Client.id, CheckIn.created_at >= recent)
        .order_by(CheckIn.created_at.desc(), CheckIn.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    last: dict[int, int] = {
        client_id: score
        for client_id, score in session.execute(
            select(Client.id, last_score).where(  # the clients chosen above (no long list of ids to send)
                Client.team_id == team_id,
                Client.status != "churned",
                Client.renewal_date >= today,
                Client.renewal_date <= today + RENEWALS_AHEAD,
            )
        ).all()
        if score is not None
    }
    found = [
        Renewal(c.name, c.renewal, (c.renewal - today).days, last.get(c.client_id))
        for c in soon
        if c.renewal is not None
    ]
    found.sort(key=lambda r: (r.on, r.client.casefold()))
    return found


def _churned(session: Session, team_id: str, now: datetime) -> list[Churned]:
    rows = session.execute(
        select(Client.name, Client.churned_at, Client.churn_reason)
        .where(Client.team_id == team_id, Client.status == "churned", Client.churned_at >= now - CHURN_BACK)
        .order_by(Client.churned_at.desc())
    )
    return [Churned(name, aware(at), reason) for name, at, reason in rows if at is not None]


# --- where and when ---------------------------------------------------------------------------------


def next_moment(after: datetime, weekday: int, at_time: str, tz: str | None) -> datetime:
    """The first `weekday` at `at_time` in `tz` strictly after `after`, in UTC."""
    place = zone(tz)
    hour, minute = (int(part) for part in at_time.split(":"))
    local = after.astimezone(place)
    day = local.date() + timedelta(days=(weekday - local.weekday()) % 7)
    for _ in range(3):
        moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=place)
        if isinstance(place, ZoneInfo):
            moment = moment.astimezone(UTC).astimezone(place)  # a time the clocks skipped moves on
        if moment > after:
            return moment.astimezone(UTC)
        day += timedelta(days=7)
    raise AssertionError("a weekday comes round within three weeks")


def schedule(
    session: Session,
    team_id: str,
    *,
    channel_id: str,
    channel_name: str | None,
    weekday: int,
    at_time: str,
    tz: str | None,
    set_by: int | None,
    now: datetime,
) -> DigestSchedule:
    """Post the workspace's digest in this channel, every `weekday` at `at_time` in `tz`."""
    row = session.get(DigestSchedule, team_id)
    if row is None:
        row = DigestSchedule(team_id=team_id)
        session.add(row)
    row.channel_id, row.channel_name = channel_id, channel_name
    row.weekday, row.at_time, row.tz, row.set_by_id = weekday, at_time, tz, set_by
    row.active = True
    row.next_at = next_moment(now, weekday, at_time, tz)
    workspace = session.get(Workspace, team_id)
    if workspace is not None:
        workspace.digest_channel = channel_id
    session.flush()
    return row


def stop(session: Session, team_id: str) -> DigestSchedule | None:
    row = session.get(DigestSchedule, team_id)
    if row is not None and row.active:
        row.active = False
        row.next_at = None
        session.flush()
        return row
    return None


def current(session: Session, team_id: str) -> DigestSchedule | None:
    row = session.get(DigestSchedule, team_id)
    return row if row is not None and row.active else None


def due(session: Session, now: datetime, limit: int = 50) -> list[str]:
    return list(
        session.scalars(
            select(DigestSchedule.team_id)
            .where(DigestSchedule.active.is_(True), DigestSchedule.next_at <= now)
            .order_by(DigestSchedule.next_at)
            .limit(limit)
        )
    )


def claim(session: Session, team_id: str, now: datetime) -> tuple[DigestSchedule, datetime] | None:
    """Take this workspace's due digest: its next moment moves a week on (past `now`, when the clock was
    down for longer), with a conditional UPDATE, so only one clock takes it. The schedule and the moment
    it was due."""
    row = session.get(DigestSchedule, team_id)
    if row is None or not row.active or row.next_at is None:
        return None
    was = aware(row.next_at)
    if was > now:
        return None
    following = next_moment(max(now, was), row.weekday, row.at_time, row.tz)
    moved = session.execute(
        update(DigestSchedule)
        .where(DigestSchedule.team_id == team_id, DigestSchedule.next_at == row.next_at)
        .values(next_at=following)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if not moved:
        return None
    session.refresh(row)
    return row, was


def set_coverage_per_person(session: Session, team_id: str, shown: bool) -> None:
    workspace = session.get(Workspace, team_id)
    if workspace is None:
        return
    settings = dict(workspace.settings or {})
    settings["coverage_per_person"] = shown
    workspace.settings = settings
    session.flush()
