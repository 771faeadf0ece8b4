"""Scores, faces, expectations and simple trend maths."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


@dataclass(frozen=True)
class Face:
    score: int
    emoji: str
    slack_name: str
    label: str


FACES: dict[int, Face] = {
    1: Face(1, "😣", ":persevere:", "Upset"),
    2: Face(2, "🙁", ":slightly_frowning_face:", "Unhappy"),
    3: Face(3, "😐", ":neutral_face:", "Neutral"),
    4: Face(4, "🙂", ":slightly_smiling_face:", "Happy"),
    5: Face(5, "🤩", ":star-struck:", "Delighted"),
}

SCORE_MIN = 1
SCORE_MAX = 5


class Expectation(StrEnum):
    BELOW = "below"
    MET = "met"
    EXCEEDED = "exceeded"


def is_bad(score: int, expectation: Expectation | None) -> bool:
    """A touchpoint that someone should look at: a low score or expectations not met."""
    return score <= 2 or expectation is Expectation.BELOW


SPARK_CHARS = "▁▂▃▄▅▆▇█"
SPARK_MISSING = "·"


def level(value: float) -> int:
    """Which of the sparkline's characters a value is drawn as: 0 (▁) to 7 (█)."""
    top = len(SPARK_CHARS) - 1
    position = (value - SCORE_MIN) / (SCORE_MAX - SCORE_MIN) * top
    return min(top, max(0, int(position + 0.5)))


def sparkline(values: Sequence[float | None]) -> str:
    """One character per value on a fixed 1..5 scale (1 -> ▁, 5 -> █); None -> ·.

    Values outside 1..5 are clamped, so sparklines of different clients are comparable.
    """
    return "".join(SPARK_MISSING if value is None else SPARK_CHARS[level(value)] for value in values)


def average(values: Iterable[float]) -> float | None:
    """Arithmetic mean, or None when there are no values."""
    items = list(values)
    if not items:
        return None
    return sum(items) / len(items)


def weekly_averages(
    points: Iterable[tuple[datetime, int]], now: datetime, weeks: int = 8
) -> list[float | None]:
    """Average score per week, oldest first.

    Week ``i`` covers ``[now - (weeks - i) * 7d, now - (weeks - i - 1) * 7d)``; points outside
    all weeks (too old, or at/after ``now``) are ignored. A week without points is None.
    """
    if weeks <= 0:
        return []
    week = timedelta(days=7)
    origin = now - weeks * week
    buckets: list[list[float]] = [[] for _ in range(weeks)]
    for at, score in points:
        if at < origin or at >= now:
            continue
        index = int((at - origin) / week)
        if 0 <= index < weeks:
            buckets[index].append(float(score))
    return [average(bucket) for bucket in buckets]


class Trend(StrEnum):
    UP = "up"
    DOWN = "down"
    FLAT = "flat"
    UNKNOWN = "unknown"


TREND_ARROWS: dict[Trend, str] = {
    Trend.UP: "↗",
    Trend.DOWN: "↘",
    Trend.FLAT: "→",
    Trend.UNKNOWN: "",
}


def trend(values: Sequence[float | None], steps: float = 1) -> Trend:
    """Compare the recent half of the known values with the older half, as the sparkline draws them.

    ``values`` is oldest first (as from :func:`weekly_averages`); None values are skipped. Each value
    counts as its sparkline character (:func:`level`), so the arrow never says other than the line
    beside it: ``▆▆▆`` is flat, ``▆▆▅`` a fall. With an odd number of known values the middle one
    belongs to neither half. Fewer than two known values -> UNKNOWN. Halves whose mean levels differ
    by at least ``steps`` characters are UP/DOWN.
    """
    known = [level(value) for value in values if value is not None]
    if len(known) < 2:
        return Trend.UNKNOWN
    half = len(known) // 2
    older = average(known[:half])
    recent = average(known[len(known) - half :])
    if older is None or recent is None:
        return Trend.UNKNOWN
    difference = round(recent - older, 9)
    if difference >= steps:
        return Trend.UP
    if difference <= -steps:
        return Trend.DOWN
    return Trend.FLAT
