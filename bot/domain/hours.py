"""Working hours: nobody gets a nudge at 2 a.m.

A working window is, for a working day ``d`` in the user's zone, the span from the first
instant the local clock reads ``d start`` to the first instant it reads ``d end``. On DST
days this is computed on wall time and converted with zoneinfo, so a window's real length
can differ from ``end - start`` and a start time that does not exist locally (spring
forward) begins at the moment the clock jumps past it. All returned datetimes are UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
ALL_DAYS = frozenset(range(7))

_DAY_ALIASES: dict[str, int] = {}
_FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
for _index, _name in enumerate(_FULL_DAY_NAMES):
    _DAY_ALIASES[_name] = _index
    _DAY_ALIASES[_name[:3]] = _index
    _DAY_ALIASES[_name[:2]] = _index
    _DAY_ALIASES[str(_index)] = _index
_DAY_ALIASES.update({"tues": 1, "wednes": 2, "thur": 3, "thurs": 3})
# Dutch: the full names and their usual two-letter forms (none of which is an English one).
_DUTCH_DAY_NAMES = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
for _index, _name in enumerate(_DUTCH_DAY_NAMES):
    _DAY_ALIASES[_name] = _index
    _DAY_ALIASES[_name[:2]] = _index
_DAY_SETS: dict[str, frozenset[int]] = {
    "weekdays": frozenset(range(5)),
    "werkdagen": frozenset(range(5)),
    "weekend": frozenset({5, 6}),
    "weekends": frozenset({5, 6}),
    "daily": ALL_DAYS,
    "every day": ALL_DAYS,
    "everyday": ALL_DAYS,
    "all": ALL_DAYS,
    "elke dag": ALL_DAYS,
}
_RANGE_DASH = re.compile(r"\s*(?:[-–—]|\bt/m\b)\s*")  # 'mon-fri', 'ma t/m do'
_SPAN = re.compile(r"\s*(?:[-–—]|\bto\b|\btot\b|\buntil\b)\s*", re.IGNORECASE)
_CLOCK = re.compile(r"([0-9]{1,2})(?:[:.]([0-9]{2}))?")  # '09:00', '9', '8.30'

_UTC_ZONE = ZoneInfo("UTC")


def _parse_day(text: str) -> int:
    day = _DAY_ALIASES.get(text.strip().lower())
    if day is None:
        raise ValueError(f"Unknown day {text.strip()!r}: use mon, tue, … sun or 0 (Monday) … 6 (Sunday)")
    return day


def parse_days(text: str) -> frozenset[int]:
    """Working days from what a person types: 'mon-fri', 'mon,tue,thu', 'weekdays', '0-4', 'ma-do'.
    Raises ValueError saying what was wrong."""
    cleaned = text.strip().lower()
    if not cleaned:
        raise ValueError("No working days given: use e.g. 'mon-fri' or 'mon,tue,thu'")
    if cleaned in _DAY_SETS:
        return _DAY_SETS[cleaned]
    days: set[int] = set()
    for part in re.split(r"[,\s]+", _RANGE_DASH.sub("-", cleaned)):
        if not part:
            continue
        if "-" in part:
            first_text, _, last_text = part.partition("-")
            first, last = _parse_day(first_text), _parse_day(last_text)
            span = (last - first) % 7  # 'fri-mon' wraps over the weekend
            days.update((first + step) % 7 for step in range(span + 1))
        else:
            days.add(_parse_day(part))
    if not days:
        raise ValueError("No working days given: use e.g. 'mon-fri' or 'mon,tue,thu'")
    return frozenset(days)


def parse_clock(text: str, what: str = "") -> time:
    """A time of day, 'HH:MM' or 'H'. Raises ValueError saying what was wrong (`what`: 'start', 'end')."""
    what = f"{what} " if what else ""
    match = _CLOCK.fullmatch(text.strip())
    if not match:
        raise ValueError(f"Invalid {what}time {text.strip()!r}: use HH:MM, e.g. 09:00")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"Invalid {what}time {text.strip()!r}: hours 00–23, minutes 00–59")
    return time(hour, minute)


def parse_span(text: str) -> tuple[time, time]:
    """A day's working hours from what a person types: '08:30-17:00', '8:30 to 17', '9 tot 17'.
    Raises ValueError when it is not two times (the order is not checked here)."""
    parts = _SPAN.split(text.strip(), maxsplit=1)
    if len(parts) != 2 or not parts[0] or not parts[1]:
        raise ValueError(f"Invalid working hours {text.strip()!r}: use e.g. 09:00-17:30")
    return parse_clock(parts[0], "start"), parse_clock(parts[1], "end")


def days_text(days: frozenset[int]) -> str:
    """Days as they are stored, and read back by `parse_days`: 'mon-fri', 'mon,tue,thu', 'mon-wed,fri'.
    No days means every day."""
    names = [name[:3] for name in _FULL_DAY_NAMES]
    parts: list[str] = []
    for run in _runs(days or ALL_DAYS):
        if len(run) >= 3:
            parts.append(f"{names[run[0]]}-{names[run[-1]]}")
        else:
            parts.extend(names[day] for day in run)
    return ",".join(parts)


def _runs(days: frozenset[int]) -> list[list[int]]:
    """Days in order, consecutive ones together: {0, 1, 2, 4} is [[0, 1, 2], [4]]."""
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


@dataclass(frozen=True)
class WorkingHours:
    """Working days (Monday=0) and the daily window [start, end) in local wall time.

    An empty ``days`` set means every day. ``end`` must be after ``start``.
    """

    days: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    start: time = time(9, 0)
    end: time = time(17, 30)

    @classmethod
    @lru_cache(maxsize=1024)
    def parse(cls, days: str, start: str, end: str) -> WorkingHours:
        """From user text: days like 'mon-fri', 'mon,tue,thu', '0-4', 'weekdays'; times 'HH:MM'. (Kept:
        a workspace's people share a few settings, and the same object makes the calendar's kept
        days quick to find.)"""
        parsed_days = parse_days(days)
        start_time = parse_clock(start, "start")
        end_time = parse_clock(end, "end")
        if end_time <= start_time:
            raise ValueError(f"End time {end_time:%H:%M} must be later than start time {start_time:%H:%M}")
        return cls(days=parsed_days, start=start_time, end=end_time)

    @property
    def effective_days(self) -> frozenset[int]:
        return self.days or ALL_DAYS

    def describe(self) -> str:
        """E.g. 'Mon–Fri 09:00–17:30', 'Mon, Tue, Thu 08:00–12:00', 'Every day 09:00–17:00'."""
        return f"{self._describe_days()} {self.start:%H:%M}–{self.end:%H:%M}"

    def _describe_days(self) -> str:
        if len(self.effective_days) == 7:
            return "Every day"
        parts: list[str] = []
        for run in _runs(self.effective_days):
            if len(run) >= 3:
                parts.append(f"{DAY_NAMES[run[0]]}–{DAY_NAMES[run[-1]]}")
            else:
                parts.extend(DAY_NAMES[day] for day in run)
        return ", ".join(parts)


def zone(name: str | None) -> ZoneInfo:
    """ZoneInfo for an IANA name; UTC for None, '' or names zoneinfo does not know."""
    if not name:
        return _UTC_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return _UTC_ZONE


def _require_aware(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("Expected a timezone-aware datetime")


def _require_valid(wh: WorkingHours) -> None:
    if wh.end <= wh.start:
        raise ValueError(f"Working hours end {wh.end:%H:%M} is not after start {wh.start:%H:%M}")


def _wall(at: datetime, tz: ZoneInfo) -> datetime:
    return at.astimezone(tz).replace(tzinfo=None)


def _reach(day: date, clock: time, tz: ZoneInfo) -> datetime:
    """First instant (UTC) at which the local clock reads ``day clock`` or later.

    Normal times map directly; for a repeated time (fall back) the first occurrence is used;
    for a skipped time (spring forward) the answer is the moment of the jump.
    """
    wall = datetime.combine(day, clock)
    first = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    second = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    early, late = min(first, second), max(first, second)
    if _wall(early, tz) >= wall:
        return early
    # Skipped wall time: ``early`` reads before it, ``late`` after it. Find the jump.
    low, high = early, late
    while high - low > timedelta(microseconds=1):
        middle = low + (high - low) / 2
        if _wall(middle, tz) >= wall:
            high = middle
        else:
            low = middle
    return high


@lru_cache(maxsize=4096)
def _window(day: date, tz: ZoneInfo, wh: WorkingHours) -> tuple[datetime, datetime] | None:
    """That day's working window in UTC (None on a day off); kept, as people share zones and hours."""
    if day.weekday() not in wh.effective_days:
        return None
    start = _reach(day, wh.start, tz)
    end = _reach(day, wh.end, tz)
    if end <= start:  # the whole window fell into a DST gap
        return None
    return start, end


