"""Client health for a workspace: the inputs read from the database, the score from
`bot.domain.health`, the workspace's weights and each segment's contact window.

Everything is read for many clients at once, and only from the last 13 weeks of check-ins and
touchpoints (and the open follow-ups and outreaches), so a workspace with years of history costs no
more than one with a quarter's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from functools import partial
from typing import NamedTuple

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot import collector
from bot.domain import health as rules
from bot.domain import when
from bot.domain.hours import WorkingHours
from bot.services import quiet as quiet_service
from bot.services import staff
from bot.services.staff import working_hours
from storage import weeks as kept_weeks
from storage.models import (
    Client,
    Contact,
    FeelingWeek,
    FollowUp,
    Segment,
    Touchpoint,
    Wait,
    Workspace,
    aware,
)

DEFAULT_WINDOW = (14, 30)  # days: the ideal gap between touchpoints, and the most


class ClientHealth(NamedTuple):
    client_id: int
    name: str
    segment: str | None
    health: rules.Health
    lead_id: int | None
    inputs: rules.Inputs
    weeks: Sequence[rules.Week]  # the last 13, oldest first
    renewal: date | None = None
    status: str = "active"

    @property
    def weekly(self) -> list[float | None]:
        """The average feeling per week, the last 13, oldest first."""
        return [week.average for week in self.weeks]


class ClientRow(NamedTuple):
    """What scoring needs of a client (read as plain rows: a workspace has thousands)."""

    id: int
    name: str
    segment: str | None
    renewal_date: date | None
    status: str
    lead_id: int | None
    quiet_after_days: int | None


def weights(session: Session, team_id: str) -> dict[str, int]:
    workspace = session.get(Workspace, team_id)
    chosen = (workspace.settings or {}).get("health_weights") if workspace else None
    return rules.weights_from(chosen if isinstance(chosen, dict) else None)


def set_weights(session: Session, team_id: str, changes: Mapping[str, int]) -> dict[str, int]:
    """The workspace's weights with `changes` applied; the defaults for the rest."""
    workspace = session.get(Workspace, team_id)
    if workspace is None:
        workspace = Workspace(team_id=team_id, settings={})
        session.add(workspace)
    settings = dict(workspace.settings or {})
    chosen = dict(settings.get("health_weights") or {})
    chosen.update({k: int(v) for k, v in changes.items() if k in rules.PARTS})
    settings["health_weights"] = chosen
    workspace.settings = settings  # a new dict: the JSON column sees the change
    session.flush()
    return rules.weights_from(chosen)


def reset_weights(session: Session, team_id: str) -> dict[str, int]:
    workspace = session.get(Workspace, team_id)
    if workspace is not None:
        settings = dict(workspace.settings or {})
        settings.pop("health_weights", None)
        workspace.settings = settings
        session.flush()
    return dict(rules.DEFAULT_WEIGHTS)


def windows(session: Session, team_id: str) -> dict[str, tuple[int, int]]:
    """Each segment's contact window (ideal, most), by its name case-folded, where one was set."""
    rows = session.execute(
        select(Segment.name_key, Segment.contact_ideal_days, Segment.contact_max_days).where(
            Segment.team_id == team_id
        )
    )
    found: dict[str, tuple[int, int]] = {}
    for key, ideal, most in rows:
        if ideal or most:
            found[key] = (ideal or DEFAULT_WINDOW[0], most or DEFAULT_WINDOW[1])
    return found


def set_window(session: Session, team_id: str, segment: str, ideal: int, most: int) -> tuple[int, int]:
    row = quiet_service.segment_row(session, team_id, segment)
    row.contact_ideal_days, row.contact_max_days = ideal, most
    session.flush()
    return ideal, most


def window_of(segment: str | None, known: Mapping[str, tuple[int, int]]) -> tuple[int, int]:
    return known.get((segment or "").casefold(), DEFAULT_WINDOW)


