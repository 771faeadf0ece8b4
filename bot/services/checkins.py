"""Logging how a client felt: from a command, the modal, a DM prompt button or the Home tab."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain.feelings import SCORE_MAX, SCORE_MIN, Expectation, is_bad
from bot.domain.matching import MatchKind
from bot.domain.problem import Problem
from bot.domain.text import NOTE_MAX, parse_feeling, split_client_and_rest
from bot.services import access, clients, outbox, owners
from bot.services.staff import StaffRef
from storage import queries
from storage.models import CheckIn, Client, Staff


@dataclass(frozen=True)
class Draft:
    """A check-in being put together; what the modal is pre-filled with."""

    client_id: int | None = None
    client_name: str | None = None
    score: int | None = None
    expectation: str | None = None
    note: str = ""
    tags: tuple[str, ...] = ()
    touchpoint_id: int | None = None
    prompt_id: int | None = None

    @property
    def complete(self) -> bool:
        return self.client_id is not None and self.score is not None


@dataclass(frozen=True)
class Interpretation:
    draft: Draft
    problem: Problem | None = None

    @property
    def ready(self) -> bool:
        return self.problem is None and self.draft.complete


def interpret(session: Session, team_id: str, text: str) -> Interpretation:
    """Read `/feeling` text. Ready means log now; otherwise the modal opens with the draft."""
    text = text.strip()
    if not text:
        return Interpretation(Draft())
    parsed = parse_feeling(text)
    score = parsed.score
    note = parsed.note
    problem: Problem | None = None

    resolve = clients.Resolver(session, team_id)

    if parsed.score is None and parsed.bad_score is None:
        # "/feeling acme great kickoff": the longest run of leading words naming a client. Every
        # run starts with the first word, so one query fetches what any of them can match.
        if len(parsed.words) > 1:
            resolve.pool(parsed.words[0])
        query, rest = split_client_and_rest(parsed.words, resolve.names_one)
        if query:
            note = rest
        else:
            query = " ".join(parsed.words)
    else:
        query = " ".join(parsed.words)

    client_id: int | None = None
    client_name: str | None = None
    if parsed.mention:
        problem = Problem("feeling.problem.mention", {"mention": _mention_text(parsed.mention)})
    elif query:
        match = resolve(query)
        if match.client_id is not None:
            client_id, client_name = match.client_id, match.candidates[0].name
        elif match.kind == MatchKind.AMBIGUOUS:
            names = match.names()
            problem = Problem("feeling.problem.ambiguous", {"query": query, "names": names})
        elif not queries.has_clients(session, team_id):
            problem = Problem("feeling.problem.no_clients")
        else:
            problem = Problem("feeling.problem.unknown_client", {"query": query})

    if parsed.bad_score is not None:
        problem = Problem("feeling.problem.bad_score", {"value": parsed.bad_score})
    elif len(note) > NOTE_MAX:
        problem = Problem("feeling.problem.note_too_long", {"length": len(note), "limit": NOTE_MAX})

    draft = Draft(client_id=client_id, client_name=client_name, score=score, note=note)
    return Interpretation(draft, problem)


def _mention_text(mention: str) -> str:
    return mention if mention.startswith("@") else f"<@{mention}>"


def log(
    session: Session,
    team_id: str,
    staff_id: int,
    draft: Draft,
    *,
    source: str,
    now: datetime,
) -> int:
    """Store a complete draft; the new check-in's id. ValueError for what the caller should have checked."""
    if draft.score is None or not SCORE_MIN <= draft.score <= SCORE_MAX:
        raise ValueError("score must be 1..5")
    expectation = Expectation(draft.expectation).value if draft.expectation else None
    checkin_id = (
        queries.insert_checkin(
            session,
            team_id,
            draft.client_id,
            staff_id=staff_id,
            touchpoint_id=draft.touchpoint_id,
            score=draft.score,
            expectation=expectation,
            note=draft.note or None,
            tags=list(draft.tags),
            source=source,
            created_at=now,
        )
        if draft.client_id is not None
        else None
    )
    if checkin_id is None:
        raise ValueError("unknown client")
    if is_bad(draft.score, Expectation(expectation) if expectation else None):
        _tell_the_lead(session, team_id, draft.client_id, staff_id, checkin_id, now)
    return checkin_id


