"""A client's health: an explainable 0–100 score, its band, and the reasons that moved it.

Seven parts, each scored 0–100 where 100 means "nothing wrong here":

- **feeling**: the recent average feeling, weighted by age (a week's check-ins count half as much
  30 days later); 4 of 5 or better is 100, 1.5 or worse is 0 (3 is 60).
- **trend**: the weekly average feeling over the last 8 weeks; flat or rising is 100, falling by
  0.25 a week (2 points over 8 weeks) or faster is 0.
- **expectations**: the share of the last 90 days' check-ins with expectations "below"; none is
  100, two in three is 0.
- **quiet**: contacts who have not answered an outreach past the client's quiet days; each costs
  40, and 5 more for every working day beyond.
- **overdue**: open follow-ups past their due moment; each costs 30, and 5 more for every day
  late (at most 60 each).
- **contact**: days since the last touchpoint against the segment's ideal and maximum window;
  within the ideal is 100, at the maximum or beyond 0.
- **renewal**: only within 90 days of a renewal; the closer it is, the more this part weighs a
  poor feeling (a happy client about to renew scores 100 here).

The score is the weighted average of the parts that have something to say (a part without data,
such as the trend of a client with check-ins in two weeks only, gives its weight to the others).
A client with fewer than 2 check-ins in 90 days has no score: too little data to be fair. Bands:
green from 72, amber from 50, red below. A client is **at risk** when red, or amber and falling:
its trend part below 60 (down by 0.1 a week or more) and its last 3 weeks with check-ins 0.4 or more
below the weeks before them (a drop that lasts, not one bad week). The reasons are the parts that cost the
most points, in plain words (`Reason.key` is a message key, `Reason.values` fills it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import NamedTuple

PARTS = ("feeling", "trend", "expectations", "quiet", "overdue", "contact", "renewal")
DEFAULT_WEIGHTS: Mapping[str, int] = {
    "feeling": 30,
    "trend": 20,
    "expectations": 15,
    "quiet": 10,
    "overdue": 10,
    "contact": 10,
    "renewal": 5,
}
WEIGHT_MAX = 100

WEEKS = 13  # about 90 days: the calendar week so far and the 12 before it (Monday to Sunday, UTC)
TREND_WEEKS = 8
HALF_LIFE_DAYS = 30.0
MIN_CHECKINS = 2
RENEWAL_WINDOW_DAYS = 90

GREEN_FROM = 72
AMBER_FROM = 50
FALLING = 60  # a trend part below this is falling: with an amber score, and a drop that lasts, at risk
DROP = 0.4  # the last 3 weeks' average this far below the weeks before: the drop lasts
REASON_MIN_POINTS = 3.0  # a part that costs fewer points than this is not worth a reason
MOST_REASONS = 3


class Week(NamedTuple):
    """One week's check-ins of a client: how many, their scores' sum, how many said whether
    expectations were met, and how many of those said "below". (A named tuple: a workspace's
    quarter is tens of thousands of them.)"""

    checkins: int = 0
    total: int = 0
    rated: int = 0
    below: int = 0

    @property
    def average(self) -> float | None:
        return self.total / self.checkins if self.checkins else None

    @staticmethod
    def added(weeks: Iterable[Week]) -> Week:
        """Several weeks as one: their check-ins, scores, ratings and "below"s added up."""
        columns = [sum(column) for column in zip(*weeks, strict=True)]  # four sums; none without weeks
        return Week(*columns) if columns else Week()


@dataclass(frozen=True)
class Quiet:
    who: str  # the contact's name, or the client's when the outreach named nobody
    working_days: int  # silent for this many working days
    after: int  # the client's quiet days: past this, it counts


@dataclass(frozen=True)
class Overdue:
    what: str
    days_late: int


class Inputs(NamedTuple):
    """What a client's health is read from. `weeks` holds the last `WEEKS` weeks, oldest first, the
    last one ending now. (A named tuple: a workspace's clients are scored at once.)"""

    today: date
    weeks: Sequence[Week]
    quiet: Sequence[Quiet] = ()
    overdue: Sequence[Overdue] = ()
    days_since_contact: int | None = None  # None: no touchpoint in the window Rapport looks at
    contact_window: tuple[int, int] = (14, 30)  # ideal, maximum
    renewal: date | None = None


@dataclass(frozen=True)
class Reason:
    part: str
    key: str
    values: Mapping[str, object] = field(default_factory=dict)
    points: float = 0.0  # what this part cost the score


class Part(NamedTuple):
    name: str
    score: float | None  # None: nothing to say, its weight goes to the others
    weight: int


@dataclass(frozen=True)
class Health:
    score: int | None  # None: too little data
    band: str  # green, amber, red, or unknown
    at_risk: bool
    parts: tuple[Part, ...]
    checkins: int  # in the last 90 days
    # what `reasons` says, worked out when first asked for (a digest needs the at-risk clients' only)
    explain: Callable[[], tuple[Reason, ...]] = field(repr=False, compare=False)

    @property
    def known(self) -> bool:
        return self.score is not None

    @cached_property
    def reasons(self) -> tuple[Reason, ...]:
        """The parts that cost the most points, in plain words (or why there is no score)."""
        return self.explain()


def weights_from(settings: Mapping[str, object] | None) -> dict[str, int]:
    """The workspace's weights: its own where it set them (whole numbers 0–100), the defaults
    elsewhere."""
    weights = dict(DEFAULT_WEIGHTS)
    for name, value in (settings or {}).items():
        if name in weights and isinstance(value, int) and not isinstance(value, bool):
            weights[name] = min(WEIGHT_MAX, max(0, value))
    return weights


def band_of(score: int | None) -> str:
    if score is None:
        return "unknown"
    if score >= GREEN_FROM:
        return "green"
    return "amber" if score >= AMBER_FROM else "red"


def health(inputs: Inputs, weights: Mapping[str, int] | None = None) -> Health:
    """The client's health from `inputs`, with the workspace's `weights` (the defaults if None)."""
    chosen = weights or DEFAULT_WEIGHTS
    weeks = inputs.weeks if len(inputs.weeks) <= WEEKS else list(inputs.weeks)[-WEEKS:]
    together = Week.added(weeks)
    if together.checkins < MIN_CHECKINS:
        reason = Reason("data", "health.reason.too_little", {"count": together.checkins})
        return Health(None, "unknown", False, (), together.checkins, lambda: (reason,))

    feeling, feeling_avg = _feeling(weeks)
    recent = weeks[-TREND_WEEKS:]
    trend, change = _trend(recent)
    expectations = _expectations(together)
    quiet = _quiet(inputs.quiet)
    overdue = _overdue(inputs.overdue)
    contact = _contact(inputs.days_since_contact, inputs.contact_window)
    renewal_days = (inputs.renewal - inputs.today).days if inputs.renewal else None
    renewal = _renewal(renewal_days, feeling)
    scores = (feeling, trend, expectations, quiet, overdue, contact, renewal)  # as PARTS
    parts = tuple(map(Part, PARTS, scores, map(chosen.get, PARTS, _NO_WEIGHT)))
    counted: list[Part] = []
    weight, value = 0, 0.0
    for part in parts:
        if part.score is not None and part.weight > 0:
            counted.append(part)
            weight += part.weight
            value += part.weight * part.score
    if weight == 0:  # every weight set to 0, or nothing to say: the feeling alone
        counted, weight, value = [parts[0]._replace(weight=1)], 1, feeling or 0.0
    value /= weight
    score = int(value + 0.5)
    band = band_of(score)
    # falling matters only to an amber score (red is at risk anyway, green is not)
    falling = band == "amber" and trend is not None and trend < FALLING and _dropped(recent)

    def facts(part: str) -> Mapping[str, object]:
        """What a reason about `part` says (made only for the parts that are reasons)."""
        if part == "feeling":
            return {"average": _one(feeling_avg)}
        if part == "trend":
            return {"change": _one(abs(change or 0.0)), "weeks": TREND_WEEKS}
        if part == "expectations":
            return {"below": together.below, "rated": together.rated}
        if part == "quiet":
            return _quiet_facts(inputs.quiet)
        if part == "overdue":
            return _overdue_facts(inputs.overdue)
        if part == "contact":
            ideal, most = inputs.contact_window
            return {"days": inputs.days_since_contact, "ideal": ideal, "most": most}
        return {"days": renewal_days}

    def explain() -> tuple[Reason, ...]:
        reasons = _reasons(counted, weight, facts)
        if reasons:
            return reasons
        good = {"average": _one(feeling_avg), "days": inputs.days_since_contact}
        key = "health.reason.good" if inputs.days_since_contact is not None else "health.reason.good_feeling"
        return (Reason("good", key, good),)

    return Health(
        score,
        band,
        band == "red" or (band == "amber" and falling),
        parts,
        together.checkins,
        explain,
    )


# --- the parts ------------------------------------------------------------------------------------


_NO_WEIGHT = (0,) * len(PARTS)  # for a part the weights leave out

# How much a week's check-ins count, by its age in weeks: from the middle of the week, halved every 30 days.
_AGE_WEIGHTS = [0.5 ** ((age * 7 + 3.5) / HALF_LIFE_DAYS) for age in range(WEEKS)]


def _feeling(weeks: Sequence[Week]) -> tuple[float | None, float | None]:
    weighted = count = 0.0
    for week, weight in zip(reversed(weeks), _AGE_WEIGHTS, strict=False):  # at most WEEKS weeks
        if week.checkins:
            weighted += weight * week.total
            count += weight * week.checkins
    if not count:
        return None, None
    average = weighted / count
    return _clamp((average - 1.5) / 2.5 * 100), average


def _trend(weeks: Sequence[Week]) -> tuple[float | None, float | None]:
    """The slope of the weekly averages, per week, by least squares with each week weighted by its
    check-ins (at least 3 weeks with check-ins, spanning 4 weeks or more); and its change over that
    span."""
    points = count = by_x = by_xx = total = total_x = 0
    first = last = 0
    for x, week in enumerate(weeks):
        if week.checkins:
            if not points:
                first = x
            last = x
            points += 1
            count += week.checkins
            by_x += week.checkins * x
            by_xx += week.checkins * x * x
            total += week.total
            total_x += week.total * x
    if points < 3 or last - first < 3:
        return None, None
    # covariance / spread, both multiplied by the check-ins counted: whole numbers until the division
    slope = (count * total_x - by_x * total) / (count * by_xx - by_x * by_x)
    change = slope * (last - first)
    return _clamp(100 + slope * 400), change


def _dropped(weeks: Sequence[Week]) -> bool:
    """The last 3 weeks with check-ins average at least `DROP` below the weeks before them (in the
    8-week window): a fall that lasts, not one bad week."""
    known = [w for w in weeks if w.checkins]
    if len(known) < 5:
        return False
    recent = Week.added(known[-3:]).average
    before = Week.added(known[:-3]).average
    return recent is not None and before is not None and before - recent >= DROP


def _expectations(together: Week) -> float | None:
    if not together.rated:
        return None
    return _clamp(100 - 150 * together.below / together.rated)


def _quiet(quiet: Sequence[Quiet]) -> float:
    if not quiet:
        return 100.0
    cost = sum(40 + 5 * max(0, q.working_days - q.after) for q in quiet)
    return _clamp(100 - cost)


def _overdue(overdue: Sequence[Overdue]) -> float:
    if not overdue:
        return 100.0
    cost = sum(min(60, 30 + 5 * max(0, o.days_late)) for o in overdue)
    return _clamp(100 - cost)


def _contact(days: int | None, window: tuple[int, int]) -> float:
    ideal, most = window
    if days is None or days >= most:
        return 0.0
    if days <= ideal:
        return 100.0
    return _clamp(100 * (most - days) / max(1, most - ideal))


def _renewal(days: int | None, feeling: float | None) -> float | None:
    if days is None or days < 0 or days > RENEWAL_WINDOW_DAYS or feeling is None:
        return None
    closeness = 1 - days / RENEWAL_WINDOW_DAYS
    return _clamp(100 - closeness * (100 - feeling))


# --- reasons --------------------------------------------------------------------------------------

_KEYS = {
    "feeling": "health.reason.feeling",
    "trend": "health.reason.trend",
    "expectations": "health.reason.expectations",
    "quiet": "health.reason.quiet",
    "overdue": "health.reason.overdue",
    "contact": "health.reason.contact",
    "renewal": "health.reason.renewal",
}


def _reasons(
    counted: Sequence[Part], weight: int, facts: Callable[[str], Mapping[str, object]]
) -> tuple[Reason, ...]:
    costs = sorted(
        ((p.weight * (100 - (p.score or 0.0)) / weight, p) for p in counted),
        key=lambda item: -item[0],
    )
    reasons: list[Reason] = []
    for points, part in costs:
        if points < REASON_MIN_POINTS or len(reasons) == MOST_REASONS:
            break
        key = _KEYS[part.name]
        said = facts(part.name)
        if part.name == "contact" and said["days"] is None:
            key = "health.reason.contact_none"
        reasons.append(Reason(part.name, key, said, round(points, 1)))
    return tuple(reasons)


def _quiet_facts(quiet: Sequence[Quiet]) -> dict[str, object]:
    longest = max(quiet, key=lambda q: q.working_days, default=None)
    return {
        "count": len(quiet),
        "who": longest.who if longest else "",
        "days": longest.working_days if longest else 0,
    }


def _overdue_facts(overdue: Sequence[Overdue]) -> dict[str, object]:
    oldest = max(overdue, key=lambda o: o.days_late, default=None)
    return {
        "count": len(overdue),
        "what": oldest.what if oldest else "",
        "days": oldest.days_late if oldest else 0,
    }


def _clamp(value: float) -> float:
    return min(100.0, max(0.0, value))


def _one(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def week_starts(now: datetime, weeks: int = WEEKS) -> list[datetime]:
    """Where each of the last `weeks` calendar weeks begins (Monday 00:00 UTC), oldest first; the last
    is the week `now` is in."""
    day = now.astimezone(UTC).date()
    monday = datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(days=day.weekday())
    return [monday - timedelta(days=7 * (weeks - 1 - n)) for n in range(weeks)]
