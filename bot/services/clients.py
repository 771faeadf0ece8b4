"""Finding clients from what people type, and the facts behind a client card."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.domain.feelings import Trend, average, trend, weekly_averages
from bot.domain.health import Health
from bot.domain.matching import (
    MAX_CANDIDATES,
    NO_MATCH,
    Candidate,
    Match,
    MatchKind,
    choose,
    starts_at_a_word,
)
from bot.domain.problem import Problem
from bot.domain.text import normalize
from bot.services import access, owners
from storage import queries
from storage.models import CheckIn, Client, Touchpoint

OPTION_LIMIT = 100  # Slack's cap on options in one external select answer
# Enough rows to name the candidates of an ambiguous match; one client or several is all that counts.
RESOLVE_LIMIT = 2 * MAX_CANDIDATES


def resolve(session: Session, team_id: str, query: str) -> Match:
    key = normalize(query)
    if not key:
        return NO_MATCH
    # Exact names and aliases first (an index lookup, and never lost behind a LIMIT), then names
    # with a word starting with the query: the only other rows `choose` can pick.
    rows = queries.clients_by_key(session, team_id, key) or queries.clients_by_word_start(
        session, team_id, key, RESOLVE_LIMIT
    )
    return _choose(query, rows)


def _choose(query: str, rows: list[tuple[int, str, str]]) -> Match:
    keys: dict[int, list[str]] = {}
    names: dict[int, str] = {}
    for client_id, name, row_key in rows:
        names[client_id] = name
        keys.setdefault(client_id, []).append(row_key)
    candidates = [Candidate(client_id=cid, name=names[cid], keys=tuple(k)) for cid, k in keys.items()]
    return choose(query, candidates)


# Rows fetched at once for all the phrases that start with one word; more, and each phrase is looked up.
POOL_LIMIT = OPTION_LIMIT


class Resolver:
    """Resolves typed phrases for one command, each phrase once.

    Splitting "acme great kickoff" into client and rest tries several leading phrases, and the
    winner is needed again afterwards. `pool(first_word)` fetches, in one query, every name and
    alias a phrase starting with that word could match; those phrases are then decided from it.
    """

    def __init__(self, session: Session, team_id: str) -> None:
        self.session, self.team_id = session, team_id
        self._seen: dict[str, Match] = {}
        self._pools: dict[str, list[tuple[int, str, str]] | None] = {}

    def __call__(self, phrase: str) -> Match:
        if phrase not in self._seen:
            found = self._from_pool(phrase)
            self._seen[phrase] = found if found is not None else resolve(self.session, self.team_id, phrase)
        return self._seen[phrase]

    def names_one(self, phrase: str) -> bool:
        return self(phrase).client_id is not None

    def pool(self, first_word: str) -> None:
        key = normalize(first_word)
        if key and key not in self._pools:
            rows = queries.clients_by_word_start(self.session, self.team_id, key, POOL_LIMIT + 1)
            self._pools[key] = rows if len(rows) <= POOL_LIMIT else None  # None: too many to hold

    def _from_pool(self, phrase: str) -> Match | None:
        """What `resolve` would answer, from a pool that holds every row it could return; else None."""
        wanted = normalize(phrase)
        for pool_key, rows in self._pools.items():
            # Every key that equals `wanted`, starts with it or has a word starting with it, also
            # starts with, or has a word starting with, any prefix of it: it is in that prefix's pool.
            if rows is None or not wanted.startswith(pool_key):
                continue
            exact = [row for row in rows if row[2] == wanted]
            if exact:
                return _choose(phrase, exact)
            partial = [row for row in rows if starts_at_a_word(row[2], wanted)]
            if len(partial) > RESOLVE_LIMIT:
                return None  # the database picks which ones to show; let it
            return _choose(phrase, partial)
        return None


def options(session: Session, team_id: str, query: str) -> list[tuple[int, str]]:
    """Clients for a type-ahead: exact names and aliases first, then names starting so, then word starts."""
    key = normalize(query)
    if not key:
        return [(c.id, c.name) for c in queries.all_clients(session, team_id, limit=OPTION_LIMIT)]
    rows = queries.clients_by_key(session, team_id, key) + queries.clients_by_word_start(
        session, team_id, key, OPTION_LIMIT
    )
    best: dict[int, tuple[int, str]] = {}
    for client_id, name, row_key in rows:
        rank = 0 if row_key == key else 1 if row_key.startswith(key) else 2
        if client_id not in best or rank < best[client_id][0]:
            best[client_id] = (rank, name)
    ordered = sorted(best.items(), key=lambda item: (item[1][0], item[1][1].lower()))
    return [(client_id, name) for client_id, (_, name) in ordered[:OPTION_LIMIT]]


@dataclass(frozen=True)
class Card:
    client: Client
    owners: dict[str, owners.Person | None]
    recent: list[CheckIn]
    average_90d: float | None
    weekly: list[float | None]
    trend: Trend
    last_touchpoint: Touchpoint | None
    aliases: list[str]
    health: Health | None = None


def exists(session: Session, team_id: str, client_id: int) -> bool:
    """The client is this workspace's and was not removed (a form may outlive it)."""
    return access.in_team(session, Client, client_id, team_id) is not None


def card(session: Session, team_id: str, client_id: int, now: datetime) -> Card | None:
    found = access.in_team(session, Client, client_id, team_id)
    if found is None:
        return None
    points = queries.checkin_points(session, team_id, [found.id], now - timedelta(days=90))[found.id]
    weekly = weekly_averages(points, now, weeks=8)
    people = owners.people(session, team_id, [found])
    return Card(
        client=found,
        owners={
            role: people.get(holder) if holder else None for role, holder in owners.holders(found).items()
        },
        recent=queries.recent_checkins(session, team_id, found.id, limit=5),
        average_90d=average(float(score) for _, score in points),
        weekly=weekly,
        trend=trend(weekly),
        last_touchpoint=queries.last_touchpoints(session, team_id, [found.id]).get(found.id),
        aliases=[a.alias for a in found.aliases],
        health=_health(session, team_id, found.id, now),
    )


def _health(session: Session, team_id: str, client_id: int, now: datetime) -> Health | None:
    from bot.services import health

    scored = health.of_client(session, team_id, client_id, now)
    return scored.health if scored is not None else None


@dataclass(frozen=True)
class Listing:
    """`/rapport clients`: the first clients by status and name, each with its lead, and how many in all."""

    clients: list[tuple[str, owners.Person | None]]
    total: int


def listing(session: Session, team_id: str, limit: int = 300) -> Listing:
    rows = queries.all_clients(session, team_id, limit=limit)
    leads = owners.people(session, team_id, rows, roles=("lead",))
    return Listing(
        [(c.name, leads.get(c.lead_id) if c.lead_id else None) for c in rows],
        queries.count_clients(session, team_id),
    )


def look_up(session: Session, team_id: str, query: str, now: datetime) -> Card | Problem:
    """`/rapport client NAME`: the card of the one client the words name, or why there is none."""
    if not query:
        return Problem("card.usage")
    match = resolve(session, team_id, query)
    if match.client_id is None:
        if match.kind == MatchKind.AMBIGUOUS:
            return Problem("card.ambiguous", {"query": query, "names": match.names()})
        return Problem("card.unknown", {"query": query})
    found = card(session, team_id, match.client_id, now)
    return found if found is not None else Problem("card.unknown", {"query": query})
