"""A person's own settings: the working days and hours Rapport keeps to, and how hard it chases them.

Changed with `/rapport settings` (its form, or typed: `hours 08:30-17:00`, `days mon-thu`,
`intensity light`). New working days or hours move the next nudge of every open promise of theirs
into them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time

from sqlalchemy.orm import Session

from bot.domain import intensity
from bot.domain.hours import WorkingHours, days_text, parse_days, parse_span
from bot.domain.problem import Problem
from bot.services import followups, quiet
from bot.services.staff import StaffRef, row, working_hours

TEXT_QUOTED_MAX = 60  # how much of what was typed is quoted back in a problem

# The first word of `/rapport settings WORD …`, in English or Dutch.
_HOURS_WORDS = frozenset({"hours", "hour", "time", "times", "uren", "tijden", "werktijden"})
_DAYS_WORDS = frozenset({"days", "day", "dagen", "werkdagen"})
_INTENSITY_WORDS = frozenset({"intensity", "intensiteit", "reminders", "herinneringen"})


@dataclass(frozen=True)
class Current:
    """What a person's settings are: their zone as Slack gives it (None until Slack has said),
    working days and hours, and intensity."""

    tz: str | None
    hours: WorkingHours
    intensity: str
    locale: str | None


def current(staff: StaffRef) -> Current:
    return Current(staff.tz, working_hours(staff), intensity.known(staff.intensity), staff.locale)


@dataclass(frozen=True)
class Change:
    """What to change; None keeps what is there."""

    days: frozenset[int] | None = None
    start: time | None = None
    end: time | None = None
    intensity: str | None = None


@dataclass(frozen=True)
class Saved:
    """What a change did: the settings before and after it, which of days, hours and intensity
    changed, and how many nudges of open promises moved into the new working time."""

    before: Current
    after: Current
    changed: tuple[str, ...]
    replanned: int


def _quoted(text: str) -> str:
    text = text.strip()
    return text if len(text) <= TEXT_QUOTED_MAX else text[: TEXT_QUOTED_MAX - 1] + "…"


def read(text: str) -> Change | Problem | None:
    """What `/rapport settings …` asks for: None (nothing typed: show them), a change, or why it
    could not be read."""
    words = text.split(None, 1)
    if not words:
        return None
    word, rest = words[0].lower(), (words[1] if len(words) > 1 else "").strip()
    if word in _HOURS_WORDS:
        try:
            start, end = parse_span(rest)
        except ValueError:
            return Problem("settings.problem.hours", {"text": _quoted(rest)})
        return Change(start=start, end=end)
    if word in _DAYS_WORDS:
        try:
            return Change(days=parse_days(rest))
        except ValueError:
            return Problem("settings.problem.days", {"text": _quoted(rest)})
    if word in _INTENSITY_WORDS:
        chosen = intensity.parse(rest)
        if chosen is None:
            return Problem("settings.problem.intensity", {"text": _quoted(rest)})
        return Change(intensity=chosen)
    return Problem("settings.problem.usage", {"text": _quoted(text)})


def check(now_set: WorkingHours, change: Change) -> tuple[WorkingHours, dict[str, Problem]]:
    """The working hours a change makes, and what is wrong with them, by the part to fix:
    "days" (none left), "end" (not after the start)."""
    hours = WorkingHours(
        days=now_set.effective_days if change.days is None else change.days,
        start=change.start or now_set.start,
        end=change.end or now_set.end,
    )
    problems: dict[str, Problem] = {}
    if not hours.days:
        problems["days"] = Problem("settings.problem.no_days")
    if hours.end <= hours.start:
        problems["end"] = Problem(
            "settings.problem.order", {"start": f"{hours.start:%H:%M}", "end": f"{hours.end:%H:%M}"}
        )
    return hours, problems


def save(session: Session, staff: StaffRef, change: Change, now: datetime) -> Saved | Problem:
    """Keep a change to a person's settings; a problem, and nothing kept, when it makes no sense."""
    before = current(staff)
    hours, problems = check(before.hours, change)
    if problems:
        return next(iter(problems.values()))
    chosen = intensity.known(change.intensity or before.intensity)
    person = row(session, staff)
    person.work_days = days_text(hours.days)
    person.work_start = f"{hours.start:%H:%M}"
    person.work_end = f"{hours.end:%H:%M}"
    person.intensity = chosen
    session.flush()
    after = replace(before, hours=hours, intensity=chosen)
    changed = tuple(
        part
        for part, differs in (
            ("days", hours.effective_days != before.hours.effective_days),
            ("hours", (hours.start, hours.end) != (before.hours.start, before.hours.end)),
            ("intensity", chosen != before.intensity),
        )
        if differs
    )
    replanned = 0
    if "days" in changed or "hours" in changed:
        replanned = followups.replan(session, StaffRef.of(person), now)
        quiet.replan_for(session, StaffRef.of(person), now)  # silences are counted in working days
    return Saved(before, after, changed, replanned)