def _window_containing(at: datetime, tz: ZoneInfo, wh: WorkingHours) -> tuple[datetime, datetime] | None:
    local_day = at.astimezone(tz).date()
    for offset in (-1, 0, 1):
        window = _window(local_day + timedelta(days=offset), tz, wh)
        if window and window[0] <= at < window[1]:
            return window
    return None


def _next_window(at: datetime, tz: ZoneInfo, wh: WorkingHours) -> tuple[datetime, datetime]:
    """The window containing ``at`` (clipped to start at ``at``), else the next one."""
    current = _window_containing(at, tz, wh)
    if current:
        return at, current[1]
    local_day = at.astimezone(tz).date()
    for offset in range(-1, 15):
        window = _window(local_day + timedelta(days=offset), tz, wh)
        if window and window[0] > at:
            return window
    raise ValueError(f"No working window found after {at.isoformat()} for {wh.describe()}")


def is_working_time(at: datetime, tz: str | None, wh: WorkingHours) -> bool:
    """Whether ``at`` (aware) falls inside the working hours of zone ``tz``."""
    _require_aware(at)
    _require_valid(wh)
    return _window_containing(at.astimezone(UTC), zone(tz), wh) is not None


def next_working_moment(at: datetime, tz: str | None, wh: WorkingHours) -> datetime:
    """``at`` itself if inside working hours, else the start of the next working window (UTC)."""
    _require_aware(at)
    _require_valid(wh)
    return _next_window(at.astimezone(UTC), zone(tz), wh)[0]


def add_working_time(start: datetime, delta: timedelta, tz: str | None, wh: WorkingHours) -> datetime:
    """The earliest instant such that ``delta`` of working time lies between ``start`` and it (UTC).

    Only time inside working windows counts, e.g. 4 working hours after Friday 15:30 with
    Mon–Fri 09:00–17:30 is Monday 11:00. A zero delta returns ``start``; when the delta
    runs out exactly at the end of a window, that window's end is returned.
    """
    _require_aware(start)
    _require_valid(wh)
    if delta < timedelta(0):
        raise ValueError("Working time to add must not be negative")
    tz_info = zone(tz)
    at = start.astimezone(UTC)
    remaining = delta
    if not remaining:
        return at
    while True:
        window_start, window_end = _next_window(at, tz_info, wh)
        available = window_end - window_start
        if remaining <= available:
            return window_start + remaining
        remaining -= available
        at = window_end


def local_now_text(at: datetime, tz: str | None) -> str:
    """E.g. 'Mon 09:00 CET': weekday, 24h clock and zone abbreviation in the user's zone."""
    _require_aware(at)
    local = at.astimezone(zone(tz))
    return f"{DAY_NAMES[local.weekday()]} {local:%H:%M} {local.tzname() or ''}".rstrip()
