"""When a promise is due, and when its owner hears about it: the time rules of follow-ups.

Pure: ``now`` is always a parameter, every result is an aware UTC datetime, a person's zone is an
IANA name (None = UTC, as :func:`bot.domain.hours.zone`) and their working hours a ``WorkingHours``.
Weeks run Monday to Sunday.

Reading WHEN, in English and Dutch (case, accents and trailing punctuation do not matter):

* A date without a time means "by the end of that working day" in the owner's zone: ``Due.at`` is
  the end of that day's working window, or 23:59 local on a day that is not a working day, and
  for today once its window has closed.
* ``today``/``vandaag``, ``tomorrow``/``morgen``, ``day after tomorrow``/``overmorgen``.
* A weekday (``friday``, ``fri``, ``vrijdag``, ``vr``, ``vrij``) is the next such day, never today;
  ``this``/``next``/``coming friday`` and ``deze``/``volgende``/``komende``/``aanstaande vrijdag``,
  ``vrijdag a.s.`` mean the same. ``friday next week``/``volgende week vrijdag`` is next week's.
  ``do``, ``zo`` and ``ma`` alone are everyday words (English "do", Dutch "soon", "mum"), so they
  are read as Thursday, Sunday and Monday only with more: ``op do``, ``do 15:00``.
* ``next week``/``volgende week``: the first working day of next week, end of day.
  ``this week``/``deze week`` and ``end of week``/``eind(e) van de week``: the last working day of
  this week, or next week's once this week's working day is over. ``end of month``/``eind(e) van
  de maand`` likewise per month.
* ``in N days``/``over N dagen``, ``in N weeks``/``over N weken`` (also ``in a day``, ``over een
  week``): calendar days, end of that day.
* ``2026-12-04`` and dates with the month's name (``4 dec``, ``december 4``, ``4 december 2026``;
  without a year the next such date, today included). ``4/12`` is not read: a Dutch colleague means
  4 December, an American one 12 April, and a wrong guess would go unnoticed.
* Times: ``15:00``, ``15.00``, ``15u``, ``15u30``, ``15h``, ``15 uur``, ``3pm``, ``3 pm``,
  ``3.30pm``, ``noon``, with ``at``/``om`` before them if wanted; a bare number needs it (``om
  15``). A one-digit hour 1-6 without am/pm (``3u``, ``3:30``, ``om 3``) is not read: it means the
  afternoon as often as the night. A time alone is today's, or tomorrow's once past. A time that a
  spring-forward day skips is the moment the clocks jump, as in ``hours``.
* Parts of the day need a day: ``this morning``/``vanochtend``/``vanmorgen`` is 11:00, ``this
  afternoon``/``vanmiddag`` 16:00, ``tonight``/``vanavond`` 20:00; also ``friday afternoon``,
  ``morgenochtend``, ``vrijdagmiddag``. Said after that hour, today's means the end of that part of
  the day (12:00, 18:00, 23:59) while that is still ahead.
* ``in 2 hours``/``over 2 uur``, ``in 30 minutes``/``over 30 minuten``, ``in half an hour``/``over
  een half uur``, ``over een kwartier``: real time, not working time, cut to the minute.
* Counts start at 1 (``in 0 minutes`` is not read) and a moment already past reads as nothing, so
  a ``Due`` is always after ``now``. Anything unclear reads as nothing (None) and the caller asks.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.domain.hours import WorkingHours, next_working_moment, zone

QUIET_WORKING_DAYS = 5
REMINDERS_MAX = 3
REMINDER_GAP_WORKING_DAYS = 2
SAME_DAY_NUDGE_BEFORE_END = timedelta(hours=2)
SNOOZE_LATER = timedelta(hours=3)
SNOOZE_MARGIN = timedelta(minutes=30)  # "later today" stays this far from the end of the working day
SNOOZE_CHOICES = ("later_today", "tomorrow", "next_week")
WHEN_WORDS_MAX = 8  # the longest WHEN read ("einde van de week om 3.30 pm" and the like)
LAST_MINUTE = time(23, 59)
YEARS_AHEAD_MAX = 5  # a date further ahead is taken for a typo
DAYS_AHEAD_MAX = 366  # "in N days/weeks"
DURATION_MAX = timedelta(days=7)  # "in N hours/minutes"


@dataclass(frozen=True)
class Due:
    """When a promise is due: ``at`` (aware UTC) and whether a time of day was said.

    Without a time, ``at`` is the end of that working day in the owner's zone (see the module).
    """

    at: datetime
    has_time: bool


@dataclass(frozen=True)
class _Part:
    """A part of the day: the hour it stands for, and when it is over."""

    at: time
    until: time


@dataclass(frozen=True)
class _EndOfDay:
    """``eod``, ``end of day``, ``einde van de dag``: a date without a time."""


_MORNING = _Part(time(11, 0), time(12, 0))
_AFTERNOON = _Part(time(16, 0), time(18, 0))
_EVENING = _Part(time(20, 0), LAST_MINUTE)
_EOD = _EndOfDay()
_Clock = time | _Part | _EndOfDay


@dataclass(frozen=True)
class _Context:
    now: datetime  # UTC
    tz: ZoneInfo
    wh: WorkingHours

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()


# --- words -------------------------------------------------------------------------------------

_WEEKDAYS: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("monday", "mon", "maandag", "ma"),
        ("tuesday", "tue", "tues", "dinsdag", "di"),
        ("wednesday", "wed", "woensdag", "wo"),
        ("thursday", "thu", "thur", "thurs", "donderdag", "do"),
        ("friday", "fri", "vrijdag", "vr", "vrij"),
        ("saturday", "sat", "zaterdag", "za"),
        ("sunday", "sun", "zondag", "zo"),
    )
):
    for _name in _names:
        _WEEKDAYS[_name] = _index
_NEVER_ALONE = frozenset({("do",), ("zo",), ("ma",)})
_DUTCH_WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")

_MONTHS: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("january", "jan", "januari"),
        ("february", "feb", "februari"),
        ("march", "mar", "maart", "mrt"),
        ("april", "apr"),
        ("may", "mei"),
        ("june", "jun", "juni"),
        ("july", "jul", "juli"),
        ("august", "aug", "augustus"),
        ("september", "sep", "sept"),
        ("october", "oct", "oktober", "okt"),
        ("november", "nov"),
        ("december", "dec"),
    ),
    start=1,
):
    for _name in _names:
        _MONTHS[_name] = _index

_NUMBERS = {
    **{word: value for value, word in enumerate(("one", "two", "three", "four", "five"), start=1)},
    **{word: value for value, word in enumerate(("six", "seven", "eight", "nine", "ten"), start=6)},
    **{word: value for value, word in enumerate(("een", "twee", "drie", "vier", "vijf"), start=1)},
    **{word: value for value, word in enumerate(("zes", "zeven", "acht", "negen", "tien"), start=6)},
    "a": 1,
    "an": 1,
}
_DAY_UNITS = {
    "day": 1,
    "days": 1,
    "dag": 1,
    "dagen": 1,
    "d": 1,
    "week": 7,
    "weeks": 7,
    "weken": 7,
    "wk": 7,
    "w": 7,
}
_TIME_UNITS = {
    **dict.fromkeys(("hour", "hours", "hr", "hrs", "h", "uur", "uren", "u"), timedelta(hours=1)),
    # no bare "m": "in 2m" may be months as well as minutes
    **dict.fromkeys(("minute", "minutes", "min", "mins", "minuut", "minuten"), timedelta(minutes=1)),
}
_FIXED_DURATIONS = {
    ("half", "an", "hour"): timedelta(minutes=30),
    ("half", "uur"): timedelta(minutes=30),
    ("een", "half", "uur"): timedelta(minutes=30),
    ("halfuur",): timedelta(minutes=30),
    ("een", "halfuur"): timedelta(minutes=30),
    ("anderhalf", "uur"): timedelta(minutes=90),
    ("an", "hour", "and", "a", "half"): timedelta(minutes=90),
    ("kwartier",): timedelta(minutes=15),
    ("een", "kwartier"): timedelta(minutes=15),
    ("a", "quarter", "of", "an", "hour"): timedelta(minutes=15),
    ("a", "quarter", "hour"): timedelta(minutes=15),
}

_IN = frozenset({"in", "over", "within", "binnen"})
_BY = frozenset({"by", "uiterlijk"})  # before the whole WHEN
_ON = frozenset({"on", "op"})  # before a day
_AT = frozenset({"at", "om", "@"})  # before a time
_TODAY = frozenset({"today", "vandaag"})
_TOMORROW = frozenset({"tomorrow", "morgen", "tmrw"})
_DAY_AFTER_TOMORROW = frozenset(
    {("overmorgen",), ("day", "after", "tomorrow"), ("the", "day", "after", "tomorrow")}
)
_WEEKDAY_BEFORE = frozenset({"this", "next", "coming", "deze", "volgende", "komende", "aanstaande"})
_WEEKDAY_AFTER = frozenset({"a.s"})
_NEXT_WEEK = frozenset({("next", "week"), ("volgende", "week"), ("komende", "week")})
_THIS_WEEK = frozenset({("this", "week"), ("deze", "week"), ("eow",)})
_END = frozenset({"end", "eind", "einde"})
_OF = frozenset({"of", "van"})
_THIS = frozenset({"the", "this", "de", "deze"})
_NEXT = frozenset({"next", "volgende", "komende"})
_WEEK = frozenset({"week"})
_MONTH = frozenset({"month", "maand"})
_PARTS = {
    "morning": _MORNING,
    "ochtend": _MORNING,
    "afternoon": _AFTERNOON,
    "middag": _AFTERNOON,
    "evening": _EVENING,
    "night": _EVENING,
    "avond": _EVENING,
}
_PARTS_DUTCH_ADVERB = {
    "sochtends": _MORNING,
    "smorgens": _MORNING,
    "smiddags": _AFTERNOON,
    "savonds": _EVENING,
}
_END_OF_DAY = frozenset(
    {
        ("eod",),
        ("cob",),
        ("end", "of", "day"),
        ("end", "of", "the", "day"),
        ("end", "of", "business"),
        ("close", "of", "business"),
        ("eind", "dag"),
        ("einde", "dag"),
        ("eind", "van", "de", "dag"),
        ("einde", "van", "de", "dag"),
    }
)
_NOON = frozenset({"noon", "midday"})
_AM = frozenset({"am", "a.m"})
_PM = frozenset({"pm", "p.m"})
_OCLOCK = frozenset({"uur", "o'clock", "o’clock", "oclock"})
# Compounds such as "vrijdagmiddag", "morgenochtend" and "vanavond" are a day and a part of it.
_COMPOUND_DAYS = {"van": "vandaag", "morgen": "morgen", "overmorgen": "overmorgen"} | {
    name: name for name in _DUTCH_WEEKDAYS
}
_COMPOUND_PARTS = {"ochtend": "ochtend", "morgen": "ochtend", "middag": "middag", "avond": "avond"}

_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)
_DAY_OF_MONTH = re.compile(r"([0-9]{1,2})(?:st|nd|rd|th)?", re.ASCII)
_YEAR = re.compile(r"[0-9]{4}", re.ASCII)
_COUNT = re.compile(r"[0-9]{1,6}", re.ASCII)
_COUNT_AND_UNIT = re.compile(r"([0-9]{1,6})([a-z]+)", re.ASCII)
# 15:00, 15.00, 15, 3pm, 3.30pm, 3:30a.m
_CLOCK_HM = re.compile(r"([0-9]{1,2})(?:[:.]([0-9]{2}))?(am|pm|a\.m|p\.m)?", re.ASCII)
# 15u, 15u30, 15h, 15h30
_CLOCK_U = re.compile(r"([0-9]{1,2})[uh]([0-9]{2})?", re.ASCII)

_LEADING_MARKS = "([{\"'‘“"
_TRAILING_MARKS = ".,;:!?)]}\"'’”"


def _fold(word: str) -> list[str]:
    """A typed word as the tokens it is read as: casefolded, without accents and outer punctuation."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    tokens = (part.lstrip(_LEADING_MARKS).rstrip(_TRAILING_MARKS) for part in plain.split())
    return [token for token in tokens if token]


