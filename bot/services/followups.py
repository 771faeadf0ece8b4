"""Follow-ups: promises made to clients, chased at the right moment for their owner until done.

A follow-up's nudges are data on its row: `next_nudge_at` says when its owner is told next and
`stage` which nudge that is (the due nudge, reminders, then the client's partner or backup told once).
The clock claims a due row with a conditional UPDATE that moves it to its next stage, so two clocks
never nudge twice; what the nudge looks like is drawn when it is sent (`bot.jobs.followups`).
Every change is kept as a step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.domain import intensity, when
from bot.domain.hours import WorkingHours, next_working_moment
from bot.domain.matching import MatchKind
from bot.domain.ownership import ROLES
from bot.domain.problem import Problem
from bot.domain.text import split_client_and_rest
from bot.services import access, clients, outbox, owners
from bot.services.staff import StaffRef, working_hours
from storage.models import CheckIn, Client, FollowUp, FollowUpStep, Staff

WHAT_MAX = 500
OPEN = "open"
# Outbox kinds: the nudge at the due moment, its reminders, and the word to the partner or backup.
DUE, REMINDER, ESCALATION = "followup_due", "followup_reminder", "followup_escalation"
SNOOZES = ("later_today", "tomorrow", "next_week")


@dataclass(frozen=True)
class Draft:
    """A follow-up being put together; what its form is pre-filled with."""

    client_id: int | None = None
    client_name: str | None = None
    what: str = ""
    due: when.Due | None = None
    due_words: str | None = None  # the words that said when


@dataclass(frozen=True)
class FollowUpFacts:
    """A follow-up as its owner is told about it."""

    followup_id: int
    client_name: str
    what: str
    due_at: datetime
    has_time: bool
    made_at: datetime
    status: str
    owner_user_id: str | None
    tz: str | None
    locale: str | None
    stage: str = "due"  # the nudge that comes next: due, reminder, escalate or none

    def overdue(self, now: datetime) -> bool:
        return self.status == OPEN and self.due_at < now


def facts_of(followup: FollowUp) -> FollowUpFacts:
    owner = followup.owner
    return FollowUpFacts(
        followup_id=followup.id,
        client_name=followup.client.name,
        what=followup.what,
        due_at=followup.due_at,
        has_time=followup.has_time,
        made_at=followup.created_at,
        status=followup.status,
        owner_user_id=owner.slack_user_id if owner else None,
        tz=owner.tz if owner else None,
        locale=owner.locale if owner else None,
        stage=followup.stage,
    )


# --- reading what was typed ------------------------------------------------------------------------


def interpret(session: Session, staff: StaffRef, text: str, now: datetime) -> tuple[Draft, Problem | None]:
    """`acme call Jan back about the invoice friday` -> client Acme, the promise, due Friday."""
    words = text.split()
    if not words:
        return Draft(), None
    resolve = clients.Resolver(session, staff.team_id)
    query, rest = split_client_and_rest(words, resolve.names_one)
    if not query:
        match = resolve(words[0])
        draft = Draft(what=" ".join(words[1:])[:WHAT_MAX])
        if match.kind == MatchKind.AMBIGUOUS:
            return draft, Problem("followup.problem.ambiguous", {"query": words[0], "names": match.names()})
        return draft, Problem("followup.problem.unknown_client", {"query": words[0]})
    match = resolve(query)
    client_id, client_name = match.client_id, match.candidates[0].name
    rest_words = rest.split()
    promise, due = when.split_when(rest_words, now, staff.tz, working_hours(staff))
    what = " ".join(promise)[:WHAT_MAX]
    due_words = " ".join(rest_words[len(promise) :]) if due else None
    draft = Draft(client_id=client_id, client_name=client_name, what=what, due=due, due_words=due_words)
    if not what:
        return draft, Problem("followup.problem.no_what")
    if due is None:
        return draft, Problem("followup.problem.no_when")
    return draft, None


# --- making and changing follow-ups ----------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    followup_id: int
    client_name: str
    what: str
    due: when.Due


def record(
    session: Session,
    *,
    owner: StaffRef,
    client_id: int,
    what: str,
    due: when.Due,
    now: datetime,
    due_words: str | None = None,
    source: str = "command",
    made_by: StaffRef | None = None,
    checkin_id: int | None = None,
) -> Recorded:
    """Store a promise owned by `owner`, its first nudge scheduled in their working hours.

    `due_words` (what said when) are kept with the zone they were read in, so `rezone` can read them
    again in the owner's own zone once it is known."""
    client = access.in_team(session, Client, client_id, owner.team_id)
    if client is None:
        raise ValueError("unknown client")
    first = when.first_nudge(due, now, owner.tz, working_hours(owner))
    followup = FollowUp(
        team_id=owner.team_id,
        client_id=client.id,
        owner_id=owner.id,
        created_by_id=(made_by or owner).id,
        checkin_id=checkin_id
        if access.of_person(session, CheckIn, checkin_id, owner.team_id, owner.id)
        else None,
        kind="recovery" if source == "recovery" else "promise",
        what=what[:WHAT_MAX],
        due_at=due.at,
        has_time=due.has_time,
        due_words=(due_words or "")[:200] or None,
        due_zone=owner.tz,
        status=OPEN,
        source=source,
        next_nudge_at=first,
        stage="due",
        reminders_sent=0,
        created_at=now,
    )
    session.add(followup)
    session.flush()
    _step(session, followup, "made", (made_by or owner).id, now)
    return Recorded(followup.id, client.name, followup.what, due)


