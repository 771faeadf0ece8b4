"""Each client's check-ins added up per calendar week (`feeling_weeks`), kept in step with the
check-ins: a check-in logged adds to its week, one changed or removed takes back what it added.

Weeks run Monday to Sunday in UTC. `rebuild` adds everything up again from the check-ins (after bulk
loads, and once when the table was made).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, event, func, insert, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from storage.models import CheckIn, FeelingWeek, aware

CHUNK = 5_000


FIRST_MONDAY = date(1970, 1, 5)  # week 0


def monday(at: datetime) -> date:
    """The Monday (UTC) of the week `at` falls in."""
    day = aware(at).astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


def number(at: datetime | date) -> int:
    """The week `at` falls in, counted in weeks from Monday 5 January 1970 (UTC): a plain number, so
    reading thousands of weeks converts nothing."""
    day = at if not isinstance(at, datetime) else monday(at)
    return (day - FIRST_MONDAY).days // 7


def add(
    session: Session | Connection,
    team_id: str,
    client_id: int,
    at: datetime,
    score: int,
    expectation: str | None,
    sign: int = 1,
) -> None:
    """Add one check-in to its week (`sign` -1: take it back). One statement: two check-ins logged at
    once for a client both count."""
    values = {
        "team_id": team_id,
        "week": number(at),
        "client_id": client_id,
        "checkins": sign,
        "total": sign * score,
        "rated": sign if expectation else 0,
        "below": sign if expectation == "below" else 0,
        "last_at": at if sign > 0 else None,
    }
    bind = session.connection() if isinstance(session, Session) else session
    dialect = bind.dialect.name
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(FeelingWeek).values(
        **values
    )
    table = FeelingWeek.__table__
    excluded = statement.excluded
    newest = table.c.last_at if sign < 0 else _later(dialect, table.c.last_at, excluded.last_at)
    statement = statement.on_conflict_do_update(
        index_elements=["team_id", "week", "client_id"],
        set_={
            "checkins": table.c.checkins + excluded.checkins,
            "total": table.c.total + excluded.total,
            "rated": table.c.rated + excluded.rated,
            "below": table.c.below + excluded.below,
            "last_at": newest,
        },
    )
    bind.execute(statement)


def remove(
    bind: Connection,
    checkin_id: int,
    team_id: str,
    client_id: int,
    at: datetime,
    score: int,
    expectation: str | None,
) -> None:
    """Take a check-in back from its week (it was deleted, or changed), and say again which is the
    week's newest without it."""
    add(bind, team_id, client_id, at, score, expectation, -1)
    week = number(at)
    first = monday(at)
    start = datetime(first.year, first.month, first.day, tzinfo=UTC)
    newest = (
        select(func.max(CheckIn.created_at))
        .where(
            CheckIn.team_id == team_id,
            CheckIn.client_id == client_id,
            CheckIn.created_at >= start,
            CheckIn.created_at < start + timedelta(days=7),
            CheckIn.id != checkin_id,
        )
        .scalar_subquery()
    )
    same = (FeelingWeek.team_id == team_id, FeelingWeek.week == week, FeelingWeek.client_id == client_id)
    bind.execute(update(FeelingWeek).where(*same).values(last_at=newest))
    bind.execute(delete(FeelingWeek).where(*same, FeelingWeek.checkins <= 0))  # a week left empty


def _before(state: Any, name: str) -> Any:
    """An attribute's value before this flush changed it."""
    history = state.attrs[name].history
    return history.deleted[0] if history.deleted else getattr(state.object, name)


@event.listens_for(Session, "after_flush")
def _keep_weeks(session: Session, context: Any) -> None:
    """Check-ins added, changed or deleted through a session: their weeks' sums follow, in the same
    transaction. (A check-in stored with `queries.insert_checkin` adds to its week there.)"""
    touched = [o for o in (*session.new, *session.dirty, *session.deleted) if isinstance(o, CheckIn)]
    if not touched:
        return
    bind = session.connection()
    fields = ("client_id", "created_at", "score", "expectation")
    for checkin in touched:
        if checkin not in session.new:  # changed or deleted: what it added first comes off
            state = inspect(checkin)
            if checkin in session.dirty and not any(state.attrs[f].history.has_changes() for f in fields):
                continue
            old = {f: _before(state, f) for f in fields}
            remove(
                bind,
                checkin.id,
                checkin.team_id,
                old["client_id"],
                old["created_at"],
                old["score"],
                old["expectation"],
            )
            if checkin in session.deleted:
                continue
        add(bind, checkin.team_id, checkin.client_id, checkin.created_at, checkin.score, checkin.expectation)


def _later(dialect: str, kept: Any, new: Any) -> Any:
    # both dialects: the later of two moments, the kept one when there is no new one
    if dialect == "postgresql":
        return func.greatest(kept, new)
    return func.max(func.coalesce(kept, new), func.coalesce(new, kept))


def rebuild(connection: Connection | Session, team_id: str | None = None) -> int:
    """Add the weeks up again from the check-ins (of one workspace, or of all); how many weeks."""
    clear = delete(FeelingWeek)
    if team_id is not None:
        clear = clear.where(FeelingWeek.team_id == team_id)
    connection.execute(clear)
    sums: dict[tuple[str, int, int], list[Any]] = defaultdict(lambda: [0, 0, 0, 0, None])
    query = select(CheckIn.team_id, CheckIn.client_id, CheckIn.created_at, CheckIn.score, CheckIn.expectation)
    if team_id is not None:
        query = query.where(CheckIn.team_id == team_id)
    for team, client_id, at, score, expectation in connection.execute(
        query.execution_options(yield_per=CHUNK)
    ):
        at = aware(at)
        row = sums[(team, number(at), client_id)]
        row[0] += 1
        row[1] += score
        row[2] += 1 if expectation else 0
        row[3] += 1 if expectation == "below" else 0
        row[4] = at if row[4] is None or at > row[4] else row[4]
    rows = [
        {
            "team_id": team,
            "week": week,
            "client_id": client_id,
            "checkins": n,
            "total": total,
            "rated": rated,
            "below": below,
            "last_at": last,
        }
        # in key order: a range of weeks, as health reads it, then lies together on disk
        for (team, week, client_id), (n, total, rated, below, last) in sorted(sums.items())
    ]
    for start in range(0, len(rows), CHUNK):
        connection.execute(insert(FeelingWeek), rows[start : start + CHUNK])
    return len(rows)
