"""The health score: each input moves it the right way, a missing input gives its weight to the
others, too little data gives no number, and the reasons name what cost the most."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.health import (
    DEFAULT_WEIGHTS,
    WEEKS,
    Inputs,
    Overdue,
    Quiet,
    Week,
    band_of,
    health,
    weights_from,
)

TODAY = date(2026, 12, 1)


def steady(score: int = 4, n: int = 2, below: int = 0, rated: int | None = None) -> list[Week]:
    """`WEEKS` weeks of `n` check-ins a week, each `score`, `below` of them below expectations."""
    return [Week(n, n * score, n if rated is None else rated, below) for _ in range(WEEKS)]


def drifting(start: float, end: float, n: int = 2) -> list[Week]:
    """Weekly averages moving evenly from `start` to `end` (scores rounded, n a week)."""
    weeks = []
    for i in range(WEEKS):
        value = start + (end - start) * i / (WEEKS - 1)
        weeks.append(Week(n, round(value * n), n, 0))
    return weeks


def inputs(**changes: Any) -> Inputs:
    base: dict[str, Any] = {"today": TODAY, "weeks": steady(), "days_since_contact": 3}
    base.update(changes)
    return Inputs(**base)


def score(**changes) -> int:
    found = health(inputs(**changes)).score
    assert found is not None
    return found


def test_a_happy_client_in_regular_touch_is_green_and_says_why():
    h = health(inputs())
    assert h.score == 100 and h.band == "green" and not h.at_risk
    assert [r.key for r in h.reasons] == ["health.reason.good"]
    assert h.reasons[0].values == {"average": 4.0, "days": 3}


def test_a_lower_feeling_lowers_the_score():
    assert score(weeks=steady(5)) == score(weeks=steady(4)) > score(weeks=steady(3)) > score(weeks=steady(2))


def test_recent_weeks_count_more_than_old_ones():
    recent_bad = [*steady(4)[:-3], *steady(2)[-3:]]
    old_bad = [*steady(2)[:3], *steady(4)[3:]]
    assert score(weeks=recent_bad) < score(weeks=old_bad)


def test_a_falling_trend_lowers_the_score_and_a_rising_one_does_not():
    falling = health(inputs(weeks=drifting(4.0, 2.5)))
    rising = health(inputs(weeks=drifting(3.0, 4.0)))
    flat = health(inputs(weeks=steady(3)))
    trend = {p.name: p.score for p in falling.parts}["trend"]
    assert trend is not None and trend < 60
    assert {p.name: p.score for p in rising.parts}["trend"] == 100
    assert {p.name: p.score for p in flat.parts}["trend"] == 100
    assert any(r.part == "trend" for r in falling.reasons)


def test_expectations_below_lower_the_score_and_are_named():
    some = health(inputs(weeks=steady(4, below=1)))
    more = health(inputs(weeks=steady(4, below=2)))
    assert (some.score or 0) < 100 and (more.score or 0) < (some.score or 0)
    reason = next(r for r in more.reasons if r.part == "expectations")
    assert reason.values == {"below": 2 * WEEKS, "rated": 2 * WEEKS}


def test_quiet_contacts_lower_the_score_the_longer_the_more():
    assert score(quiet=[Quiet("Jan", 5, 5)]) < 100
    assert score(quiet=[Quiet("Jan", 9, 5)]) < score(quiet=[Quiet("Jan", 5, 5)])
    assert score(quiet=[Quiet("Jan", 5, 5), Quiet("Piet", 6, 5)]) < score(quiet=[Quiet("Jan", 5, 5)])
    h = health(inputs(quiet=[Quiet("Jan", 9, 5)]))
    assert any(r.part == "quiet" and r.values["who"] == "Jan" and r.values["days"] == 9 for r in h.reasons)


def test_overdue_follow_ups_lower_the_score():
    assert score(overdue=[Overdue("call back", 0)]) < 100
    assert score(overdue=[Overdue("call back", 6)]) < score(overdue=[Overdue("call back", 0)])
    assert score(overdue=[Overdue("a", 1), Overdue("b", 1)]) < score(overdue=[Overdue("a", 1)])


def test_days_without_contact_count_against_the_segments_window():
    assert score(days_since_contact=14, contact_window=(14, 30)) == 100
    assert score(days_since_contact=22, contact_window=(14, 30)) < 100
    assert score(days_since_contact=30, contact_window=(14, 30)) < score(days_since_contact=22)
    # a segment that expects contact every week feels a 10-day gap; one that expects a month does not
    assert score(days_since_contact=10, contact_window=(7, 14)) < score(
        days_since_contact=10, contact_window=(30, 60)
    )
    assert any(r.key == "health.reason.contact_none" for r in health(inputs(days_since_contact=None)).reasons)


def test_a_close_renewal_weighs_a_poor_feeling_and_not_a_good_one():
    unhappy = steady(2)
    near = score(weeks=unhappy, renewal=TODAY + timedelta(days=10))
    far = score(weeks=unhappy, renewal=TODAY + timedelta(days=200))
    assert near < far
    assert score(renewal=TODAY + timedelta(days=10)) == 100  # a happy client about to renew


def test_a_missing_input_shares_its_weight_out_over_the_others():
    # No expectations said at all: the score is the feeling's, trend's... not pulled towards 0 or 100.
    unrated = health(inputs(weeks=steady(3, rated=0)))
    parts = {p.name: p for p in unrated.parts}
    assert parts["expectations"].score is None and parts["renewal"].score is None
    counted = [p for p in unrated.parts if p.score is not None]
    expected = sum(p.weight * (p.score or 0) for p in counted) / sum(p.weight for p in counted)
    assert unrated.score == int(expected + 0.5)


def test_too_little_data_says_so_instead_of_a_number():
    one = [Week()] * (WEEKS - 1) + [Week(1, 2, 1, 1)]
    h = health(inputs(weeks=one))
    assert h.score is None and h.band == "unknown" and not h.at_risk
    assert [r.key for r in h.reasons] == ["health.reason.too_little"] and h.reasons[0].values == {"count": 1}
    assert health(inputs(weeks=[Week()] * WEEKS)).score is None


def test_weights_are_the_workspaces_where_set():
    chosen = weights_from({"feeling": 60, "contact": 0, "nonsense": 5, "trend": "x"})
    assert chosen == {**DEFAULT_WEIGHTS, "feeling": 60, "contact": 0}
    # contact weighs nothing: a long silence no longer counts
    assert health(inputs(days_since_contact=200), chosen).score == 100
    assert (health(inputs(days_since_contact=200)).score or 0) < 100


def test_bands():
    assert [band_of(s) for s in (100, 72, 71, 50, 49, 0, None)] == [
        "green",
        "green",
        "amber",
        "amber",
        "red",
        "red",
        "unknown",
    ]


def test_a_souring_client_is_at_risk_with_its_reasons_first():
    souring = [*steady(4)[:5], *drifting(4.0, 2.5)[5:]]
    weeks = [Week(w.checkins, w.total, w.rated, 1 if n >= WEEKS - 4 else 0) for n, w in enumerate(souring)]
    h = health(inputs(weeks=weeks, quiet=[Quiet("Jan", 9, 5)], days_since_contact=12))
    assert h.at_risk
    assert 1 <= len(h.reasons) <= 3
    assert h.reasons[0].points >= h.reasons[-1].points


@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.integers(1, 5), st.integers(0, 6)), min_size=WEEKS, max_size=WEEKS
    ),
    st.lists(st.tuples(st.integers(0, 40), st.integers(1, 10)), max_size=4),
    st.lists(st.integers(-3, 60), max_size=4),
    st.one_of(st.none(), st.integers(0, 400)),
    st.one_of(st.none(), st.integers(-30, 400)),
)
def test_any_inputs_give_a_score_from_0_to_100_or_none(weeks, quiet, overdue, contact, renewal):
    stats = [Week(n, n * s, min(n, r), min(n, r) // 2) for n, s, r in weeks]
    h = health(
        inputs(
            weeks=stats,
            quiet=[Quiet("x", d, a) for d, a in quiet],
            overdue=[Overdue("y", d) for d in overdue],
            days_since_contact=contact,
            renewal=TODAY + timedelta(days=renewal) if renewal is not None else None,
        )
    )
    assert h.score is None or 0 <= h.score <= 100
    assert h.band == band_of(h.score)
    assert h.reasons and len(h.reasons) <= 3


def test_the_worked_example_in_the_docs():
    """docs/health.md works Acme's score out by hand: these are its numbers."""
    averages = [None] * 5 + [4.0, 4.0, 3.5, 3.5, 3.0, 3.0, 2.5, 2.5]
    weeks = [Week() if a is None else Week(2, int(a * 2), 2, 0) for a in averages]
    weeks[-3:] = [Week(2, 6, 2, 1), Week(2, 5, 2, 1), Week(2, 5, 2, 1)]
    h = health(
        Inputs(
            today=TODAY,
            weeks=weeks,
            quiet=[Quiet("Jan", 9, 5)],
            days_since_contact=12,
            contact_window=(14, 30),
            renewal=TODAY + timedelta(days=40),
        )
    )
    parts = {p.name: round(p.score, 1) for p in h.parts if p.score is not None}
    assert parts == {
        "feeling": 62.1,
        "trend": 4.8,
        "expectations": 71.9,
        "quiet": 40.0,
        "overdue": 100.0,
        "contact": 100.0,
        "renewal": 79.0,
    }
    assert (h.score, h.band, h.at_risk) == (58, "amber", True)
    assert [(r.part, r.points) for r in h.reasons] == [("trend", 19.0), ("feeling", 11.4), ("quiet", 6.0)]