def _expand(tokens: Sequence[str]) -> tuple[str, ...]:
    """Compounds and shorthands spelled out: 'vanmiddag' -> 'vandaag middag', 'tonight' -> 'today evening'."""
    expanded: list[str] = []
    for index, token in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if token == "tonight":
            expanded += ["today", "evening"]
        elif token in {"this", "deze"} and following in _PARTS:
            expanded.append("today")
        else:
            expanded += _split_compound(token)
    return tuple(expanded)


def _split_compound(token: str) -> list[str]:
    for suffix, part in _COMPOUND_PARTS.items():
        if token.endswith(suffix):
            day = _COMPOUND_DAYS.get(token[: -len(suffix)])
            if day is not None:
                return [day, part]
    return [token]


# --- the calendar -------------------------------------------------------------------------------


def _wall(at: datetime, tz: ZoneInfo) -> datetime:
    return at.astimezone(tz).replace(tzinfo=None)


def _local(day: date, clock: time, tz: ZoneInfo) -> datetime:
    """The first instant (UTC) the local clock reads ``day clock`` or later.

    A repeated time (fall back) is its first occurrence; a skipped one (spring forward) is the
    moment the clocks jump, as working windows are in ``hours``.
    """
    wall = datetime.combine(day, clock)
    one = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    other = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    early, late = min(one, other), max(one, other)
    if _wall(early, tz) >= wall:
        return early
    low, high = int(early.timestamp()), int(late.timestamp())  # zones change offset on whole seconds
    while high - low > 1:
        middle = (low + high) // 2
        if _wall(datetime.fromtimestamp(middle, UTC), tz) >= wall:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


