"""Recording touchpoints (meetings, calls, visits…) and queueing the prompt that follows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain import outreach
from bot.domain.matching import MatchKind
from bot.domain.problem import Problem
from bot.domain.text import split_client_and_rest
from bot.services import access, clients, prompts, quiet
from bot.services.staff import StaffRef
from config.settings import Settings
from storage import queries
from storage.models import Client, Touchpoint

KINDS = ("meeting", "call", "email", "chat", "visit", "lunch", "workshop", "review", "other")
KIND_WORDS = {"meet": "meeting", "mail": "email", "e-mail": "email", "phone": "call", "videocall": "call"}
TITLE_MAX = 300


@dataclass(frozen=True)
class TouchpointDraft:
    client_id: int | None = None
    client_name: str | None = None
    kind: str = "meeting"
    title: str = ""
    direction: str | None = None  # None: as the kind says (see bot.domain.outreach)
    contact: str | None = None  # the contact named, as typed


def interpret(session: Session, team_id: str, text: str) -> tuple[TouchpointDraft, Problem | None]:
    """`acme call with Jan` -> client Acme, kind call, title "call with Jan"."""
    words = text.split()
    if not words:
        return TouchpointDraft(), None

    resolve = clients.Resolver(session, team_id)
    query, rest = split_client_and_rest(words, resolve.names_one)
    rest_words = rest.split()
    kind = "meeting"
    if rest_words:
        first = rest_words[0].lower()
        kind = KIND_WORDS.get(first, first if first in KINDS else "meeting")
    title = rest[:TITLE_MAX]
    if not query:
        match = resolve(words[0])
        if match.kind == MatchKind.AMBIGUOUS:
            names = match.names()
            return TouchpointDraft(kind=kind, title=" ".join(words[1:])), Problem(
                "touchpoint.problem.ambiguous", {"query": words[0], "names": names}
            )
        return TouchpointDraft(kind=kind, title=" ".join(words[1:])[:TITLE_MAX]), Problem(
            "touchpoint.problem.unknown_client", {"query": words[0]}
        )
    match = resolve(query)
    said = outreach.read(rest_words, kind)
    draft = TouchpointDraft(
        client_id=match.client_id,
        client_name=match.candidates[0].name,
        kind=kind,
        title=title,
        direction=said.direction,
        contact=said.contact,
    )
    if not title:
        return draft, Problem("touchpoint.problem.no_title")
    return draft, None


@dataclass(frozen=True)
class Recorded:
    """A touchpoint just logged, as the person is told about it."""

    kind: str
    title: str
    client_name: str
    asks_at: datetime | None  # when the prompt will ask how it went, when that is later than now
    direction: str = outreach.BOTH
    contact_name: str | None = None
    waiting: str | None = None  # "waiting": an outreach now awaiting an answer; "answered": it closed one
    quiet_days: int | None = None  # when waiting: working days before the lead hears it went quiet


def record(
    session: Session,
    settings: Settings,
    *,
    team_id: str,
    staff: StaffRef,
    client_id: int,
    kind: str,
    title: str,
    happened_at: datetime,
    now: datetime,
    ends_at: datetime | None = None,
    source: str = "manual",
    external_id: str | None = None,
    permalink: str | None = None,
    direction: str | None = None,
    contact: str | None = None,
) -> Recorded:
    """Store a touchpoint once (by source + external id) and queue the prompt to whoever was there.

    Its direction (else the kind's) moves the named contact's last inbound or outbound moment, and
    opens or closes the client's waits for an answer (`services.quiet`)."""
    client = access.in_team(session, Client, client_id, team_id)
    if client is None:
        raise ValueError("unknown client")
    if external_id:
        existing = queries.touchpoint_by_external_id(session, team_id, source, external_id)
        if existing is not None:
            return Recorded(existing.kind, existing.title, existing.client.name, None)
    touchpoint = Touchpoint(
        team_id=team_id,
        client_id=client_id,
        staff_id=staff.id,
        kind=kind if kind in KINDS else "other",
        title=title[:TITLE_MAX] or kind.capitalize(),
        happened_at=happened_at,
        ends_at=ends_at,
        source=source,
        external_id=external_id,
        permalink=permalink,
        direction=direction if direction in outreach.DIRECTIONS else outreach.default_direction(kind),
        created_at=now,
    )
    session.add(touchpoint)
    session.flush()
    person = quiet.find_contact(session, client, contact) if contact else None
    waiting = quiet.note_touchpoint(session, touchpoint, person, staff, now)
    # How a client felt is asked after a conversation, not after a message they have not answered.
    asks = staff.slack_user_id and touchpoint.direction != outreach.OUTBOUND
    prompt = prompts.schedule(session, settings, touchpoint, staff, now) if asks else None
    later = prompt.due_at if prompt is not None and prompt.due_at > now else None
    return Recorded(
        touchpoint.kind,
        touchpoint.title,
        touchpoint.client.name,
        later,
        touchpoint.direction,
        person.name if person else None,
        waiting,
        quiet.quiet_days(session, client) if waiting == "waiting" else None,
    )
