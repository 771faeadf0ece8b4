"""Which stretch of time a person means, and what an export is asked to cover.

`/rapport export 12w acme`, `/rapport export 2026`, `/rapport export since 2026-09-01 segment retail`:
a period (in English or Dutch) and, before or after it, a client or segment. Periods are whole days
in the zone they are read in; `today` is a parameter, so the rules are the same in every test.

- `12w`, `12 weeks`, `last 12 weeks`: this week and the 11 before it (weeks start on Monday), so an
  export of 12 weeks has 12 weekly rows; `3m`, `3 months`: this month and the 2 before it; `30d`:
  today and the 29 days before; `2y`: this month and the 23 before.
- `2026`, `2026-Q3` (or `Q3 2026`), `2026-09`, `2026-09-01`: that year, quarter, month or day.
- `this week|month|quarter|year`, `last week|month|quarter|year`.
- `since 2026-09-01` (or `since` any of the above: from its first day), `2026-09-01 to 2026-10-15`
  (or `..`, `until`, `tot`): both ends included.
- `all`: everything.

Nothing said: the last 12 weeks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.problem import Problem

DEFAULT_WEEKS = 12
# The most of each unit a relative period may count back (ten years).
MOST = {"weeks": 520, "months": 120, "days": 3660}
EARLIEST_YEAR = 1970
LATEST_YEAR = 9998  # a year whose end is still a date
PERIOD_WORDS_MAX = 6  # the longest period: "from 2026-09-01 to 2026-10-15" and the like

KINDS = ("weeks", "months", "days", "year", "quarter", "month", "day", "since", "range", "all")


@dataclass(frozen=True)
class Period:
    """Whole days: from `start` (None: from the beginning) up to, not including, `end` (None: up to
    now). `kind` and `count` say how it was asked for ("weeks", 12), so it can be named back."""

    kind: str
    start: date | None
    end: date | None
    count: int = 0

    @property
    def last_day(self) -> date | None:
        """The last day in it (None: up to now)."""
        return self.end - timedelta(days=1) if self.end is not None else None

    def bounds(self, zone: ZoneInfo) -> tuple[datetime | None, datetime | None]:
        """The UTC instants it starts and ends at, its days being days in `zone`."""
        return _midnight(self.start, zone), _midnight(self.end, zone)

    def to_payload(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "count": self.count,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Period:
        """A period as `to_payload` stored it; ValueError for anything else."""
        kind = payload.get("kind")
        if kind not in KINDS:
            raise ValueError(f"not a period kind: {kind!r}")
        count = payload.get("count") or 0
        if not isinstance(count, int):
            raise ValueError(f"not a count: {count!r}")
        return cls(str(kind), _day_or_none(payload.get("start")), _day_or_none(payload.get("end")), count)


def _day_or_none(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


def _midnight(day: date | None, zone: ZoneInfo) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def week_start(day: date) -> date:
    """The Monday of the week `day` is in."""
    return day - timedelta(days=day.weekday())


def last_weeks(weeks: int, today: date) -> Period:
    return Period("weeks", week_start(today) - timedelta(weeks=weeks - 1), None, weeks)


def default(today: date) -> Period:
    return last_weeks(DEFAULT_WEEKS, today)


@dataclass(frozen=True)
class ExportAsk:
    """What `/rapport export …` asks for: a period, and the client or segment words ("" for all).
    `segment` is True when the person said "segment" before the words."""

    period: Period
    target: str = ""
    segment: bool = False
    period_said: bool = False  # False: nothing read as a period, the default applies


SEGMENT_WORDS = frozenset({"segment", "segments", "segmenten"})


def read_export(text: str, today: date) -> ExportAsk | Problem:
    """Split what follows `/rapport export` into a period (first or last) and a client or segment.

    A period that is nearly right (a day that does not exist, a quarter 5, a start in the future) is a
    Problem saying what is wrong; words that are no period at all are left for the client or segment.
    """
    words = text.split()
    period: Period | None = None
    rest = words
    # The longest period at the start, else the longest at the end.
    for size in range(min(len(words), PERIOD_WORDS_MAX), 0, -1):
        read = read_period(words[:size], today)
        if isinstance(read, Problem):
            return read
        if read is not None:
            period, rest = read, words[size:]
            break
    if period is None:
        for size in range(min(len(words) - 1, PERIOD_WORDS_MAX), 0, -1):
            read = read_period(words[len(words) - size :], today)
            if isinstance(read, Problem):
                return read
            if read is not None:
                period, rest = read, words[: len(words) - size]
                break
    segment = bool(rest) and rest[0].casefold() in SEGMENT_WORDS
    if segment:
        rest = rest[1:]
        if not rest:
            return Problem("export.problem.which_segment")
    return ExportAsk(period or default(today), " ".join(rest), segment, period is not None)


# --- one period --------------------------------------------------------------------------------------

_UNITS = {
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks", "weken", "wkn"), "weeks"),
    **dict.fromkeys(("m", "mo", "mnd", "month", "months", "maand", "maanden"), "months"),
    **dict.fromkeys(("d", "day", "days", "dag", "dagen"), "days"),
    **dict.fromkeys(("y", "yr", "yrs", "year", "years", "jaar", "jaren"), "years"),
}
_LAST = frozenset({"last", "past", "laatste", "afgelopen"})
_THIS = frozenset({"this", "current", "deze", "dit", "huidige"})
_PREVIOUS = frozenset({"last", "previous", "vorige", "vorig", "afgelopen"})
_NAMED_UNITS = {
    **dict.fromkeys(("week", "wk"), "week"),
    **dict.fromkeys(("month", "maand"), "month"),
    **dict.fromkeys(("quarter", "kwartaal"), "quarter"),
    **dict.fromkeys(("year", "jaar"), "year"),
}
_ALL = frozenset({"all", "everything", "alles", "all-time", "ever"})
_SINCE = frozenset({"since", "sinds", "from", "vanaf", "van", "after"})
_TO = frozenset({"to", "until", "till", "tot", "t/m", "through", "-", "–", "—", ".."})

_COUNT_UNIT = re.compile(r"([0-9]{1,6})([a-z]+)", re.ASCII)
_COUNT = re.compile(r"[0-9]{1,6}", re.ASCII)
_YEAR = re.compile(r"[0-9]{4}", re.ASCII)
_DAY = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", re.ASCII)
_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})", re.ASCII)
_QUARTER = re.compile(r"([0-9]{4})-?q([0-9])|q([0-9])-([0-9]{4})", re.ASCII)
_QUARTER_ALONE = re.compile(r"q([0-9])", re.ASCII)
_YEAR_SAID = re.compile(r"q[0-9]-([0-9]{4})|([0-9]{4})", re.ASCII)
_RANGE_IN_ONE = re.compile(r"(.+?)(?:\.\.|–|—)(.+)")


def read_period(words: Sequence[str], today: date) -> Period | Problem | None:
    """The period these words say, all of them; None when they are not a period at all."""
    said = [word.casefold().strip(",;") for word in words]
    said = [word for word in said if word]
    if not said:
        return None
    shown = " ".join(words)
    if len(said) == 1 and said[0] in _ALL:
        return Period("all", None, None)
    range_parts = _split_range(said)
    if range_parts is not None:
        first = _stretch(range_parts[0], today, shown)
        last = _stretch(range_parts[1], today, shown)
        if isinstance(first, Problem):
            return first
        if isinstance(last, Problem):
            return last
        if first is None or last is None or first.start is None:
            return None
        end = last.end or today + timedelta(days=1)  # "2026-09-01 to 4w": up to now
        if end <= first.start:
            return Problem("export.period.backwards", {"value": shown})
        return _not_ahead(Period("range", first.start, end), today, shown)
    if said[0] in _SINCE and len(said) > 1:
        found = _stretch(said[1:], today, shown)
        if not isinstance(found, Period):
            return found
        if found.start is None:
            return None
        return _not_ahead(Period("since", found.start, None), today, shown)
    found = _stretch(said, today, shown)
    return _not_ahead(found, today, shown) if isinstance(found, Period) else found


def _split_range(said: list[str]) -> tuple[list[str], list[str]] | None:
    """ "A to B" (or "A .. B", "from A to B"), as its two sides; None when it is no range."""
    if said[0] in _SINCE:
        said = said[1:]
    for index, word in enumerate(said):
        if word in _TO and 0 < index < len(said) - 1:
            return said[:index], said[index + 1 :]
    if len(said) == 1:
        joined = _RANGE_IN_ONE.fullmatch(said[0])
        if joined:
            return [joined.group(1)], [joined.group(2)]
    return None


def _not_ahead(period: Period, today: date, shown: str) -> Period | Problem:
    if period.start is not None and period.start > today:
        return Problem("export.period.future", {"value": shown})
    return period


def _stretch(said: list[str], today: date, shown: str) -> Period | Problem | None:
    """A period without "since" or "to": a count back from today, a named one, or a calendar one."""
    if said[0] in _LAST and len(said) > 1:  # "last 12 weeks"; "last week" is named below
        counted = _counted(said[1:], today, shown)
        if counted is not None:
            return counted
    counted = _counted(said, today, shown)
    if counted is not None:
        return counted
    if len(said) == 2 and said[1] in _NAMED_UNITS and (said[0] in _THIS or said[0] in _PREVIOUS):
        return _named(_NAMED_UNITS[said[1]], today, previous=said[0] not in _THIS)
    if len(said) == 2:  # "q3 2026", "2026 q3"
        quarter = _QUARTER_ALONE.fullmatch(said[0]) or _QUARTER_ALONE.fullmatch(said[1])
        year = said[1] if _QUARTER_ALONE.fullmatch(said[0]) else said[0]
        if quarter and _YEAR.fullmatch(year):
            return _quarter(int(year), int(quarter.group(1)), shown)
    if len(said) == 1:
        return _calendar(said[0], shown)
    return None


def _counted(said: list[str], today: date, shown: str) -> Period | Problem | None:
    """ "12w", "12 weeks", "3 maanden"; None when the words are not a count and a unit."""
    if len(said) == 1:
        match = _COUNT_UNIT.fullmatch(said[0])
        if match is None:
            return None
        digits, unit_word = match.groups()
    elif len(said) == 2 and _COUNT.fullmatch(said[0]):
        digits, unit_word = said
    else:
        return None
    unit = _UNITS.get(unit_word)
    if unit is None:
        return None
    count = int(digits)
    if unit == "years":
        unit, count = "months", count * 12
    if not 1 <= count <= MOST[unit]:
        return Problem("export.period.too_long", {"value": shown})
    if unit == "weeks":
        return last_weeks(count, today)
    if unit == "days":
        return Period("days", today - timedelta(days=count - 1), None, count)
    return Period("months", _months_back(today.replace(day=1), count - 1), None, count)


def _months_back(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _named(unit: str, today: date, *, previous: bool) -> Period:
    """This or last week, month, quarter or year."""
    if unit == "week":
        if not previous:
            return last_weeks(1, today)
        start = week_start(today) - timedelta(weeks=1)
        return Period("range", start, start + timedelta(weeks=1))
    if unit == "month":
        start = _months_back(today.replace(day=1), 1 if previous else 0)
        return Period("month", start, _months_back(start, -1))
    if unit == "quarter":
        first = _months_back(date(today.year, (today.month - 1) // 3 * 3 + 1, 1), 3 if previous else 0)
        return Period("quarter", first, _months_back(first, -3))
    year = today.year - (1 if previous else 0)
    return Period("year", date(year, 1, 1), date(year + 1, 1, 1))


def _calendar(word: str, shown: str) -> Period | Problem | None:
    """ "2026", "2026-q3", "q3-2026", "2026-09", "2026-09-01"."""
    year_said = _YEAR_SAID.match(word)
    if year_said and not EARLIEST_YEAR <= int(year_said.group(1) or year_said.group(2)) <= LATEST_YEAR:
        return Problem("export.period.bad_date", {"value": shown}) if _looks_calendar(word) else None
    if _YEAR.fullmatch(word):
        year = int(word)
        return Period("year", date(year, 1, 1), date(year + 1, 1, 1))
    quarter = _QUARTER.fullmatch(word)
    if quarter:
        said_year, said_number = quarter.group(1, 2) if quarter.group(1) else quarter.group(4, 3)
        return _quarter(int(said_year), int(said_number), shown)
    day = _DAY.fullmatch(word)
    if day:
        try:
            first = date(int(day.group(1)), int(day.group(2)), int(day.group(3)))
        except ValueError:
            return Problem("export.period.bad_date", {"value": shown})
        return Period("day", first, first + timedelta(days=1))
    month = _MONTH.fullmatch(word)
    if month:
        year, number = int(month.group(1)), int(month.group(2))
        if not 1 <= number <= 12:
            return Problem("export.period.bad_date", {"value": shown})
        first = date(year, number, 1)
        return Period("month", first, _months_back(first, -1))
    return None


def _looks_calendar(word: str) -> bool:
    return any(pattern.fullmatch(word) for pattern in (_YEAR, _QUARTER, _DAY, _MONTH))


def _quarter(year: int, number: int, shown: str) -> Period | Problem:
    if not 1 <= number <= 4 or not EARLIEST_YEAR <= year <= LATEST_YEAR:
        return Problem("export.period.bad_date", {"value": shown})
    first = date(year, (number - 1) * 3 + 1, 1)
    return Period("quarter", first, _months_back(first, -3))