BAD = "checkin_bad"  # outbox kind: the client's lead told of a bad check-in someone else logged


def _tell_the_lead(
    session: Session, team_id: str, client_id: int | None, staff_id: int, checkin_id: int, now: datetime
) -> None:
    """A bad check-in by someone other than the client's lead: the lead hears of it, in their hours."""
    client = access.in_team(session, Client, client_id, team_id)
    lead = owners.get(client, "lead") if client is not None else None
    if lead is None or lead.id == staff_id or not lead.slack_user_id:
        return
    outbox.enqueue(
        session,
        team_id=team_id,
        kind=BAD,
        channel=lead.slack_user_id,
        not_before=now,
        recipient_staff_id=lead.id,
        ref=("checkin", checkin_id),
        key=(f"checkin:{checkin_id}", "bad"),
    )


@dataclass(frozen=True)
class BadCheckIn:
    """A bad check-in as the client's lead is told of it."""

    checkin_id: int
    client_name: str
    score: int
    expectation: str | None
    note: str | None
    by_user_id: str | None
    lead_locale: str | None


def bad_facts(session: Session, team_id: str, checkin_id: int | None) -> BadCheckIn | None:
    """The check-in to tell the lead about; None once it was undone."""
    checkin = access.in_team(session, CheckIn, checkin_id, team_id)
    if checkin is None:
        return None
    author = session.get(Staff, checkin.staff_id) if checkin.staff_id else None
    lead = owners.get(checkin.client, "lead")
    return BadCheckIn(
        checkin.id,
        checkin.client.name,
        checkin.score,
        checkin.expectation,
        checkin.note,
        author.slack_user_id if author else None,
        lead.locale if lead else None,
    )


def undo(session: Session, team_id: str, staff: StaffRef, checkin_id: int | None) -> str | None:
    """Remove a check-in its author just logged; a prompt it answered becomes open again.

    The client's name, to say what was removed; None when there was nothing of theirs to remove.
    """
    checkin = access.of_person(session, CheckIn, checkin_id, team_id, staff.id)
    if checkin is None:
        return None
    client_name = checkin.client.name
    prompt = queries.prompt_answered_by(session, team_id, checkin.id)
    if prompt is not None:
        prompt.checkin_id = None
        prompt.status = "reminded" if prompt.reminded_at else "sent"
        prompt.answered_at = None
    session.delete(checkin)  # its week's sums follow (storage.weeks)
    session.flush()
    return client_name


def amend(session: Session, team_id: str, staff: StaffRef, checkin_id: int, draft: Draft) -> CheckIn | None:
    """Add a note, expectations or tags to a check-in after a one-click answer."""
    checkin = access.of_person(session, CheckIn, checkin_id, team_id, staff.id)
    if checkin is None:
        return None
    if draft.score is not None:  # its week's sums follow (storage.weeks)
        checkin.score = draft.score
    checkin.expectation = Expectation(draft.expectation).value if draft.expectation else None
    checkin.note = draft.note or None
    checkin.tags = list(draft.tags)
    session.flush()
    return checkin


def draft_for_checkin(checkin: CheckIn) -> Draft:
    return Draft(
        client_id=checkin.client_id,
        client_name=checkin.client.name,
        score=checkin.score,
        expectation=checkin.expectation,
        note=checkin.note or "",
        tags=tuple(checkin.tags or ()),
        touchpoint_id=checkin.touchpoint_id,
    )


def draft_for_client(session: Session, team_id: str, client_id: int | None) -> Draft:
    """A new check-in for this client (an empty one when it is not this workspace's)."""
    found = access.in_team(session, Client, client_id, team_id)
    return Draft(client_id=found.id, client_name=found.name) if found else Draft()


def draft_for_checkin_client(session: Session, staff: StaffRef, checkin_id: int | None) -> Draft | None:
    """The client of one of this person's check-ins, to make a follow-up for it."""
    checkin = access.of_person(session, CheckIn, checkin_id, staff.team_id, staff.id)
    return Draft(client_id=checkin.client_id, client_name=checkin.client.name) if checkin else None
