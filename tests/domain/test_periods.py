from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.periods import (
    DEFAULT_WEEKS,
    ExportAsk,
    Period,
    default,
    read_export,
    read_period,
    week_start,
)
from bot.domain.problem import Problem

TODAY = date(2026, 11, 24)  # a Tuesday


def period(text: str) -> Period:
    found = read_period(text.split(), TODAY)
    assert isinstance(found, Period), (text, found)
    return found


@pytest.mark.parametrize(
    ("text", "kind", "start", "end", "count"),
    [
        # Counted back: whole weeks from Monday, whole months from the 1st, days from today.
        ("12w", "weeks", date(2026, 9, 7), None, 12),
        ("12 weeks", "weeks", date(2026, 9, 7), None, 12),
        ("last 12 weeks", "weeks", date(2026, 9, 7), None, 12),
        ("laatste 4 weken", "weeks", date(2026, 11, 2), None, 4),
        ("1w", "weeks", date(2026, 11, 23), None, 1),
        ("this week", "weeks", date(2026, 11, 23), None, 1),
        ("3m", "months", date(2026, 9, 1), None, 3),
        ("3 maanden", "months", date(2026, 9, 1), None, 3),
        ("30d", "days", date(2026, 10, 26), None, 30),
        ("2y", "months", date(2024, 12, 1), None, 24),
        # The calendar.
        ("2026", "year", date(2026, 1, 1), date(2027, 1, 1), 0),
        ("2025", "year", date(2025, 1, 1), date(2026, 1, 1), 0),
        ("2026-Q3", "quarter", date(2026, 7, 1), date(2026, 10, 1), 0),
        ("2026q4", "quarter", date(2026, 10, 1), date(2027, 1, 1), 0),
        ("Q1 2026", "quarter", date(2026, 1, 1), date(2026, 4, 1), 0),
        ("q2-2026", "quarter", date(2026, 4, 1), date(2026, 7, 1), 0),
        ("2026-09", "month", date(2026, 9, 1), date(2026, 10, 1), 0),
        ("2025-12", "month", date(2025, 12, 1), date(2026, 1, 1), 0),
        ("2026-09-01", "day", date(2026, 9, 1), date(2026, 9, 2), 0),
        ("this month", "month", date(2026, 11, 1), date(2026, 12, 1), 0),
        ("last month", "month", date(2026, 10, 1), date(2026, 11, 1), 0),
        ("last quarter", "quarter", date(2026, 7, 1), date(2026, 10, 1), 0),
        ("dit jaar", "year", date(2026, 1, 1), date(2027, 1, 1), 0),
        ("vorig jaar", "year", date(2025, 1, 1), date(2026, 1, 1), 0),
        ("last week", "range", date(2026, 11, 16), date(2026, 11, 23), 0),
        # From a day on, and between two days, both ends included.
        ("since 2026-09-01", "since", date(2026, 9, 1), None, 0),
        ("sinds 2026-09-01", "since", date(2026, 9, 1), None, 0),
        ("since 2026-Q3", "since", date(2026, 7, 1), None, 0),
        ("2026-09-01 to 2026-10-15", "range", date(2026, 9, 1), date(2026, 10, 16), 0),
        ("from 2026-09-01 until 2026-10-15", "range", date(2026, 9, 1), date(2026, 10, 16), 0),
        ("van 2026-09 tot 2026-10", "range", date(2026, 9, 1), date(2026, 11, 1), 0),
        ("2026-09-01..2026-10-15", "range", date(2026, 9, 1), date(2026, 10, 16), 0),
        ("all", "all", None, None, 0),
        ("Alles", "all", None, None, 0),
    ],
)
def test_periods_people_type(text, kind, start, end, count):
    assert period(text) == Period(kind, start, end, count)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2026-02-30", "export.period.bad_date"),
        ("2026-13", "export.period.bad_date"),
        ("2026-Q5", "export.period.bad_date"),
        ("q0 2026", "export.period.bad_date"),
        ("1969", "export.period.bad_date"),
        ("9999-12-31", "export.period.bad_date"),
        ("0w", "export.period.too_long"),
        ("521w", "export.period.too_long"),
        ("121 months", "export.period.too_long"),
        ("11y", "export.period.too_long"),
        ("2027", "export.period.future"),
        ("since 2026-11-25", "export.period.future"),
        ("2026-10-15 to 2026-09-01", "export.period.backwards"),
    ],
)
def test_a_period_nearly_right_is_a_problem_naming_it(text, key):
    assert read_period(text.split(), TODAY) == Problem(key, {"value": text})