def _step(
    session: Session,
    followup: FollowUp,
    step: str,
    staff_id: int | None,
    now: datetime,
    detail: str | None = None,
) -> None:
    session.add(
        FollowUpStep(
            team_id=followup.team_id,
            followup_id=followup.id,
            at=now,
            step=step,
            staff_id=staff_id,
            detail=detail,
        )
    )


@dataclass(frozen=True)
class Outcome:
    """What a click did; `changed` is False when the follow-up was already settled another way."""

    facts: FollowUpFacts
    change: str
    changed: bool
    until: datetime | None = None
    new_owner_user_id: str | None = None


def _settle(
    session: Session, staff: StaffRef, followup_id: int | None, to: str, now: datetime, change: str
) -> Outcome | None:
    followup = _reachable(session, staff, followup_id)
    if followup is None:
        return None
    moved = session.execute(
        update(FollowUp)
        .where(FollowUp.id == followup.id, FollowUp.status == OPEN)
        .values(status=to, done_at=now, next_nudge_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    session.refresh(followup)
    if moved:
        _step(session, followup, change, staff.id, now)
    return Outcome(facts_of(followup), change, changed=bool(moved))


def _reachable(session: Session, staff: StaffRef, followup_id: int | None) -> FollowUp | None:
    """A follow-up its owner may change; its client's lead, partner and backup may too (they are told
    when it is escalated)."""
    followup = access.in_team(session, FollowUp, followup_id, staff.team_id)
    if followup is None:
        return None
    if followup.owner_id == staff.id or owners.role_of(followup.client, staff.id) is not None:
        return followup
    return None


def done(session: Session, staff: StaffRef, followup_id: int | None, now: datetime) -> Outcome | None:
    return _settle(session, staff, followup_id, "done", now, "done")


def not_needed(session: Session, staff: StaffRef, followup_id: int | None, now: datetime) -> Outcome | None:
    return _settle(session, staff, followup_id, "not_needed", now, "not_needed")


def reopen(session: Session, staff: StaffRef, followup_id: int | None, now: datetime) -> Outcome | None:
    """Undo of Done or Not needed: open again, nudged from now on as if just made due."""
    followup = _reachable(session, staff, followup_id)
    if followup is None:
        return None
    owner = followup.owner
    tz, wh = (owner.tz, working_hours(owner)) if owner else (None, working_hours(staff))
    nudge = when.first_nudge(when.Due(followup.due_at, followup.has_time), now, tz, wh)
    moved = session.execute(
        update(FollowUp)
        .where(FollowUp.id == followup.id, FollowUp.status.in_(["done", "not_needed"]))
        .values(status=OPEN, done_at=None, next_nudge_at=max(nudge, now), stage="due", reminders_sent=0)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    session.refresh(followup)
    if moved:
        _step(session, followup, "reopened", staff.id, now)
    return Outcome(facts_of(followup), "undo", changed=bool(moved))


def snooze(
    session: Session, staff: StaffRef, followup_id: int | None, choice: str, now: datetime
) -> Outcome | None:
    """Ask again later: the due nudge comes back at the chosen moment, and its reminders after it."""
    followup = _reachable(session, staff, followup_id)
    if followup is None or choice not in SNOOZES:
        return None
    until = when.snooze_until(choice, now, staff.tz, working_hours(staff))
    moved = session.execute(
        update(FollowUp)
        .where(FollowUp.id == followup.id, FollowUp.status == OPEN)
        .values(snoozed_until=until, next_nudge_at=until, stage="due", reminders_sent=0)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    session.refresh(followup)
    if moved:
        _step(session, followup, "snoozed", staff.id, now, choice)
    return Outcome(facts_of(followup), "snooze", changed=bool(moved), until=until)


def reassign(
    session: Session, staff: StaffRef, followup_id: int | None, to_user: str, now: datetime
) -> Outcome | None:
    """Hand the promise to a colleague: they own it and are nudged from now on, in their hours."""
    from bot.services.staff import ensure_staff  # the new owner may not have used Rapport yet

    followup = _reachable(session, staff, followup_id)
    if followup is None or not to_user:
        return None
    new_owner = ensure_staff(session, staff.team_id, to_user)
    nudge = when.first_nudge(
        when.Due(followup.due_at, followup.has_time), now, new_owner.tz, working_hours(new_owner)
    )
    moved = session.execute(
        update(FollowUp)
        .where(FollowUp.id == followup.id, FollowUp.status == OPEN)
        .values(owner_id=new_owner.id, next_nudge_at=max(nudge, now), stage="due", reminders_sent=0)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    session.refresh(followup)
    if moved:
        _step(session, followup, "reassigned", staff.id, now, to_user)
    return Outcome(facts_of(followup), "reassign", changed=bool(moved), new_owner_user_id=to_user)


CHANGES = {
    "done": lambda session, staff, fid, _arg, now: done(session, staff, fid, now),
    "not_needed": lambda session, staff, fid, _arg, now: not_needed(session, staff, fid, now),
    "undo": lambda session, staff, fid, _arg, now: reopen(session, staff, fid, now),
    "snooze": snooze,
    "reassign": reassign,
}


def click(
    session: Session, staff: StaffRef, followup_id: int, change: str, arg: str, now: datetime
) -> Outcome | None:
    apply = CHANGES.get(change)
    return apply(session, staff, followup_id, arg, now) if apply is not None else None


def rezone(session: Session, owner: StaffRef, now: datetime) -> int:
    """The owner's zone became known or changed: read their open promises' words again in it, so a
    promise due "friday" is due by the end of their Friday, and nudged in their morning. How many
    changed."""
    changed = 0
    wh = working_hours(owner)
    for followup in _owned_open(session, owner):
        if followup.due_zone == owner.tz or not followup.due_words:
            continue
        due = when.read_when(followup.due_words, followup.created_at, owner.tz, wh)
        if due is None:  # no longer readable as it was (a moment now past): keep what it had
            followup.due_zone = owner.tz
            continue
        followup.due_at, followup.has_time, followup.due_zone = due.at, due.has_time, owner.tz
        if followup.stage == "due" and followup.nudged_at is None:
            followup.next_nudge_at = max(when.first_nudge(due, followup.created_at, owner.tz, wh), now)
        _step(session, followup, "rezoned", None, now, owner.tz)
        changed += 1
    session.flush()
    return changed


def replan(session: Session, owner: StaffRef, now: datetime) -> int:
    """The owner's working days or hours changed: every next nudge of their open promises that now
    falls outside them moves to the next moment inside them (never earlier than it was planned, so
    nothing comes sooner than promised). How many moved."""
    moved = 0
    wh = working_hours(owner)
    for followup in _owned_open(session, owner):
        planned = followup.next_nudge_at
        if planned is None:
            continue
        then = next_working_moment(max(planned, now), owner.tz, wh)
        if then == planned:
            continue
        followup.next_nudge_at = then
        _step(session, followup, "replanned", owner.id, now, wh.describe())
        moved += 1
    session.flush()
    return moved


def _owned_open(session: Session, owner: StaffRef) -> list[FollowUp]:
    return list(
        session.scalars(
            select(FollowUp).where(
                FollowUp.team_id == owner.team_id, FollowUp.owner_id == owner.id, FollowUp.status == OPEN
            )
        )
    )


# --- what is open -----------------------------------------------------------------------------------


def open_of(session: Session, staff: StaffRef, limit: int = 50) -> list[FollowUpFacts]:
    """My open follow-ups, overdue first (the longest overdue first), then by due moment."""
    rows = session.scalars(
        select(FollowUp)
        .where(FollowUp.team_id == staff.team_id, FollowUp.owner_id == staff.id, FollowUp.status == OPEN)
        .order_by(FollowUp.due_at, FollowUp.id)
        .limit(limit)
    )
    return [facts_of(row) for row in rows]


def open_for_client(session: Session, team_id: str, client_id: int, limit: int = 5) -> list[FollowUpFacts]:
    """A client's open follow-ups, whoever owes them, soonest due first."""
    rows = session.scalars(
        select(FollowUp)
        .where(FollowUp.team_id == team_id, FollowUp.client_id == client_id, FollowUp.status == OPEN)
        .order_by(FollowUp.due_at, FollowUp.id)
        .limit(limit)
    )
    return [facts_of(row) for row in rows]


def facts(session: Session, team_id: str, followup_id: int | None) -> FollowUpFacts | None:
    followup = access.in_team(session, FollowUp, followup_id, team_id)
    return facts_of(followup) if followup is not None else None


# --- the clock ----------------------------------------------------------------------------------------


def advance(session: Session, now: datetime, limit: int = 200) -> dict[str, int]:
    """Queue every nudge that is due: the due nudge, reminders, then the partner or backup told once.

    Each row is claimed by moving it to its next stage with a conditional UPDATE, so a second clock
    finds nothing left to do; each nudge is queued under its own key (follow-up, stage).
    """
    counts = {"followups_nudged": 0, "followups_reminded": 0, "followups_escalated": 0}
    due_rows = session.scalars(
        select(FollowUp.id)
        .where(FollowUp.status == OPEN, FollowUp.next_nudge_at <= now)
        .order_by(FollowUp.next_nudge_at)
        .limit(limit)
    ).all()
    for followup_id in due_rows:
        followup = session.get(FollowUp, followup_id)
        if followup is None or followup.next_nudge_at is None:
            continue
        stage, was = followup.stage, followup.next_nudge_at
        owner = followup.owner
        tz, wh = (owner.tz, working_hours(owner)) if owner else (None, None)
        most = intensity.followup_reminders(owner.intensity if owner else None)
        nxt, stage_after, reminders_sent = _after(followup, now, tz, wh, most)
        moved = session.execute(
            update(FollowUp)
            .where(
                FollowUp.id == followup.id,
                FollowUp.status == OPEN,
                FollowUp.stage == stage,
                FollowUp.next_nudge_at == was,
            )
            .values(
                next_nudge_at=nxt,
                stage=stage_after,
                reminders_sent=reminders_sent,
                # the due nudge is what the reminders count from
                nudged_at=now if stage == "due" else followup.nudged_at,
            )
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        if not moved:
            continue  # another clock took it
        session.refresh(followup)
        if stage == "escalate":
            followup.escalated_at = now
            told = _escalate(session, followup, now, was)
            _step(session, followup, "escalated", None, now, told)
            counts["followups_escalated"] += 1
            continue
        if owner is None or not owner.slack_user_id:
            _step(session, followup, "not_nudged", None, now, "its owner is not in Slack")
            continue
        kind = DUE if stage == "due" else REMINDER
        label = "due" if stage == "due" else f"reminder-{reminders_sent}"
        outbox.enqueue(
            session,
            team_id=followup.team_id,
            kind=kind,
            channel=owner.slack_user_id,
            not_before=now,
            recipient_staff_id=owner.id,
            ref=("followup", followup.id),
            key=outbox.nudge_key("followup", followup.id, label, was),
        )
        _step(session, followup, "nudged" if stage == "due" else "reminded", None, now, label)
        counts["followups_nudged" if stage == "due" else "followups_reminded"] += 1
    session.flush()
    return counts


def _after(
    followup: FollowUp, now: datetime, tz: str | None, wh: WorkingHours | None, most: int
) -> tuple[datetime | None, str, int]:
    """The next nudge after this one: (when, which, reminders sent by then). Reminders follow the
    due nudge on the plan `when.reminders` gives, at most `most` of them (the owner's intensity
    says how many); after the last one, the escalation."""
    hours = wh or WorkingHours()
    if followup.stage == "due":
        plan = when.reminders(now, tz, hours, max_count=most)
        return (plan[0], "reminder", 0) if plan else (None, "none", 0)
    if followup.stage == "reminder":
        sent = followup.reminders_sent + 1
        anchor = followup.nudged_at or now
        plan = when.reminders(anchor, tz, hours, max_count=most)
        if sent < len(plan):
            return plan[sent], "reminder", sent
        # The owner keeps the whole day of the reminder going out now, also when it is one more than
        # their plan has (they chose fewer reminders after the earlier ones were sent).
        return when.escalation([*plan, now], tz, hours), "escalate", sent
    return None, "none", followup.reminders_sent


def _escalate(session: Session, followup: FollowUp, now: datetime, was: datetime) -> str:
    """Tell the client's partner, or its backup, once; say who was told (or that nobody could be)."""
    client = followup.client
    for role in ROLES[1:]:  # partner, then backup
        person: Staff | None = owners.get(client, role)
        if person is not None and person.id != followup.owner_id and person.slack_user_id:
            outbox.enqueue(
                session,
                team_id=followup.team_id,
                kind=ESCALATION,
                channel=person.slack_user_id,
                not_before=now,
                recipient_staff_id=person.id,
                ref=("followup", followup.id),
                key=outbox.nudge_key("followup", followup.id, "escalation", was),
            )
            return f"{role} {person.slack_user_id}"
    return "nobody: the client has no partner or backup in Slack"
