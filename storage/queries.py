"""The SQL Rapport needs, as functions. Every function takes the team it works for.

State changes that two processes could race on (sending an outbox message, answering a prompt)
are conditional UPDATEs: the row moves only if it is still in the state the caller saw, and the
caller learns from the row count whether it won.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple, cast

from sqlalchemy import Row, Table, bindparam, delete, func, insert, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage import weeks
from storage.models import (
    CheckIn,
    Client,
    ClientAlias,
    ClientWord,
    JobRun,
    OutboxMessage,
    ProcessedEvent,
    Prompt,
    SendAttempt,
    SendPace,
    Staff,
    Touchpoint,
    UTCDateTime,
    Workspace,
    utcnow,
)

# --- workspaces and staff -------------------------------------------------------------------


def ensure_workspace(session: Session, team_id: str) -> Workspace:
    workspace = session.get(Workspace, team_id)
    if workspace is None:
        workspace = Workspace(team_id=team_id, settings={})
        session.add(workspace)
        session.flush()
    return workspace


def staff_by_user(session: Session, team_id: str, user_id: str) -> Staff | None:
    return session.scalars(_STAFF_BY_USER, {"team_id": team_id, "user_id": user_id}).first()


def staff_ref(session: Session, team_id: str, user_id: str) -> Row[Any] | None:
    """(id, team, Slack id, locale, time zone, profile refreshed, working days and hours, intensity) of a
    Slack user's staff row: a plain row, no mapped object."""
    return session.execute(_STAFF_REF, {"team_id": team_id, "user_id": user_id}).first()


def staff_by_email(session: Session, team_id: str, email: str) -> Staff | None:
    return session.scalars(
        select(Staff).where(Staff.team_id == team_id, func.lower(Staff.email) == email.lower())
    ).first()


# --- clients ----------------------------------------------------------------------------------


_TEAM: Any = bindparam("team_id")
_KEY: Any = bindparam("key")

# The statements every slash command runs are built once, on the tables rather than the mapped
# classes: plain Core rows skip the ORM's per-call work (a third of a command's database time).
_clients = cast(Table, Client.__table__)
_aliases = cast(Table, ClientAlias.__table__)
_checkins = cast(Table, CheckIn.__table__)
_staff = cast(Table, Staff.__table__)
_words = cast(Table, ClientWord.__table__)

# Built once: constructing a statement costs more than running it on a thousand clients.
_CLIENTS_BY_KEY = (
    select(_clients.c.id, _clients.c.name, _clients.c.name_key.label("key"))
    .where(_clients.c.team_id == _TEAM, _clients.c.name_key == _KEY)
    .union_all(
        select(_clients.c.id, _clients.c.name, _aliases.c.key.label("key"))
        .join(_aliases, _aliases.c.client_id == _clients.c.id)
        .where(_aliases.c.team_id == _TEAM, _clients.c.team_id == _TEAM, _aliases.c.key == _KEY)
    )
)


# Names and aliases with a word starting with the query: a range of the word index (see ClientWord),
# one row per client and key however many of its words match, active clients first.
_WORD_FROM: Any = bindparam("word_from")
_WORD_TO: Any = bindparam("word_to")
_CLIENTS_BY_WORD_START = (
    select(_clients.c.id, _clients.c.name, _words.c.key)
    .join_from(_words, _clients, _clients.c.id == _words.c.client_id)
    .where(
        _words.c.team_id == _TEAM,
        _words.c.word >= _WORD_FROM,
        _words.c.word < _WORD_TO,
        _clients.c.team_id == _TEAM,
    )
    .group_by(_clients.c.id, _clients.c.name, _words.c.key, _clients.c.status)
    .order_by(_clients.c.status != "active", func.lower(_clients.c.name), _clients.c.id, _words.c.key)
    .limit(bindparam("limit"))
)
# Greater than any text that starts with the query (the largest code point, compared byte by byte).
_AFTER_EVERY_CONTINUATION = "\U0010ffff"