@lru_cache(maxsize=4096)
def _window(day: date, tz: ZoneInfo, wh: WorkingHours) -> tuple[datetime, datetime] | None:
    """That day's working window, as ``hours`` sees it (None when it is not a working day). Kept:
    a workspace's people share zones, hours and days, and counting silences asks for the same ones."""
    if day.weekday() not in wh.effective_days:
        return None
    start, end = _local(day, wh.start, tz), _local(day, wh.end, tz)
    return (start, end) if end > start else None


def _working_day_from(day: date, tz: ZoneInfo, wh: WorkingHours) -> tuple[date, tuple[datetime, datetime]]:
    """The first working day on or after ``day``, with its window."""
    for offset in range(15):
        candidate = day + timedelta(days=offset)
        window = _window(candidate, tz, wh)
        if window is not None:
            return candidate, window
    raise ValueError(f"No working day found after {day.isoformat()} for {wh.describe()}")


def _working_day_after(day: date, tz: ZoneInfo, wh: WorkingHours) -> tuple[date, tuple[datetime, datetime]]:
    return _working_day_from(day + timedelta(days=1), tz, wh)


def _end_of_day(day: date, tz: ZoneInfo, wh: WorkingHours) -> datetime:
    window = _window(day, tz, wh)
    return window[1] if window is not None else _local(day, LAST_MINUTE, tz)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _last_working_day(first: date, last: date, tz: ZoneInfo, wh: WorkingHours) -> date | None:
    day = last
    while day >= first:
        if _window(day, tz, wh) is not None:
            return day
        day -= timedelta(days=1)
    return None