@collector.paused()  # thousands of small objects, no cycles: see bot/collector.py
def for_clients(
    session: Session, team_id: str, now: datetime, client_ids: Sequence[int] | None = None
) -> dict[int, ClientHealth]:
    """The health of the workspace's active clients (or of `client_ids`), by client id."""
    query = select(
        Client.id,
        Client.name,
        Client.segment,
        Client.renewal_date,
        Client.status,
        Client.lead_id,
        Client.quiet_after_days,
    ).where(Client.team_id == team_id, Client.status != "churned")
    if client_ids is not None:
        if not client_ids:
            return {}
        query = query.where(Client.id.in_(list(client_ids)))
    clients = [ClientRow(*row) for row in session.connection().execute(query.order_by(Client.name)).all()]
    if not clients:
        return {}
    ids = [c.id for c in clients] if client_ids is not None else None
    weeks = week_stats(session, team_id, now, ids)
    chosen, known = weights(session, team_id), windows(session, team_id)
    widest = max([DEFAULT_WINDOW[1], *(most for _, most in known.values())])
    # beyond the widest window the day of the last contact changes nothing: the part is 0 either way
    since = now - timedelta(days=widest)
    last_touch = _last_touchpoints(session, team_id, since, ids)
    last_checkin = _last_checkins(session, team_id, now, since, ids)
    quiet = _quiet(session, team_id, now, {c.id: c for c in clients})
    overdue = _overdue(session, team_id, now, ids)
    today = now.date()
    result: dict[int, ClientHealth] = {}
    for client in clients:
        stats = weeks.get(client.id) or [rules.Week()] * rules.WEEKS
        contacted = max(
            (at for at in (last_touch.get(client.id), last_checkin.get(client.id)) if at is not None),
            default=None,
        )
        inputs = rules.Inputs(
            today=today,
            weeks=stats,
            quiet=quiet.get(client.id, ()),
            overdue=overdue.get(client.id, ()),
            days_since_contact=(now - contacted).days if contacted is not None else None,
            contact_window=window_of(client.segment, known),
            renewal=client.renewal_date,
        )
        result[client.id] = ClientHealth(
            client.id,
            client.name,
            client.segment,
            rules.health(inputs, chosen),
            client.lead_id,
            inputs,
            stats,
            client.renewal_date,
            client.status,
        )
    return result


def of_client(session: Session, team_id: str, client_id: int, now: datetime) -> ClientHealth | None:
    return for_clients(session, team_id, now, [client_id]).get(client_id)


def week_stats(
    session: Session,
    team_id: str,
    now: datetime,
    client_ids: Sequence[int] | None = None,
    weeks: int = rules.WEEKS,
) -> dict[int, list[rules.Week]]:
    """Each client's check-ins per calendar week for the last `weeks` weeks (oldest first, the last the
    week `now` is in, so far): read from the kept weekly sums (`feeling_weeks`), one range of the
    workspace's weeks."""
    first = kept_weeks.number(rules.week_starts(now, weeks)[0].date())
    query = select(
        FeelingWeek.client_id,
        FeelingWeek.week,
        FeelingWeek.checkins,
        FeelingWeek.total,
        FeelingWeek.rated,
        FeelingWeek.below,
    ).where(
        FeelingWeek.team_id == team_id,
        FeelingWeek.week >= first,
        FeelingWeek.week < first + weeks,
        FeelingWeek.checkins > 0,
    )
    if client_ids is not None:
        query = query.where(FeelingWeek.client_id.in_(list(client_ids)))
    stats: dict[int, list[rules.Week]] = {}
    empty = [rules.Week()] * weeks
    make, week_type = tuple.__new__, rules.Week  # a Week straight from its four numbers
    # plain rows, all fetched at once: tens of thousands of them
    for client_id, week, checkins, total, rated, below in session.connection().execute(query).all():
        row = stats.get(client_id)
        if row is None:
            row = stats[client_id] = empty.copy()
        row[week - first] = make(week_type, (checkins, total, rated, below))
    return stats


def _last_checkins(
    session: Session, team_id: str, now: datetime, since: datetime, client_ids: Sequence[int] | None
) -> dict[int, datetime]:
    """Each client's newest check-in between `since` and `now`, from the weekly sums."""
    in_range = (
        FeelingWeek.team_id == team_id,
        FeelingWeek.week >= kept_weeks.number(since),
        FeelingWeek.checkins > 0,
    )
    found = _newest(session, FeelingWeek.client_id, FeelingWeek.last_at, in_range, client_ids)
    return {client_id: at for client_id, at in found.items() if since <= at <= now}