def clients_by_key(session: Session, team_id: str, key: str) -> list[tuple[int, str, str]]:
    """(client id, name, key) for every name or alias whose key is exactly `key` (an index lookup)."""
    return [(r.id, r.name, r.key) for r in session.execute(_CLIENTS_BY_KEY, {"team_id": team_id, "key": key})]


def clients_by_word_start(
    session: Session, team_id: str, key: str, limit: int = 100
) -> list[tuple[int, str, str]]:
    """(client id, name, key) for names and aliases with a word starting with `key`; active first.

    Ordered before the limit, so a long list is cut in a stable way (it is ambiguous either way).
    """
    after = key + _AFTER_EVERY_CONTINUATION
    params = {"team_id": team_id, "word_from": key, "word_to": after, "limit": limit}
    return [(r.id, r.name, r.key) for r in session.execute(_CLIENTS_BY_WORD_START, params)]


_STAFF_REF = select(
    _staff.c.id,
    _staff.c.team_id,
    _staff.c.slack_user_id,
    _staff.c.locale,
    _staff.c.tz,
    _staff.c.profile_refreshed_at,
    _staff.c.work_days,
    _staff.c.work_start,
    _staff.c.work_end,
    _staff.c.intensity,
).where(_staff.c.team_id == _TEAM, _staff.c.slack_user_id == bindparam("user_id"))
_STAFF_BY_USER = select(Staff).where(Staff.team_id == _TEAM, Staff.slack_user_id == bindparam("user_id"))


def has_clients(session: Session, team_id: str) -> bool:
    return session.execute(_ANY_CLIENT, {"team_id": team_id}).first() is not None


_ANY_CLIENT = select(_clients.c.id).where(_clients.c.team_id == _TEAM).limit(1)


def count_clients(session: Session, team_id: str) -> int:
    return session.scalar(select(func.count()).select_from(Client).where(Client.team_id == team_id)) or 0


def all_clients(session: Session, team_id: str, limit: int = 200) -> list[Client]:
    return list(
        session.scalars(
            select(Client).where(Client.team_id == team_id).order_by(Client.status, Client.name).limit(limit)
        )
    )


# --- check-ins ------------------------------------------------------------------------------

_CHECKIN_COLUMNS = (
    "staff_id", "touchpoint_id", "score", "expectation", "note", "tags", "source", "created_at"
)  # fmt: skip
# One statement that checks the client belongs to the team and stores the check-in: no row comes
# back when it does not. Values are typed, so PostgreSQL knows what each parameter is.
_INSERT_CHECKIN = (
    insert(_checkins)
    .from_select(
        ["team_id", "client_id", *_CHECKIN_COLUMNS],
        select(
            _clients.c.team_id,
            _clients.c.id,
            *(bindparam(name, type_=_checkins.c[name].type) for name in _CHECKIN_COLUMNS),
        ).where(_clients.c.team_id == _TEAM, _clients.c.id == bindparam("client_id")),
    )
    .returning(_checkins.c.id)
)


def insert_checkin(session: Session, team_id: str, client_id: int, **values: Any) -> int | None:
    """Store a check-in for a client of this team; its id, or None when the team has no such client."""
    params = {name: values.get(name) for name in _CHECKIN_COLUMNS}
    params.update(team_id=team_id, client_id=client_id)
    checkin_id = session.execute(_INSERT_CHECKIN, params).scalar()
    if checkin_id is not None:  # its week's sums, in the same transaction
        at, score = params["created_at"], params["score"]
        weeks.add(session, team_id, client_id, at or utcnow(), int(score or 0), params["expectation"])
    return checkin_id


def recent_checkins(session: Session, team_id: str, client_id: int, limit: int = 5) -> list[CheckIn]:
    return list(
        session.scalars(
            select(CheckIn)
            .where(CheckIn.team_id == team_id, CheckIn.client_id == client_id)
            .order_by(CheckIn.created_at.desc(), CheckIn.id.desc())
            .limit(limit)
        )
    )


def checkin_points(
    session: Session, team_id: str, client_ids: Sequence[int], since: datetime
) -> dict[int, list[tuple[datetime, int]]]:
    points: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    if not client_ids:
        return points
    rows = session.execute(
        select(CheckIn.client_id, CheckIn.created_at, CheckIn.score).where(
            CheckIn.team_id == team_id, CheckIn.client_id.in_(list(client_ids)), CheckIn.created_at >= since
        )
    )
    for cid, at, score in rows:
        points[cid].append((at, score))
    return points