def _end_of_week(ctx: _Context, weeks_ahead: int) -> date | None:
    for ahead in (weeks_ahead, weeks_ahead + 1):
        monday = _monday(ctx.today) + timedelta(weeks=ahead)
        day = _last_working_day(monday, monday + timedelta(days=6), ctx.tz, ctx.wh)
        if day is not None and _end_of_day(day, ctx.tz, ctx.wh) > ctx.now:
            return day
    return None


def _end_of_month(ctx: _Context, months_ahead: int) -> date | None:
    for ahead in (months_ahead, months_ahead + 1):
        index = ctx.today.year * 12 + ctx.today.month - 1 + ahead
        first = date(index // 12, index % 12 + 1, 1)
        following = first + timedelta(days=31)
        last = following - timedelta(days=following.day)
        day = _last_working_day(first, last, ctx.tz, ctx.wh)
        if day is not None and _end_of_day(day, ctx.tz, ctx.wh) > ctx.now:
            return day
    return None


def _next_weekday(today: date, weekday: int) -> date:
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


# --- reading ------------------------------------------------------------------------------------


def _count(token: str) -> int | None:
    if _COUNT.fullmatch(token):
        return int(token)
    return _NUMBERS.get(token)


def _read_amount(words: tuple[str, ...]) -> tuple[int, str] | None:
    """'2 days', 'een week', '30min' -> (count, unit word)."""
    if len(words) == 2:
        count = _count(words[0])
        return (count, words[1]) if count is not None else None
    if len(words) == 1:
        compact = _COUNT_AND_UNIT.fullmatch(words[0])
        if compact:
            return int(compact.group(1)), compact.group(2)
    return None


def _read_duration(words: tuple[str, ...]) -> timedelta | None:
    if len(words) < 2 or words[0] not in _IN:
        return None
    fixed = _FIXED_DURATIONS.get(words[1:])
    if fixed is not None:
        return fixed
    amount = _read_amount(words[1:])
    if amount is None or amount[1] not in _TIME_UNITS:
        return None
    count, unit = amount
    duration = count * _TIME_UNITS[unit]
    return duration if count >= 1 and duration <= DURATION_MAX else None


def _read_days_ahead(words: tuple[str, ...], ctx: _Context) -> date | None:
    if len(words) < 2 or words[0] not in _IN:
        return None
    amount = _read_amount(words[1:])
    if amount is None or amount[1] not in _DAY_UNITS:
        return None
    count, unit = amount
    days = count * _DAY_UNITS[unit]
    return ctx.today + timedelta(days=days) if count >= 1 and days <= DAYS_AHEAD_MAX else None


def _read_end_of(words: tuple[str, ...], ctx: _Context) -> date | None:
    """'end of (the|this|next) week|month', 'eind(e) (van) (de|deze|volgende) week|maand'."""
    if not words or words[0] not in _END:
        return None
    rest = words[1:]
    if rest and rest[0] in _OF:
        rest = rest[1:]
    ahead = 0
    if rest and rest[0] in _THIS:
        rest = rest[1:]
    elif rest and rest[0] in _NEXT:
        rest, ahead = rest[1:], 1
    if len(rest) != 1:
        return None
    if rest[0] in _WEEK:
        return _end_of_week(ctx, ahead)
    if rest[0] in _MONTH:
        return _end_of_month(ctx, ahead)
    return None


def _read_date(words: tuple[str, ...], ctx: _Context) -> date | None:
    """'2026-12-04', '4 dec', 'dec 4th', '4 december 2026'."""
    if len(words) == 1:
        iso = _ISO_DATE.fullmatch(words[0])
        if not iso:
            return None
        return _calendar_date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)), ctx)
    if len(words) not in (2, 3):
        return None
    first, second = words[0], words[1]
    if first in _MONTHS:
        first, second = second, first
    day_match = _DAY_OF_MONTH.fullmatch(first)
    if not day_match or second not in _MONTHS:
        return None
    day, month = int(day_match.group(1)), _MONTHS[second]
    if len(words) == 3:
        if not _YEAR.fullmatch(words[2]):
            return None
        return _calendar_date(int(words[2]), month, day, ctx)
    this_year = _calendar_date(ctx.today.year, month, day, ctx)
    if this_year is not None and this_year >= ctx.today:
        return this_year
    return _calendar_date(ctx.today.year + 1, month, day, ctx)