def _last_touchpoints(
    session: Session, team_id: str, since: datetime, client_ids: Sequence[int] | None
) -> dict[int, datetime]:
    in_range = (
        Touchpoint.team_id == team_id,
        Touchpoint.happened_at >= since,
        Touchpoint.cancelled.is_(False),
    )
    return _newest(session, Touchpoint.client_id, Touchpoint.happened_at, in_range, client_ids)


def _newest(
    session: Session,
    client: InstrumentedAttribute[int],
    moment: InstrumentedAttribute[datetime] | InstrumentedAttribute[datetime | None],
    where: Sequence[ColumnElement[bool]],
    client_ids: Sequence[int] | None,
) -> dict[int, datetime]:
    """The latest `moment` of each client's rows that match `where` (of `client_ids` only, if given).
    Grouped by `client + 0`: otherwise SQLite walks the index that starts with the client, in its
    order, through all of history rather than only the range asked for."""
    key = (client + 0).label(client.key)
    query = select(key, func.max(moment)).where(*where).group_by(key)
    if client_ids is not None:
        query = query.where(client.in_(list(client_ids)))
    return {client_id: aware(at) for client_id, at in session.execute(query).all() if at is not None}


def _quiet(
    session: Session, team_id: str, now: datetime, clients: Mapping[int, ClientRow]
) -> dict[int, list[rules.Quiet]]:
    """The outreaches gone quiet by client: who, for how long. Past the client's quiet days, counted
    in the working days of whoever hears of it first, as the quiet-contact nudges count them
    (`bot.services.quiet`). A few queries for the whole workspace."""
    query = select(Wait.client_id, Wait.contact_id, Wait.staff_id, Wait.since).where(
        Wait.team_id == team_id, Wait.status == "open", Wait.since < now
    )
    rows = session.execute(query).all()
    waits = [(c, contact, by, aware(since)) for c, contact, by, since in rows if c in clients]
    if not waits:
        return {}
    by_segment = quiet_service.segment_days(session, team_id)
    people = staff.people(session, team_id, [i for c, _, by, _ in waits for i in (clients[c].lead_id, by)])
    contact_ids = [contact for _, contact, _, _ in waits if contact]
    names: dict[int, str] = (
        {
            i: n
            for i, n in session.execute(select(Contact.id, Contact.name).where(Contact.id.in_(contact_ids)))
        }
        if contact_ids
        else {}
    )
    hours = {i: (person.tz, working_hours(person)) for i, person in people.items()}
    found: dict[int, list[rules.Quiet]] = defaultdict(list)
    for client_id, contact_id, by, since in waits:
        client = clients[client_id]
        days = quiet_service.days_for(client.quiet_after_days, client.segment, by_segment)
        if (now - since).days < days:  # fewer calendar days than the working days it takes
            continue
        person = quiet_service.told_first(people.get(client.lead_id or 0), partial(people.get, by or 0))
        tz, wh = hours[person.id] if person is not None else (None, WorkingHours())
        silent = when.working_days_between(since, now, tz, wh)
        if silent < days:
            continue
        who = names.get(contact_id) if contact_id else None
        found[client_id].append(rules.Quiet(who or client.name, silent, days))
    return found


def _overdue(
    session: Session, team_id: str, now: datetime, client_ids: Sequence[int] | None
) -> dict[int, list[rules.Overdue]]:
    query = select(FollowUp.client_id, FollowUp.what, FollowUp.due_at).where(
        FollowUp.team_id == team_id, FollowUp.status == "open", FollowUp.due_at < now
    )
    if client_ids is not None:
        query = query.where(FollowUp.client_id.in_(list(client_ids)))
    found: dict[int, list[rules.Overdue]] = defaultdict(list)
    for client_id, what, due_at in session.execute(query).all():
        found[client_id].append(rules.Overdue(what, (now - aware(due_at)).days))
    return found