@pytest.mark.parametrize(
    "text", ["acme", "12", "4", "w12", "12 apples", "since acme", "acme to globex", "q3"]
)
def test_words_that_are_no_period_are_left_for_the_client(text):
    assert read_period(text.split(), TODAY) is None


def test_nothing_said_is_the_last_12_weeks():
    assert read_export("", TODAY) == ExportAsk(default(TODAY))
    assert default(TODAY) == Period("weeks", date(2026, 9, 7), None, DEFAULT_WEEKS)


@pytest.mark.parametrize(
    ("text", "target", "segment"),
    [
        ("12w acme", "acme", False),
        ("acme corp 12w", "acme corp", False),
        ("since 2026-09-01 segment retail", "retail", True),
        ("segment retail 12 weeks", "retail", True),
        ("12w", "", False),
    ],
)
def test_the_period_comes_first_or_last_and_the_rest_names_a_client_or_segment(text, target, segment):
    found = read_export(text, TODAY)
    assert isinstance(found, ExportAsk)
    assert (found.target, found.segment, found.period_said) == (target, segment, True)


def test_words_without_a_period_all_name_the_client():
    assert read_export("acme 4 labs", TODAY) == ExportAsk(default(TODAY), "acme 4 labs")
    # A period at the start is read first.
    assert read_export("2026 studios 12w", TODAY) == ExportAsk(period("2026"), "studios 12w", False, True)


def test_a_nearly_right_period_anywhere_is_said_before_the_client_is_looked_for():
    assert read_export("acme 2026-02-30", TODAY) == Problem("export.period.bad_date", {"value": "2026-02-30"})
    assert read_export("segment", TODAY) == Problem("export.problem.which_segment")


def test_bounds_are_midnights_in_the_zone_as_utc():
    amsterdam = ZoneInfo("Europe/Amsterdam")
    assert period("2026").bounds(amsterdam) == (
        datetime(2025, 12, 31, 23, 0, tzinfo=UTC),
        datetime(2026, 12, 31, 23, 0, tzinfo=UTC),
    )
    assert period("since 2026-09-01").bounds(amsterdam) == (datetime(2026, 8, 31, 22, 0, tzinfo=UTC), None)
    assert period("all").bounds(amsterdam) == (None, None)
    assert period("2026-Q3").last_day == date(2026, 9, 30)


@given(st.sampled_from(["12w", "2026", "2026-Q3", "since 2026-09-01", "all", "3m", "last week"]))
def test_a_period_stored_with_an_export_reads_back_the_same(text):
    found = period(text)
    assert Period.from_payload(found.to_payload()) == found


def test_a_stored_period_of_another_shape_is_refused():
    with pytest.raises(ValueError):
        Period.from_payload({"kind": "fortnight"})
    with pytest.raises(ValueError):
        Period.from_payload({"kind": "weeks", "count": "12"})


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)))
def test_every_week_starts_on_the_monday_on_or_before_its_day(day):
    monday = week_start(day)
    assert monday.weekday() == 0 and 0 <= (day - monday).days < 7


@given(
    st.lists(
        st.one_of(
            st.text(max_size=12),
            st.sampled_from(["12w", "since", "to", "..", "2026", "q3", "segment", "-", "2026-02-30", "all"]),
        ),
        max_size=10,
    ),
    st.dates(min_value=date(1971, 1, 1), max_value=date(2500, 1, 1)),
)
def test_any_words_are_a_period_and_target_or_a_problem_never_an_error(words, today):
    found = read_export(" ".join(words), today)
    assert isinstance(found, ExportAsk | Problem)
    if isinstance(found, ExportAsk) and found.period.start is not None:
        assert found.period.start <= today
        assert found.period.end is None or found.period.end > found.period.start