def _calendar_date(year: int, month: int, day: int, ctx: _Context) -> date | None:
    if not ctx.today.year - 1 <= year <= ctx.today.year + YEARS_AHEAD_MAX:
        return None
    try:
        return date(year, month, day)
    except ValueError:  # 31 February and the like
        return None


def _read_day(words: tuple[str, ...], ctx: _Context) -> date | None:
    if words and words[0] in _ON:
        words = words[1:]
    if not words:
        return None
    today = ctx.today
    if len(words) == 1:
        word = words[0]
        if word in _TODAY:
            return today
        if word in _TOMORROW:
            return today + timedelta(days=1)
        if word in _WEEKDAYS:
            return _next_weekday(today, _WEEKDAYS[word])
        if word == "eom":
            return _end_of_month(ctx, 0)
    if words in _DAY_AFTER_TOMORROW:
        return today + timedelta(days=2)
    if len(words) == 2 and words[0] in _WEEKDAY_BEFORE and words[1] in _WEEKDAYS:
        return _next_weekday(today, _WEEKDAYS[words[1]])
    if len(words) == 2 and words[0] in _WEEKDAYS and words[1] in _WEEKDAY_AFTER:
        return _next_weekday(today, _WEEKDAYS[words[0]])
    if words in _NEXT_WEEK:
        return _working_day_from(_monday(today) + timedelta(weeks=1), ctx.tz, ctx.wh)[0]
    if len(words) == 3 and words[:2] in _NEXT_WEEK and words[2] in _WEEKDAYS:
        return _monday(today) + timedelta(weeks=1, days=_WEEKDAYS[words[2]])
    if len(words) == 3 and words[1:] in _NEXT_WEEK and words[0] in _WEEKDAYS:
        return _monday(today) + timedelta(weeks=1, days=_WEEKDAYS[words[0]])
    if words in _THIS_WEEK:
        return _end_of_week(ctx, 0)
    return _read_end_of(words, ctx) or _read_days_ahead(words, ctx) or _read_date(words, ctx)


def _clock(hour: int, minute: int, meridiem: str | None, hour_text: str) -> time | None:
    if minute > 59:
        return None
    if meridiem is not None:
        if not 1 <= hour <= 12:
            return None
        return time(hour % 12 + (12 if meridiem in _PM else 0), minute)
    if hour > 23 or (1 <= hour <= 6 and len(hour_text) == 1):
        return None  # '3u', '3:30': the afternoon as often as the night
    return time(hour, minute)


