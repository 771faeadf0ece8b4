"""May this person touch this row? Every row belongs to one workspace; some also to one person in it.

Asked here and nowhere else, so a new kind of row (a follow-up, a digest) gets the same answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.orm import Session

from storage.models import CheckIn, FollowUp, Prompt

if TYPE_CHECKING:
    from bot.services.staff import StaffRef

Row = TypeVar("Row")

# Which column names the person a row belongs to.
PERSON_COLUMN: dict[type[Any], str] = {CheckIn: "staff_id", Prompt: "staff_id", FollowUp: "owner_id"}


def in_team(session: Session, model: type[Row], row_id: int | None, team_id: str) -> Row | None:
    """The row, when it exists and belongs to this workspace; else None (another workspace's rows
    look exactly like rows that do not exist)."""
    if row_id is None:
        return None
    row = session.get(model, row_id)
    return row if row is not None and getattr(row, "team_id", None) == team_id else None


def of_person(
    session: Session, model: type[Row], row_id: int | None, team_id: str, staff_id: int
) -> Row | None:
    """The row, when it belongs to this workspace and to this person in it; else None."""
    row = in_team(session, model, row_id, team_id)
    return row if row is not None and getattr(row, PERSON_COLUMN[model]) == staff_id else None


def may_export(staff: StaffRef) -> bool:
    """Anyone in a workspace may export its data (`/rapport export`): everyone there sees every client's
    card, check-ins and owners in Slack already. The export holds that workspace's rows only."""
    return bool(staff.team_id)