def last_touchpoints(session: Session, team_id: str, client_ids: Sequence[int]) -> dict[int, Touchpoint]:
    if not client_ids:
        return {}
    newest = (
        select(Touchpoint.client_id, func.max(Touchpoint.happened_at).label("at"))
        .where(
            Touchpoint.team_id == team_id,
            Touchpoint.client_id.in_(list(client_ids)),
            Touchpoint.cancelled.is_(False),
        )
        .group_by(Touchpoint.client_id)
        .subquery()
    )
    rows = session.scalars(
        select(Touchpoint)
        .join(newest, (Touchpoint.client_id == newest.c.client_id) & (Touchpoint.happened_at == newest.c.at))
        .where(Touchpoint.team_id == team_id)
    )
    return {tp.client_id: tp for tp in rows}


def touchpoint_by_external_id(
    session: Session, team_id: str, source: str, external_id: str
) -> Touchpoint | None:
    return session.scalars(
        select(Touchpoint).where(
            Touchpoint.team_id == team_id, Touchpoint.source == source, Touchpoint.external_id == external_id
        )
    ).first()


# --- prompts --------------------------------------------------------------------------------

OPEN_PROMPT_STATES = ("scheduled", "sent", "reminded")


def move_prompt(
    session: Session, team_id: str, prompt_id: int, from_states: Sequence[str], **values: Any
) -> bool:
    """Change a prompt only if it is still in one of `from_states`; True when this caller won."""
    result = session.execute(
        update(Prompt)
        .where(Prompt.id == prompt_id, Prompt.team_id == team_id, Prompt.status.in_(list(from_states)))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def prompts_to_remind(session: Session, now: datetime, limit: int = 200) -> list[int]:
    return list(
        session.scalars(
            select(Prompt.id).where(Prompt.status == "sent", Prompt.remind_at <= now).limit(limit)
        )
    )


def prompts_to_expire(session: Session, now: datetime, limit: int = 200) -> list[int]:
    return list(
        session.scalars(
            select(Prompt.id)
            .where(Prompt.status.in_(["sent", "reminded"]), Prompt.expires_at <= now)
            .limit(limit)
        )
    )


def prompt_answered_by(session: Session, team_id: str, checkin_id: int) -> Prompt | None:
    return session.scalars(
        select(Prompt).where(Prompt.team_id == team_id, Prompt.checkin_id == checkin_id)
    ).first()


def pending_prompts(session: Session, team_id: str, staff_id: int, limit: int = 20) -> list[Prompt]:
    return list(
        session.scalars(
            select(Prompt)
            .where(
                Prompt.team_id == team_id,
                Prompt.staff_id == staff_id,
                Prompt.status.in_(["sent", "reminded"]),
            )
            .order_by(Prompt.due_at)
            .limit(limit)
        )
    )


# --- outbox -----------------------------------------------------------------------------------


def _insert_ignoring_conflicts(session: Session, table: Any) -> Any:
    """An INSERT that leaves a row whose unique columns are taken alone (both dialects say it alike)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def insert_keyed_outbox(session: Session, values: dict[str, Any]) -> int | None:
    """Queue a row with a key unless its workspace, kind and key are queued already; the new row's id,
    or None. One statement, so two processes queueing the same key at once make one row."""
    statement = (
        _insert_ignoring_conflicts(session, OutboxMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["team_id", "kind", "key"])
        .returning(OutboxMessage.id)
    )
    return session.execute(statement).scalar()


def outbox_by_key(session: Session, team_id: str, kind: str, key: str) -> OutboxMessage | None:
    return session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.team_id == team_id, OutboxMessage.kind == kind, OutboxMessage.key == key
        )
    ).first()


# A claim made by a version that did not yet say how long it lasts held for five minutes.
_CLAIM_WITHOUT_END = timedelta(minutes=5)


def _claim_ran_out(now: datetime) -> Any:
    return (OutboxMessage.status == "sending") & or_(
        OutboxMessage.claimed_until < now,
        OutboxMessage.claimed_until.is_(None) & (OutboxMessage.claimed_at < now - _CLAIM_WITHOUT_END),
    )


class Due(NamedTuple):
    id: int
    kind: str
    team_id: str
    channel: str


def due_outbox(session: Session, now: datetime, limit: int = 100) -> list[Due]:
    """Rows ready to send: pending and due, or claimed by a worker whose claim ran out (it died before
    finishing); the longest due first.

    Two queries, each the first `limit` rows of one status in the order of its index: one query with
    OR between the two reads every due row and sorts them all (5 ms with 10,000 due) to keep 100."""
    order = (OutboxMessage.not_before, OutboxMessage.id)
    columns = (
        OutboxMessage.not_before,
        OutboxMessage.id,
        OutboxMessage.kind,
        OutboxMessage.team_id,
        OutboxMessage.channel,
    )
    due = session.execute(
        select(*columns)
        .where(OutboxMessage.status == "pending", OutboxMessage.not_before <= now)
        .order_by(*order)
        .limit(limit)
    ).all()
    abandoned = session.execute(
        select(*columns).where(_claim_ran_out(now)).order_by(*order).limit(limit)
    ).all()
    rows = sorted([*due, *abandoned], key=lambda row: (row.not_before, row.id))[:limit]
    return [Due(row.id, row.kind, row.team_id, row.channel) for row in rows]


def claim_outbox(session: Session, outbox_id: int, worker: str, now: datetime, until: datetime) -> bool:
    """Claim a row until `until`, if it is pending or its last claim ran out; True when this worker won."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == outbox_id,
            or_(OutboxMessage.status == "pending", _claim_ran_out(now)),
        )
        .values(status="sending", claimed_at=now, claimed_by=worker, claimed_until=until)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def hold_for_sending(
    session: Session, outbox_id: int, worker: str, claimed_at: datetime, now: datetime, until: datetime
) -> bool:
    """Renew this worker's claim (made at `claimed_at`) to last through the send, and mark the row in
    doubt from now (or from an earlier send still in doubt) until Slack's answer is recorded. False
    when the claim is no longer this worker's: another one took the row over, and sends it."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == outbox_id,
            OutboxMessage.status == "sending",
            OutboxMessage.claimed_by == worker,
            OutboxMessage.claimed_at == claimed_at,
        )
        .values(
            claimed_at=now,
            claimed_until=until,
            in_doubt_since=func.coalesce(OutboxMessage.in_doubt_since, literal(now, UTCDateTime())),
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def ready_to_send(message: OutboxMessage, now: datetime) -> bool:
    """What `due_outbox` asks of a row, asked of one already read."""
    if message.status == "pending":
        return message.not_before <= now
    if message.status != "sending":
        return False
    if message.claimed_until is not None:
        return message.claimed_until < now
    return message.claimed_at is not None and message.claimed_at < now - _CLAIM_WITHOUT_END


def outbox_rows(session: Session, ids: Sequence[int], *, fresh: bool = False) -> list[OutboxMessage]:
    """These rows, oldest due first; `fresh`: as the database has them now, also those the session
    holds already."""
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.id.in_(list(ids)))
            .order_by(OutboxMessage.not_before, OutboxMessage.id)
            .execution_options(populate_existing=fresh)
        )
    )


def _persons_nudges(team_id: str, channel: str, kinds: Sequence[str]) -> Any:
    """A person's nudges that are not in a message with others (nor in doubt with them)."""
    return (
        (OutboxMessage.team_id == team_id)
        & (OutboxMessage.channel == channel)
        & OutboxMessage.kind.in_(list(kinds))
        & OutboxMessage.bundle_id.is_(None)
    )