def _read_clock_token(token: str, meridiem: str | None, bare_allowed: bool) -> time | None:
    if token in _NOON and meridiem is None:
        return time(12, 0)
    hm = _CLOCK_HM.fullmatch(token)
    if hm:
        hour_text, minute_text, own_meridiem = hm.group(1), hm.group(2), hm.group(3)
        if own_meridiem and meridiem:
            return None
        meridiem = meridiem or own_meridiem
        if minute_text is None and meridiem is None and not bare_allowed:
            return None  # a number alone is not a time
        return _clock(int(hour_text), int(minute_text or 0), meridiem, hour_text)
    u = _CLOCK_U.fullmatch(token)
    if u and meridiem is None:
        return _clock(int(u.group(1)), int(u.group(2) or 0), None, u.group(1))
    return None


def _read_clock(words: tuple[str, ...]) -> _Clock | None:
    if words in _END_OF_DAY:
        return _EOD
    at = bool(words) and words[0] in _AT
    if at:
        words = words[1:]
    if len(words) == 1:
        if words[0] in _PARTS and not at:
            return _PARTS[words[0]]
        return _read_clock_token(words[0], None, bare_allowed=at)
    if len(words) == 2:
        first, second = words
        if first == "s" and not at:  # 's middags (the apostrophe went with the outer punctuation)
            return _PARTS_DUTCH_ADVERB.get("s" + second)
        if second in _AM or second in _PM:
            return _read_clock_token(first, second, bare_allowed=True)
        if second in _OCLOCK:
            return _read_clock_token(first, None, bare_allowed=True)
    if len(words) == 3 and words[:2] == ("in", "the") and words[2] in _PARTS and not at:
        return _PARTS[words[2]]
    return None


def _resolve(day: date | None, clock: _Clock | None, ctx: _Context) -> Due | None:
    if clock is None or isinstance(clock, _EndOfDay):
        return _by_end_of(day or ctx.today, ctx)
    if isinstance(clock, _Part):
        if day is None:
            return None
        at = _local(day, clock.at, ctx.tz)
        if at <= ctx.now and day == ctx.today:
            at = _local(day, clock.until, ctx.tz)
        return Due(at, True) if at > ctx.now else None
    if day is None:
        at = _local(ctx.today, clock, ctx.tz)
        if at <= ctx.now:
            at = _local(ctx.today + timedelta(days=1), clock, ctx.tz)
        return Due(at, True)
    at = _local(day, clock, ctx.tz)
    return Due(at, True) if at > ctx.now else None


def _by_end_of(day: date, ctx: _Context) -> Due | None:
    at = _end_of_day(day, ctx.tz, ctx.wh)
    if at <= ctx.now:  # today, after its working window: by midnight, then
        at = _local(day, LAST_MINUTE, ctx.tz)
    return Due(at, False) if at > ctx.now else None


def _read(words: Sequence[str], ctx: _Context) -> tuple[bool, Due | None]:
    """(whether the words read as a WHEN, the Due if that moment is still ahead)."""
    tokens = _expand([token for word in words for token in _fold(word)])
    if tokens in _NEVER_ALONE:
        return False, None
    if tokens and tokens[0] in _BY:
        tokens = tokens[1:]
    if not tokens:
        return False, None
    duration = _read_duration(tokens)
    if duration is not None:
        return True, Due((ctx.now + duration).replace(second=0, microsecond=0), True)
    for cut in range(len(tokens) + 1):
        for day_words, clock_words in ((tokens[:cut], tokens[cut:]), (tokens[cut:], tokens[:cut])):
            day = _read_day(day_words, ctx) if day_words else None
            if day_words and day is None:
                continue
            clock = _read_clock(clock_words) if clock_words else None
            if clock_words and clock is None:
                continue
            return True, _resolve(day, clock, ctx)
    return False, None


def _context(now: datetime, tz: str | None, wh: WorkingHours) -> _Context:
    _require_aware(now)
    if wh.end <= wh.start:
        raise ValueError(f"Working hours end {wh.end:%H:%M} is not after start {wh.start:%H:%M}")
    return _Context(now.astimezone(UTC), zone(tz), wh)


