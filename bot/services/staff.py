"""Staff profiles: who someone is in Slack, their time zone and their working hours."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.domain.hours import WorkingHours
from bot.services import owners
from storage import queries
from storage.models import CheckIn, FollowUp, FollowUpStep, Prompt, Staff, Touchpoint

log = logging.getLogger(__name__)

PROFILE_MAX_AGE = timedelta(days=1)


@dataclass(frozen=True)
class StaffRef:
    """Who is asking, as a request needs it: the staff row's id, workspace, Slack id, language, zone,
    working hours and how hard they want to be chased.

    Read as a plain row (loading the mapped object costs a request more than the rest of its
    reading); code that changes the person fetches the row with `row(session, ref)`.
    """

    id: int
    team_id: str
    slack_user_id: str | None
    locale: str | None
    tz: str | None
    profile_refreshed_at: datetime | None
    work_days: str = "mon-fri"
    work_start: str = "09:00"
    work_end: str = "17:30"
    intensity: str = "standard"

    @classmethod
    def of(cls, staff: Staff) -> StaffRef:
        return cls(
            staff.id,
            staff.team_id,
            staff.slack_user_id,
            staff.locale,
            staff.tz,
            staff.profile_refreshed_at,
            staff.work_days,
            staff.work_start,
            staff.work_end,
            staff.intensity,
        )


def ensure_staff(session: Session, team_id: str, user_id: str) -> StaffRef:
    """The Slack user's staff row, created the first time they use Rapport."""
    found = queries.staff_ref(session, team_id, user_id)
    if found is not None:
        return StaffRef(*found)
    queries.ensure_workspace(session, team_id)
    staff = Staff(team_id=team_id, slack_user_id=user_id)
    session.add(staff)
    session.flush()
    return StaffRef.of(staff)


def row(session: Session, ref: StaffRef) -> Staff:
    """The mapped staff row behind a reference, to change it."""
    staff = session.get(Staff, ref.id)
    assert staff is not None, "a staff row is never removed while a request uses it"
    return staff


class Person(NamedTuple):
    """A staff member as lists of people need one (a digest's owners, whose working days a silence is
    counted in): read as a plain row."""

    id: int
    slack_user_id: str | None
    name: str | None
    tz: str | None
    work_days: str
    work_start: str
    work_end: str


FEW = 50  # more people than this are read with the whole workspace's staff: no long list of ids to send


def people(session: Session, team_id: str, ids: Iterable[int | None]) -> dict[int, Person]:
    """These staff members of the workspace, by id (ids of no one are skipped)."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    query = select(
        Staff.id, Staff.slack_user_id, Staff.name, Staff.tz, Staff.work_days, Staff.work_start, Staff.work_end
    ).where(Staff.team_id == team_id)
    if len(wanted) <= FEW:
        query = query.where(Staff.id.in_(list(wanted)))
    return {row[0]: Person(*row) for row in session.connection().execute(query).all() if row[0] in wanted}


def working_hours(staff: Staff | StaffRef | Person) -> WorkingHours:
    try:
        return WorkingHours.parse(staff.work_days, staff.work_start, staff.work_end)
    except ValueError:
        log.warning("staff %s has unreadable working hours; using the defaults", staff.id)
        return WorkingHours()


def needs_profile(staff: Staff | StaffRef, now: datetime) -> bool:
    return staff.slack_user_id is not None and (
        staff.profile_refreshed_at is None or now - staff.profile_refreshed_at > PROFILE_MAX_AGE
    )


def apply_profile(session: Session, staff: Staff, user: dict, now: datetime) -> Staff:
    """Copy time zone, locale, name and e-mail from a Slack user object.

    A person imported by e-mail before they used Rapport is merged into this row, so owners set
    by e-mail in an import become linked the first time that person shows up.
    """
    profile = user.get("profile") or {}
    staff.tz = user.get("tz") or staff.tz
    staff.locale = user.get("locale") or staff.locale
    staff.name = profile.get("display_name") or user.get("real_name") or user.get("name") or staff.name
    if any(key in user for key in ("is_admin", "is_owner", "is_primary_owner")):
        staff.is_admin = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
    email = profile.get("email")
    if email:
        email = email.lower()
        twin = queries.staff_by_email(session, staff.team_id, email)
        if twin is not None and twin.id != staff.id and twin.slack_user_id is None:
            _merge_into(session, keep=staff, gone=twin)
        staff.email = email
    staff.profile_refreshed_at = now
    session.flush()
    return staff


def profile_changed(session: Session, team_id: str, user: dict, now: datetime) -> StaffRef | None:
    """Slack says a person's profile changed: copy it to their staff row, if they have one. The
    person as they are now, if their time zone changed."""
    staff = queries.staff_by_user(session, team_id, user.get("id") or "")
    if staff is None:
        return None
    zone_before = staff.tz
    apply_profile(session, staff, user, now)
    return StaffRef.of(staff) if staff.tz != zone_before else None


def refresh_profile(session: Session, client: WebClient, staff: Staff, now: datetime) -> Staff:
    """Ask Slack for the person's time zone and locale; keep what we had when Slack says no."""
    if staff.slack_user_id is None:
        return staff
    try:
        response = client.users_info(user=staff.slack_user_id, include_locale=True)
    except SlackApiError as error:
        log.warning("users.info failed for staff %s: %s", staff.id, error.response.get("error"))
        staff.profile_refreshed_at = now  # try again tomorrow, not on every message
        return staff
    return apply_profile(session, staff, response.get("user") or {}, now)


def _merge_into(session: Session, *, keep: Staff, gone: Staff) -> None:
    owners.move_all(session, keep.team_id, from_id=gone.id, to_id=keep.id)
    for model, columns in (
        (FollowUpStep, ("staff_id",)),
        (FollowUp, ("owner_id", "created_by_id")),
        (Touchpoint, ("staff_id",)),
        (CheckIn, ("staff_id",)),
        (Prompt, ("staff_id",)),
    ):
        for column in columns:
            attr = getattr(model, column)
            session.execute(
                update(model)
                .where(model.team_id == keep.team_id, attr == gone.id)
                .values({column: keep.id})
                .execution_options(synchronize_session=False)
            )
    session.delete(gone)
    session.flush()
