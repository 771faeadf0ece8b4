"""Who owns a client now: its lead, partner and backup. Every question about owners is answered here.

The Home tab, the client card, the client list, the importer and staff merging ask this module;
absence and handover will change the answers in this one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from bot.domain.ownership import ROLES
from bot.domain.ownership import role_of as _role_of
from storage.models import Client, Staff

_COLUMNS = {"lead": Client.lead_id, "partner": Client.partner_id, "backup": Client.backup_id}


@dataclass(frozen=True)
class Person:
    """An owner as views show them: a Slack mention when they are in Slack, else name or e-mail."""

    slack_user_id: str | None
    name: str | None
    email: str | None

    @classmethod
    def of(cls, staff: Staff) -> Person:
        return cls(staff.slack_user_id, staff.name, staff.email)


def holders(client: Client) -> dict[str, int | None]:
    """Role -> staff id (None where nobody holds it)."""
    return {role: getattr(client, f"{role}_id") for role in ROLES}


def get(client: Client, role: str) -> Staff | None:
    return getattr(client, role)  # type: ignore[no-any-return]


def put(client: Client, role: str, staff: Staff) -> bool:
    """Give a role to someone; True when that changed who holds it."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    if get(client, role) is staff:
        return False
    setattr(client, role, staff)
    return True


def role_of(client: Client, staff_id: int) -> str | None:
    return _role_of(holders(client), staff_id)


def owned_by(staff_id: int) -> ColumnElement[bool]:
    """SQL: the client has this person in any role."""
    return or_(*(column == staff_id for column in _COLUMNS.values()))


def clients_of(session: Session, team_id: str, staff_id: int) -> list[Client]:
    """Active clients this person owns in any role, by name."""
    return list(
        session.scalars(
            select(Client)
            .where(Client.team_id == team_id, Client.status == "active", owned_by(staff_id))
            .order_by(Client.name)
        )
    )


def people(
    session: Session, team_id: str, clients: Iterable[Client], roles: Iterable[str] = ROLES
) -> dict[int, Person]:
    """The people behind these clients' owners (in `roles`), by staff id, in one query."""
    wanted = tuple(roles)
    ids = {holder for c in clients for role, holder in holders(c).items() if role in wanted and holder}
    if not ids:
        return {}
    rows = session.scalars(select(Staff).where(Staff.team_id == team_id, Staff.id.in_(ids)))
    return {staff.id: Person.of(staff) for staff in rows}


def move_all(session: Session, team_id: str, *, from_id: int, to_id: int) -> None:
    """Every role one person holds, on every client, passes to another (staff rows being merged)."""
    for column in _COLUMNS.values():
        session.execute(
            update(Client)
            .where(Client.team_id == team_id, column == from_id)
            .values({column.key: to_id})
            .execution_options(synchronize_session=False)
        )
