"""Recording touchpoints (meetings, calls, visits…) and queueing the prompt that follows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.matching import MatchKind
from bot.domain.text import split_client_and_rest
from bot.services import clients, prompts
from bot.services.checkins import Problem
from config.settings import Settings
from storage import queries
from storage.models import Prompt, Staff, Touchpoint

KINDS = ("meeting", "call", "email", "chat", "visit", "lunch", "workshop", "review", "other")
KIND_WORDS = {"meet": "meeting", "mail": "email", "e-mail": "email", "phone": "call", "videocall": "call"}
TITLE_MAX = 300


@dataclass(frozen=True)
class TouchpointDraft:
    client_id: int | None = None
    client_name: str | None = None
    kind: str = "meeting"
    title: str = ""


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
    draft = TouchpointDraft(
        client_id=match.client_id, client_name=match.candidates[0].name, kind=kind, title=title
    )
    if not title:
        return draft, Problem("touchpoint.problem.no_title")
    return draft, None


def record(
    session: Session,
    settings: Settings,
    *,
    team_id: str,
    staff: Staff,
    client_id: int,
    kind: str,
    title: str,
    happened_at: datetime,
    now: datetime,
    ends_at: datetime | None = None,
    source: str = "manual",
    external_id: str | None = None,
    permalink: str | None = None,
) -> tuple[Touchpoint, Prompt | None]:
    """Store a touchpoint once (by source + external id) and queue the prompt to whoever was there."""
    if queries.client(session, team_id, client_id) is None:
        raise ValueError("unknown client")
    if external_id:
        existing = session.scalars(
            select(Touchpoint).where(
                Touchpoint.team_id == team_id,
                Touchpoint.source == source,
                Touchpoint.external_id == external_id,
            )
        ).first()
        if existing is not None:
            return existing, None
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
        created_at=now,
    )
    session.add(touchpoint)
    session.flush()
    prompt = prompts.schedule(session, settings, touchpoint, staff, now) if staff.slack_user_id else None
    return touchpoint, prompt