def _require_aware(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("Expected a timezone-aware datetime")


def _read_safely(words: Sequence[str], ctx: _Context) -> tuple[bool, Due | None]:
    try:
        return _read(words, ctx)
    except OverflowError:  # a "now" near the end of the calendar
        return True, None


def split_when(
    words: Sequence[str], now: datetime, tz: str | None, wh: WorkingHours
) -> tuple[list[str], Due | None]:
    """The promise's words and its WHEN: the longest run of trailing words that reads as one.

    ``(all words, None)`` when no trailing run does, or when the longest one names a moment
    already past ("vandaag om 9u" at 10:00 is not taken for "om 9u", tomorrow, with "vandaag" left
    in the promise). The words before the WHEN come back as typed and may be empty. Never raises
    on the words.
    """
    ctx = _context(now, tz, wh)
    typed = list(words)
    for size in range(min(len(typed), WHEN_WORDS_MAX), 0, -1):
        understood, due = _read_safely(typed[-size:], ctx)
        if understood:
            return (typed[:-size], due) if due is not None else (typed, None)
    return typed, None


def read_when(text: str, now: datetime, tz: str | None, wh: WorkingHours) -> Due | None:
    """A WHEN on its own (the form's field): the whole text must read as one. Never raises on the text."""
    ctx = _context(now, tz, wh)
    words = text.split()
    if not words or len(words) > WHEN_WORDS_MAX:
        return None
    return _read_safely(words, ctx)[1]


_EN_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_NL_DAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_NL_MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def describe(due: Due, tz: str | None, locale: str, now: datetime | None = None) -> str:
    """The due moment in the owner's zone and language.

    'Fri 4 Dec, end of day', 'Fri 4 Dec, 15:00'; Dutch (a locale starting with 'nl') 'vr 4 dec,
    einde van de dag'. Given ``now``, today and tomorrow are named ('today, 15:00', 'morgen, einde
    van de dag') and a date in another year shows it ('Mon 4 Jan 2027, 15:00').
    """
    dutch = locale.lower().startswith("nl")
    local = due.at.astimezone(zone(tz))
    day = local.date()
    today = now.astimezone(zone(tz)).date() if now is not None else None
    if today is not None and day == today:
        day_text = "vandaag" if dutch else "today"
    elif today is not None and day == today + timedelta(days=1):
        day_text = "morgen" if dutch else "tomorrow"
    else:
        names, months = (_NL_DAYS, _NL_MONTHS) if dutch else (_EN_DAYS, _EN_MONTHS)
        day_text = f"{names[day.weekday()]} {day.day} {months[day.month - 1]}"
        if today is not None and day.year != today.year:
            day_text += f" {day.year}"
    if due.has_time:
        return f"{day_text}, {local:%H:%M}"
    return f"{day_text}, {'einde van de dag' if dutch else 'end of day'}"


def by_next_working_day(now: datetime, tz: str | None, wh: WorkingHours) -> Due:
    """By the end of the working day after today, in the owner's zone: the due moment a promise
    gets when it was given no date (the feeling form's "Follow-up needed" left without one)."""
    ctx = _context(now, tz, wh)
    _, (_, end) = _working_day_after(ctx.today, ctx.tz, wh)
    return Due(end, False)


# --- nudges -------------------------------------------------------------------------------------


def first_nudge(due: Due, made_at: datetime, tz: str | None, wh: WorkingHours) -> datetime:
    """When the owner is first reminded of a promise; always inside their working hours.

    With a time: at that time, or the next working moment after it. A date without a time: the
    start of that day's working window (on a day off, the next working moment after that day's
    start time). A promise made on its due day, a working day: two hours before the end of that
    day's working window (not before its start), at once if that has passed, or the next working
    moment when "at once" is outside working hours. Never before the promise was made.
    """
    _require_aware(made_at)
    made = made_at.astimezone(UTC)
    if due.has_time:
        return next_working_moment(max(due.at, made), tz, wh)
    tz_info = zone(tz)
    day = due.at.astimezone(tz_info).date()
    window = _window(day, tz_info, wh)
    if window is not None and made.astimezone(tz_info).date() == day:
        start, end = window
        target = max(end - SAME_DAY_NUDGE_BEFORE_END, start)
    else:
        target = _local(day, wh.start, tz_info)
    return next_working_moment(max(target, made), tz, wh)


def reminders(
    first: datetime, tz: str | None, wh: WorkingHours, *, max_count: int = REMINDERS_MAX
) -> list[datetime]:
    """While a promise stays open after its first nudge: at the start of the working day after the
    first nudge's day, then at the start of every second working day after that (the 1st, 3rd and
    5th working days after the first nudge's day: nudged on a Friday, reminded Monday, Wednesday,
    Friday), at most ``max_count``.
    """
    _require_aware(first)
    tz_info = zone(tz)
    day = first.astimezone(tz_info).date()
    moments: list[datetime] = []
    for index in range(max_count):
        for _ in range(1 if index == 0 else REMINDER_GAP_WORKING_DAYS):
            day = _working_day_after(day, tz_info, wh)[0]
        moments.append(_working_day_from(day, tz_info, wh)[1][0])
    return moments


def escalation(reminders: Sequence[datetime], tz: str | None, wh: WorkingHours) -> datetime:
    """When the client's partner or backup hears of a promise still open: the start of the working
    day after the last reminder's day (the owner keeps that whole day). Raises ValueError without
    reminders.
    """
    if not reminders:
        raise ValueError("An escalation follows the last reminder: no reminders given")
    for moment in reminders:
        _require_aware(moment)
    tz_info = zone(tz)
    last_day = max(reminders).astimezone(tz_info).date()
    return _working_day_after(last_day, tz_info, wh)[1][0]


def _start_and_clock(at: datetime, tz: str | None, wh: WorkingHours) -> tuple[datetime, date, time]:
    start = next_working_moment(at, tz, wh)
    local = start.astimezone(zone(tz))
    return start, local.date(), local.time()


def _same_time_on(day: date, clock: time, tz: ZoneInfo, wh: WorkingHours) -> datetime:
    """``clock`` on working day ``day``, inside its window: its start on the rare day that skips
    both that time and the window's end (spring forward), so every working day keeps its own moment.
    """
    start, end = _working_day_from(day, tz, wh)[1]
    moment = _local(day, clock, tz)
    return moment if moment < end else start


def quiet_after(outreach_at: datetime, working_days: int, tz: str | None, wh: WorkingHours) -> datetime:
    """When an outreach without an answer becomes quiet: ``working_days`` (usually
    ``QUIET_WORKING_DAYS``) working days after it.

    Counted from the first working moment at or after the outreach, to the same local time on the
    ``working_days``-th working day after that (sent Monday 10:00: quiet the Monday after, 10:00;
    sent Friday evening: the Monday after next, 09:00).
    """
    if working_days < 0:
        raise ValueError("Working days must not be negative")
    tz_info = zone(tz)
    start, day, clock = _start_and_clock(outreach_at, tz, wh)
    if working_days == 0:
        return start
    for _ in range(working_days):
        day = _working_day_after(day, tz_info, wh)[0]
    return _same_time_on(day, clock, tz_info, wh)


def working_days_between(a: datetime, b: datetime, tz: str | None, wh: WorkingHours) -> int:
    """Whole working days from ``a`` to ``b`` (0 when ``b`` is not later), counted as ``quiet_after``
    does: ``working_days_between(a, quiet_after(a, n, tz, wh), tz, wh) == n``. "Jan has not replied for 9
    working days".
    """
    _require_aware(b)
    tz_info = zone(tz)
    _start, day, clock = _start_and_clock(a, tz, wh)
    last_day = b.astimezone(tz_info).date()
    working, one = wh.effective_days, timedelta(days=1)
    count = 0
    day += one
    while day <= last_day:  # each day after the start's, up to `b`'s: the working ones count
        if day.weekday() in working and _window(day, tz_info, wh) is not None:
            # any moment of a working day before `b`'s is before `b`: only that last day needs its moment
            if day == last_day and _same_time_on(day, clock, tz_info, wh) > b:
                break
            count += 1
        day += one
    return count


def snooze_until(choice: str, now: datetime, tz: str | None, wh: WorkingHours) -> datetime:
    """Until when the nudge's Snooze menu puts a nudge away; always inside working hours.

    ``later_today``: 3 hours later, but 30 minutes before the end of today's working window at the
    latest; with less than an hour of the window left, or outside working hours, 3 hours into the
    next working window (30 minutes before its end at the latest). ``tomorrow``: the start of the
    next working day after today. ``next_week``: the start of the first working day of next week.
    Raises ValueError for another choice.
    """
    ctx = _context(now, tz, wh)
    if choice == "later_today":
        window = _window(ctx.today, ctx.tz, wh)
        if window is not None and window[0] <= ctx.now and window[1] - ctx.now >= 2 * SNOOZE_MARGIN:
            return min(ctx.now + SNOOZE_LATER, window[1] - SNOOZE_MARGIN)
        day = ctx.today if window is not None and ctx.now < window[0] else ctx.today + timedelta(days=1)
        start, end = _working_day_from(day, ctx.tz, wh)[1]
        return min(start + SNOOZE_LATER, end - min(SNOOZE_MARGIN, (end - start) / 2))
    if choice == "tomorrow":
        return _working_day_after(ctx.today, ctx.tz, wh)[1][0]
    if choice == "next_week":
        return _working_day_from(_monday(ctx.today) + timedelta(weeks=1), ctx.tz, wh)[1][0]
    raise ValueError(f"Unknown snooze choice {choice!r}: one of {', '.join(SNOOZE_CHOICES)}")