def _claim(statement: Any, worker: str, now: datetime, until: datetime) -> Any:
    return (
        statement.values(status="sending", claimed_at=now, claimed_by=worker, claimed_until=until)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )


def claim_nudges(
    session: Session,
    team_id: str,
    channel: str,
    kinds: Sequence[str],
    now: datetime,
    due_by: datetime,
    worker: str,
    until: datetime,
    limit: int,
) -> list[int]:
    """Claim a person's nudges due before `due_by` (pending, or claimed by a worker that died before
    sending them), the `limit` oldest; their ids. The conditions are asked again of each row as it is
    updated, so a row another worker claimed meanwhile stays its."""
    ready = _persons_nudges(team_id, channel, kinds) & or_(
        (OutboxMessage.status == "pending") & (OutboxMessage.not_before < due_by), _claim_ran_out(now)
    )
    oldest = (
        select(OutboxMessage.id)
        .where(ready)
        .order_by(OutboxMessage.not_before, OutboxMessage.id)
        .limit(limit)
    )
    statement = update(OutboxMessage).where(OutboxMessage.id.in_(oldest), ready)
    return list(session.scalars(_claim(statement, worker, now, until)))


def defer_nudges(
    session: Session, team_id: str, channel: str, kinds: Sequence[str], now: datetime, until: datetime
) -> int:
    """A person's nudges that would be due before `until` wait until then (their next turn); how many."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            _persons_nudges(team_id, channel, kinds),
            or_(
                (OutboxMessage.status == "pending") & (OutboxMessage.not_before < until),
                _claim_ran_out(now),
            ),
        )
        .values(status="pending", not_before=until, claimed_at=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def claim_bundle(
    session: Session, team_id: str, channel: str, bundle_id: int, now: datetime, worker: str, until: datetime
) -> list[int]:
    """Claim the rows of a message with several nudges whose outcome is unknown: pending again after a
    failure, or claimed by a worker that died; their ids."""
    statement = update(OutboxMessage).where(
        OutboxMessage.team_id == team_id,
        OutboxMessage.channel == channel,
        OutboxMessage.bundle_id == bundle_id,
        or_((OutboxMessage.status == "pending") & (OutboxMessage.not_before <= now), _claim_ran_out(now)),
    )
    return list(session.scalars(_claim(statement, worker, now, until)))


def nudged_since(
    session: Session,
    team_id: str,
    channel: str,
    kinds: Sequence[str],
    since: datetime,
    besides: Sequence[int],
    now: datetime,
) -> bool:
    """Whether a nudge other than `besides` went to this person since `since`, or is on its way."""
    found = session.execute(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.team_id == team_id,
            OutboxMessage.channel == channel,
            OutboxMessage.kind.in_(list(kinds)),
            OutboxMessage.id.not_in(list(besides)),
            or_(
                (OutboxMessage.status == "sent") & (OutboxMessage.sent_at >= since),
                (OutboxMessage.status == "sending") & ~_claim_ran_out(now),
            ),
        )
        .limit(1)
    ).first()
    return found is not None


def hold_bundle_for_sending(
    session: Session,
    ids: Sequence[int],
    worker: str,
    claimed_at: datetime,
    now: datetime,
    until: datetime,
    bundle_id: int,
) -> bool:
    """`hold_for_sending` for the rows of one message: each is marked as going in it (`bundle_id`).
    False unless every row is still this worker's claim (then the caller rolls back)."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(list(ids)),
            OutboxMessage.status == "sending",
            OutboxMessage.claimed_by == worker,
            OutboxMessage.claimed_at == claimed_at,
        )
        .values(
            claimed_at=now,
            claimed_until=until,
            bundle_id=bundle_id,
            in_doubt_since=func.coalesce(OutboxMessage.in_doubt_since, literal(now, UTCDateTime())),
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == len(ids)  # type: ignore[attr-defined]


def record_attempt(
    session: Session,
    message: OutboxMessage,
    now: datetime,
    ok: bool,
    error: str | None,
    duration_ms: int,
    note: str | None = None,
) -> None:
    session.add(
        SendAttempt(
            team_id=message.team_id,
            outbox_id=message.id,
            at=now,
            ok=ok,
            error=error,
            note=note,
            duration_ms=duration_ms,
        )
    )


def cancel_outbox(session: Session, team_id: str, ref_type: str, ref_id: int, kinds: Sequence[str]) -> int:
    """Withdraw pending messages of these kinds about one thing (edits of sent messages stay queued)."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.team_id == team_id,
            OutboxMessage.ref_type == ref_type,
            OutboxMessage.ref_id == ref_id,
            OutboxMessage.kind.in_(list(kinds)),
            OutboxMessage.status == "pending",
        )
        .values(status="cancelled")
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


# --- the pace of sending ---------------------------------------------------------------------


def paces(session: Session, team_id: str, scopes: Sequence[str]) -> dict[str, datetime]:
    """When the next message may go, for each of these scopes that has a row (see SendPace)."""
    rows = session.execute(
        select(SendPace.scope, SendPace.next_at).where(
            SendPace.team_id == team_id, SendPace.scope.in_(list(scopes))
        )
    )
    return {row.scope: row.next_at for row in rows}


def start_pace(session: Session, team_id: str, scope: str, at: datetime) -> None:
    """A scope's first row (nothing waits before `at`); left alone when another process made it first."""
    session.execute(
        _insert_ignoring_conflicts(session, SendPace)
        .values(team_id=team_id, scope=scope, next_at=at)
        .on_conflict_do_nothing(index_elements=["team_id", "scope"])
    )


def move_pace(session: Session, team_id: str, scope: str, seen: datetime, to: datetime) -> bool:
    """Move a scope's next moment from `seen` to `to`, only if nobody moved it since it was seen; True
    when this caller did."""
    result = session.execute(
        update(SendPace)
        .where(SendPace.team_id == team_id, SendPace.scope == scope, SendPace.next_at == seen)
        .values(next_at=to)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def reopen_pace(session: Session, team_id: str, scope: str, now: datetime) -> None:
    """The scope is free from `now`: what held it back went nowhere."""
    session.execute(
        update(SendPace)
        .where(SendPace.team_id == team_id, SendPace.scope == scope, SendPace.next_at > now)
        .values(next_at=now)
        .execution_options(synchronize_session=False)
    )


def hold_pace(session: Session, team_id: str, scope: str, until: datetime) -> None:
    """Nothing goes in this scope before `until` (a later next moment stays)."""
    start_pace(session, team_id, scope, until)
    session.execute(
        update(SendPace)
        .where(SendPace.team_id == team_id, SendPace.scope == scope, SendPace.next_at < until)
        .values(next_at=until)
        .execution_options(synchronize_session=False)
    )


def forget_paces_before(session: Session, before: datetime) -> int:
    """Scopes whose next moment is long past hold nothing back: their rows go."""
    result = session.execute(delete(SendPace).where(SendPace.next_at < before))
    return int(result.rowcount)  # type: ignore[attr-defined]


# --- events -----------------------------------------------------------------------------------


def first_sighting(
    session: Session, event_id: str, team_id: str, event_type: str | None, now: datetime
) -> bool:
    """Record an event id and commit; False when any process recorded it before (a Slack retry).

    Give it a session of its own: on a repeat the session is rolled back.
    """
    try:
        session.execute(
            insert(ProcessedEvent).values(
                event_id=event_id, team_id=team_id, event_type=event_type, received_at=now
            )
        )
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def forget_events_before(session: Session, before: datetime) -> int:
    result = session.execute(delete(ProcessedEvent).where(ProcessedEvent.received_at < before))
    return int(result.rowcount)  # type: ignore[attr-defined]


# --- periodic jobs ----------------------------------------------------------------------------


def claim_job_run(session: Session, name: str, now: datetime, every: timedelta, worker: str) -> bool:
    """Claim this run of a periodic job and book the next one `every` later; False when it is not
    due yet or another process claimed it first. Give it a session of its own: it commits."""
    claimed = session.execute(
        update(JobRun)
        .where(JobRun.name == name, JobRun.next_run_at <= now)
        .values(next_run_at=now + every, claimed_by=worker)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount == 1:  # type: ignore[attr-defined]
        session.commit()
        return True
    if session.get(JobRun, name) is not None:
        return False
    try:  # its first run ever
        session.execute(insert(JobRun).values(name=name, next_run_at=now + every, claimed_by=worker))
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True
