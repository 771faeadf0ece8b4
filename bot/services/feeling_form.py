"""The feeling form: what it is pre-filled with, and what submitting it does.

One form serves three purposes: a new check-in, the answer to a DM prompt (with a note and
expectations), and details added to a check-in logged in one click.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from bot.services import access, checkins, followups, prompts
from bot.services.checkins import Draft
from bot.services.prompts import PromptFacts
from bot.services.staff import StaffRef
from storage.models import CheckIn, Client


@dataclass(frozen=True)
class Details:
    """The form for adding details to a check-in: its draft, and the prompt it answered, if any."""

    draft: Draft
    client_name: str
    prompt_id: int | None
    touchpoint_title: str | None


def details(session: Session, team_id: str, staff: StaffRef, checkin_id: int | None) -> Details | None:
    """None when the check-in is gone or not this person's."""
    checkin = access.of_person(session, CheckIn, checkin_id, team_id, staff.id)
    if checkin is None:
        return None
    prompt = prompts.answered_by(session, team_id, checkin.id)
    return Details(
        draft=checkins.draft_for_checkin(checkin),
        client_name=checkin.client.name,
        prompt_id=prompt.id if prompt else None,
        touchpoint_title=prompt.touchpoint.title if prompt else None,
    )


@dataclass(frozen=True)
class Saved:
    client_name: str
    checkin_id: int | None
    amended: bool  # details added to an existing check-in
    prompt: PromptFacts | None = None  # the prompt answered, to redraw its DM
    prompt_message: tuple[str | None, str | None] = (None, None)  # where that DM is
    followup: followups.Recorded | None = None  # the form's "Follow-up needed", recorded


def save(
    session: Session,
    team_id: str,
    staff: StaffRef,
    draft: Draft,
    *,
    prompt_id: int | None,
    checkin_id: int | None,
    now: datetime,
    followup: followups.Draft | None = None,
) -> Saved:
    """The check-in saved, and the follow-up the form asked for recorded with it."""
    saved = _save_checkin(session, team_id, staff, draft, prompt_id=prompt_id, checkin_id=checkin_id, now=now)
    if followup is None or followup.due is None or saved.checkin_id is None:
        return saved
    checkin = access.of_person(session, CheckIn, saved.checkin_id, team_id, staff.id)
    if checkin is None:
        return saved
    recorded = followups.record(
        session,
        owner=staff,
        client_id=checkin.client_id,
        what=followup.what,
        due=followup.due,
        due_words=followup.due_words,
        now=now,
        source="checkin",
        checkin_id=checkin.id,
    )
    return replace(saved, followup=recorded)


def _save_checkin(
    session: Session,
    team_id: str,
    staff: StaffRef,
    draft: Draft,
    *,
    prompt_id: int | None,
    checkin_id: int | None,
    now: datetime,
) -> Saved:
    if prompt_id is not None:
        outcome = prompts.answer(session, team_id, staff, prompt_id, draft, now)
        if outcome is not None and not outcome.changed and outcome.prompt.checkin_id:
            # Answered already (one click on a face): the form adds its details to that check-in.
            amended = checkins.amend(session, team_id, staff, outcome.prompt.checkin_id, draft)
            saved_id = amended.id if amended else None
        else:
            saved_id = outcome.checkin_id if outcome else None
        facts = prompts.facts(session, team_id, prompt_id)
        where = (outcome.prompt.channel_id, outcome.prompt.message_ts) if outcome else (None, None)
        return Saved(facts.client_name if facts else "", saved_id, False, facts, where)
    if checkin_id is not None:
        amended = checkins.amend(session, team_id, staff, checkin_id, draft)
        return Saved(amended.client.name if amended else "", checkin_id if amended else None, True)
    new_id = checkins.log(session, team_id, staff.id, draft, source="modal", now=now)
    client = access.in_team(session, Client, draft.client_id, team_id)
    return Saved(client.name if client else "", new_id, False)
