from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.feelings import (
    FACES,
    TREND_ARROWS,
    Expectation,
    Trend,
    average,
    is_bad,
    sparkline,
    trend,
    weekly_averages,
)

NOW = datetime(2025, 6, 16, 12, 0, tzinfo=UTC)


def test_faces_cover_scores_one_to_five_in_order() -> None:
    assert sorted(FACES) == [1, 2, 3, 4, 5]
    assert [FACES[score].emoji for score in range(1, 6)] == ["😣", "🙁", "😐", "🙂", "🤩"]
    labels = [FACES[score].label for score in range(1, 6)]
    assert labels == ["Upset", "Unhappy", "Neutral", "Happy", "Delighted"]
    assert FACES[5].slack_name == ":star-struck:"
    assert all(face.score == score for score, face in FACES.items())


def test_expectation_values_are_stored_strings() -> None:
    assert [item.value for item in Expectation] == ["below", "met", "exceeded"]
    assert Expectation("met") is Expectation.MET


@pytest.mark.parametrize(
    ("score", "expectation", "bad"),
    [
        (1, None, True),
        (2, Expectation.EXCEEDED, True),
        (3, None, False),
        (3, Expectation.MET, False),
        (5, Expectation.BELOW, True),
        (4, Expectation.EXCEEDED, False),
    ],
)
def test_low_score_or_expectations_below_is_bad(
    score: int, expectation: Expectation | None, bad: bool
) -> None:
    assert is_bad(score, expectation) is bad


def test_sparkline_uses_fixed_one_to_five_scale() -> None:
    assert sparkline([1, 2, 3, 4, 5]) == "▁▃▅▆█"


def test_sparkline_does_not_rescale_to_the_data() -> None:
    assert sparkline([4, 4.5, 5]) == "▆▇█"
    assert sparkline([3, 3]) == "▅▅"


def test_sparkline_marks_missing_weeks_with_a_dot() -> None:
    assert sparkline([None, 1, None, 5]) == "·▁·█"


def test_sparkline_clamps_out_of_scale_values() -> None:
    assert sparkline([0, 9]) == "▁█"


def test_sparkline_of_nothing_is_empty() -> None:
    assert sparkline([]) == ""


def test_average_of_nothing_is_none() -> None:
    assert average([]) is None
    assert average(iter([2, 3, 4])) == 3


def test_weekly_averages_are_oldest_first_with_gaps_as_none() -> None:
    points = [
        (NOW - timedelta(days=1), 4),
        (NOW - timedelta(days=2), 2),
        (NOW - timedelta(days=15), 5),
        (NOW - timedelta(days=57), 1),  # older than 8 weeks: ignored
    ]
    assert weekly_averages(points, NOW, weeks=3) == [5.0, None, 3.0]
    assert weekly_averages(points, NOW) == [None, None, None, None, None, 5.0, None, 3.0]


def test_weekly_average_week_starts_inclusive_and_ends_exclusive() -> None:
    week = timedelta(days=7)
    points = [
        (NOW - 2 * week, 1),  # start of the older week
        (NOW - week, 5),  # start of the last week
        (NOW - week - timedelta(microseconds=1), 2),  # last moment of the older week
        (NOW, 3),  # at now: outside the last week
    ]
    assert weekly_averages(points, NOW, weeks=2) == [1.5, 5.0]


def test_weekly_averages_ignore_future_points() -> None:
    assert weekly_averages([(NOW + timedelta(days=1), 5)], NOW, weeks=1) == [None]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([2, 2, 4, 4], Trend.UP),
        ([4, 4, 2, 2], Trend.DOWN),
        ([3, 3.2, 3.1, 3.0], Trend.FLAT),
        ([None, 2, None, None, 4, None], Trend.UP),
        ([3, 1, 5], Trend.UP),  # the middle value belongs to neither half
        ([4], Trend.UNKNOWN),
        ([None, None], Trend.UNKNOWN),
        ([], Trend.UNKNOWN),
    ],
)
def test_trend_compares_recent_half_with_older_half(values: list[float | None], expected: Trend) -> None:
    assert trend(values) is expected


def test_trend_threshold_decides_flat() -> None:
    assert trend([3.0, 3.6]) is Trend.UP  # ▅▆: a step up
    assert trend([3.1, 3.5]) is Trend.FLAT  # ▅▅: the same level, however the averages differ
    assert trend([3.1, 3.5], steps=0.5) is Trend.FLAT
    assert trend([3.0, 3.6], steps=2) is Trend.FLAT  # a step, but not two
    assert trend([3.0, 3.0, 3.0, 3.6], steps=0.5) is Trend.UP


@pytest.mark.parametrize(
    ("values", "line", "arrow"),
    [
        ([3.6, 3.9, 4.1], "▆▆▆", "→"),  # a flat line is never a rise, though 3.6 -> 4.1 is one
        ([3.1, 4.5, 3.5], "▅▇▅", "→"),  # it ends where it began
        ([3.7, 3.7, 3.5], "▆▆▅", "↘"),  # a step down is a fall, though only 0.2 lower
        ([3.5, 3.6], "▅▆", "↗"),
        ([None, 5.0, None, 4.6], "·█·▇", "↘"),
        ([3.0, 3.0, 3.0, 3.6], "▅▅▅▆", "→"),  # one step in the last week of four: half a step
        ([3.0, 3.0, 3.6, 3.6], "▅▅▆▆", "↗"),
    ],
)
def test_the_arrow_says_what_the_sparkline_shows(values: list[float | None], line: str, arrow: str) -> None:
    assert sparkline(values) == line
    assert TREND_ARROWS[trend(values)] == arrow


def test_every_trend_has_an_arrow() -> None:
    assert TREND_ARROWS == {Trend.UP: "↗", Trend.DOWN: "↘", Trend.FLAT: "→", Trend.UNKNOWN: ""}
