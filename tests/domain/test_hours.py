from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.hours import (
    ALL_DAYS,
    WorkingHours,
    add_working_time,
    days_text,
    is_working_time,
    local_now_text,
    next_working_moment,
    parse_days,
    parse_span,
    zone,
)

AMS = "Europe/Amsterdam"
OFFICE = WorkingHours()  # Mon–Fri 09:00–17:30
EVERY_NIGHT = WorkingHours(days=frozenset(range(7)), start=time(0, 0), end=time(6, 0))


def ams(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(AMS))


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


class TestParse:
    @pytest.mark.parametrize(
        ("days", "expected"),
        [
            ("mon-fri", {0, 1, 2, 3, 4}),
            ("Mon–Fri", {0, 1, 2, 3, 4}),
            ("mon,tue,thu", {0, 1, 3}),
            ("Monday, Tuesday , thu", {0, 1, 3}),
            ("0-4", {0, 1, 2, 3, 4}),
            ("5,6", {5, 6}),
            ("fri-mon", {4, 5, 6, 0}),
            ("weekdays", {0, 1, 2, 3, 4}),
            ("sun", {6}),
        ],
    )
    def test_parse_reads_day_lists_and_ranges(self, days: str, expected: set[int]) -> None:
        assert WorkingHours.parse(days, "09:00", "17:30").days == frozenset(expected)

    def test_parse_reads_times(self) -> None:
        parsed = WorkingHours.parse("mon-fri", "8:15", "17")
        assert (parsed.start, parsed.end) == (time(8, 15), time(17, 0))

    @pytest.mark.parametrize(
        ("days", "start", "end", "message"),
        [
            ("funday", "09:00", "17:00", "Unknown day 'funday'"),
            ("", "09:00", "17:00", "No working days"),
            ("mon-", "09:00", "17:00", "Unknown day"),
            ("mon-fri", "25:00", "26:00", "Invalid start time '25:00'"),
            ("mon-fri", "09:00", "17:75", "Invalid end time '17:75'"),
            ("mon-fri", "noon", "17:00", "Invalid start time 'noon'"),
            ("mon-fri", "17:00", "09:00", "End time 09:00 must be later than start time 17:00"),
            ("mon-fri", "09:00", "09:00", "must be later"),
        ],
    )
    def test_parse_rejects_bad_input_with_a_clear_message(
        self, days: str, start: str, end: str, message: str
    ) -> None:
        with pytest.raises(ValueError, match=message):
            WorkingHours.parse(days, start, end)

    def test_describe_default_office_hours(self) -> None:
        assert OFFICE.describe() == "Mon–Fri 09:00–17:30"

    def test_describe_lists_scattered_days(self) -> None:
        assert WorkingHours.parse("mon,tue,thu", "08:00", "12:00").describe() == "Mon, Tue, Thu 08:00–12:00"

    def test_describe_empty_days_as_every_day(self) -> None:
        assert WorkingHours(days=frozenset()).describe() == "Every day 09:00–17:30"

    def test_describe_days_parse_back_to_the_same_days(self) -> None:
        hours = WorkingHours.parse("mon-wed,fri,sun", "07:00", "15:00")
        days_text = hours.describe().rsplit(" ", 1)[0]
        assert WorkingHours.parse(days_text, "07:00", "15:00") == hours

    @pytest.mark.parametrize(
        ("days", "expected"),
        [
            ("ma-do", {0, 1, 2, 3}),
            ("maandag t/m donderdag", {0, 1, 2, 3}),
            ("ma, di, do", {0, 1, 3}),
            ("Woensdag,vrijdag", {2, 4}),
            ("za-zo", {5, 6}),
            ("werkdagen", {0, 1, 2, 3, 4}),
            ("elke dag", set(range(7))),
        ],
    )
    def test_parse_days_reads_dutch_day_names(self, days: str, expected: set[int]) -> None:
        assert parse_days(days) == frozenset(expected)

    @pytest.mark.parametrize(
        "days",
        [{0, 1, 2, 3, 4}, {0, 1, 3}, {0, 1, 2, 4, 6}, {5, 6}, {6}, set(range(7)), {0, 4, 5, 6}],
    )
    def test_days_text_is_short_and_reads_back_as_the_same_days(self, days: set[int]) -> None:
        stored = days_text(frozenset(days))
        assert parse_days(stored) == frozenset(days) and len(stored) <= 32

    def test_days_text_of_no_days_is_every_day(self) -> None:
        assert (days_text(frozenset()), days_text(frozenset({0, 1, 2, 3, 4}))) == ("mon-sun", "mon-fri")
        assert parse_days(days_text(frozenset())) == ALL_DAYS

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("08:30-17:00", (time(8, 30), time(17, 0))),
            ("8:30 – 17", (time(8, 30), time(17, 0))),
            ("9 to 17:30", (time(9, 0), time(17, 30))),
            ("9 tot 17", (time(9, 0), time(17, 0))),
            ("8.30-16.45", (time(8, 30), time(16, 45))),
        ],
    )
    def test_parse_span_reads_a_days_hours(self, text: str, expected: tuple[time, time]) -> None:
        assert parse_span(text) == expected

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("08:30", "Invalid working hours"),
            ("-17:00", "Invalid working hours"),
            ("8:30-", "Invalid working hours"),
            ("25:00-26:00", "Invalid start time '25:00'"),
            ("09:00-noon", "Invalid end time 'noon'"),
        ],
    )
    def test_parse_span_rejects_what_is_not_two_times(self, text: str, message: str) -> None:
        with pytest.raises(ValueError, match=message):
            parse_span(text)


class TestZone:
    @pytest.mark.parametrize("name", [None, "", "Not/AZone", "Europe", "../etc/passwd"])
    def test_unknown_or_missing_zone_falls_back_to_utc(self, name: str | None) -> None:
        assert zone(name) == ZoneInfo("UTC")

    def test_known_zone_is_used(self) -> None:
        assert zone(AMS) == ZoneInfo(AMS)


class TestIsWorkingTime:
    def test_working_time_is_judged_on_the_users_local_clock(self) -> None:
        monday_0800_utc = utc(2025, 1, 6, 8, 0)  # 09:00 in Amsterdam, 03:00 in New York
        assert is_working_time(monday_0800_utc, AMS, OFFICE)
        assert not is_working_time(monday_0800_utc, "America/New_York", OFFICE)

    def test_start_is_inside_and_end_is_outside_working_hours(self) -> None:
        assert not is_working_time(ams(2025, 1, 6, 8, 59), AMS, OFFICE)
        assert is_working_time(ams(2025, 1, 6, 9, 0), AMS, OFFICE)
        assert is_working_time(ams(2025, 1, 6, 17, 29), AMS, OFFICE)
        assert not is_working_time(ams(2025, 1, 6, 17, 30), AMS, OFFICE)

    def test_weekend_is_not_working_time(self) -> None:
        assert not is_working_time(ams(2025, 1, 11, 11, 0), AMS, OFFICE)

    def test_empty_days_means_every_day(self) -> None:
        assert is_working_time(ams(2025, 1, 11, 11, 0), AMS, WorkingHours(days=frozenset()))

    def test_unknown_zone_is_judged_in_utc(self) -> None:
        assert is_working_time(utc(2025, 1, 6, 9, 0), "Mars/Olympus", OFFICE)

    def test_naive_datetime_is_rejected(self) -> None:
        with pytest.raises(ValueError, match="timezone-aware"):
            is_working_time(datetime(2025, 1, 6, 9, 0), AMS, OFFICE)


class TestNextWorkingMoment:
    def test_moment_inside_working_hours_is_returned_as_is_in_utc(self) -> None:
        at = ams(2025, 1, 7, 10, 17)
        result = next_working_moment(at, AMS, OFFICE)
        assert result == at
        assert result.tzinfo is UTC

    def test_early_morning_waits_for_start_of_same_day(self) -> None:
        assert next_working_moment(ams(2025, 1, 7, 2, 0), AMS, OFFICE) == ams(2025, 1, 7, 9, 0)

    def test_evening_waits_for_next_morning(self) -> None:
        assert next_working_moment(ams(2025, 1, 7, 17, 30), AMS, OFFICE) == ams(2025, 1, 8, 9, 0)

    def test_nudge_waits_for_monday_morning_in_users_time_zone(self) -> None:
        friday_evening = utc(2025, 1, 10, 18, 0)
        assert next_working_moment(friday_evening, AMS, OFFICE) == utc(2025, 1, 13, 8, 0)
        assert next_working_moment(friday_evening, "Asia/Tokyo", OFFICE) == utc(2025, 1, 13, 0, 0)
        assert next_working_moment(friday_evening, None, OFFICE) == utc(2025, 1, 13, 9, 0)

    def test_utc_moment_on_users_next_local_day_counts_as_that_day(self) -> None:
        # Friday 23:30 UTC is already Saturday 08:30 in Tokyo: wait for Monday, not Saturday.
        assert next_working_moment(utc(2025, 1, 10, 23, 30), "Asia/Tokyo", OFFICE) == utc(2025, 1, 13, 0, 0)

    def test_monday_after_spring_forward_starts_at_0900_summer_time(self) -> None:
        # Clocks in Amsterdam jump 02:00 CET -> 03:00 CEST on Sunday 30 March 2025.
        result = next_working_moment(ams(2025, 3, 28, 18, 0), AMS, OFFICE)
        assert result == utc(2025, 3, 31, 7, 0)
        assert result.astimezone(ZoneInfo(AMS)).hour == 9

    def test_monday_after_fall_back_starts_at_0900_winter_time(self) -> None:
        # Clocks in Amsterdam go back 03:00 CEST -> 02:00 CET on Sunday 26 October 2025.
        result = next_working_moment(ams(2025, 10, 24, 18, 0), AMS, OFFICE)
        assert result == utc(2025, 10, 27, 8, 0)
        assert result.astimezone(ZoneInfo(AMS)).hour == 9

    def test_start_time_skipped_by_spring_forward_begins_when_clocks_jump(self) -> None:
        night = WorkingHours(days=frozenset(), start=time(2, 30), end=time(5, 0))
        # 02:30 does not exist on 30 March 2025: work starts at 03:00 CEST (01:00 UTC).
        assert next_working_moment(utc(2025, 3, 29, 23, 0), AMS, night) == utc(2025, 3, 30, 1, 0)

    def test_window_entirely_skipped_by_spring_forward_moves_to_next_day(self) -> None:
        gap_only = WorkingHours(days=frozenset(), start=time(2, 0), end=time(2, 45))
        assert not is_working_time(utc(2025, 3, 30, 1, 0), AMS, gap_only)
        assert next_working_moment(utc(2025, 3, 29, 23, 0), AMS, gap_only) == utc(2025, 3, 31, 0, 0)

    def test_start_time_repeated_by_fall_back_begins_at_first_occurrence(self) -> None:
        night = WorkingHours(days=frozenset(), start=time(2, 30), end=time(5, 0))
        # 02:30 happens twice on 26 October 2025; the first is 02:30 CEST = 00:30 UTC.
        assert next_working_moment(utc(2025, 10, 25, 22, 0), AMS, night) == utc(2025, 10, 26, 0, 30)

    def test_midnight_skipped_by_spring_forward_begins_at_one(self) -> None:
        # Chile skips 00:00–01:00 on Sunday 8 September 2024; 01:00 -03 is 04:00 UTC.
        result = next_working_moment(utc(2024, 9, 7, 12, 0), "America/Santiago", EVERY_NIGHT)
        assert result == utc(2024, 9, 8, 4, 0)

    def test_empty_days_means_every_day_instead_of_never(self) -> None:
        saturday_early = ams(2025, 1, 11, 7, 0)
        every_day = WorkingHours(days=frozenset())
        assert next_working_moment(saturday_early, AMS, every_day) == ams(2025, 1, 11, 9, 0)

    def test_single_working_day_waits_a_week(self) -> None:
        mondays = WorkingHours(days=frozenset({0}))
        assert next_working_moment(ams(2025, 1, 6, 18, 0), AMS, mondays) == ams(2025, 1, 13, 9, 0)

    def test_invalid_hours_raise_instead_of_looping(self) -> None:
        backwards = WorkingHours(start=time(17, 0), end=time(9, 0))
        with pytest.raises(ValueError):
            next_working_moment(ams(2025, 1, 6, 12, 0), AMS, backwards)


class TestAddWorkingTime:
    def test_working_hours_skip_the_weekend(self) -> None:
        friday = ams(2025, 1, 10, 15, 30)
        assert add_working_time(friday, timedelta(hours=4), AMS, OFFICE) == ams(2025, 1, 13, 11, 0)

    def test_working_hours_ending_at_five_skip_the_weekend(self) -> None:
        until_five = WorkingHours(end=time(17, 0))
        friday = ams(2025, 1, 10, 15, 30)
        assert add_working_time(friday, timedelta(hours=4), AMS, until_five) == ams(2025, 1, 13, 11, 30)

    def test_working_time_across_spring_forward_weekend_keeps_local_hours(self) -> None:
        friday = ams(2025, 3, 28, 15, 30)  # CET
        result = add_working_time(friday, timedelta(hours=4), AMS, OFFICE)
        assert result == ams(2025, 3, 31, 11, 0)  # CEST
        assert result == utc(2025, 3, 31, 9, 0)
        assert result.tzinfo is UTC

    def test_working_time_across_fall_back_weekend_keeps_local_hours(self) -> None:
        friday = ams(2025, 10, 24, 15, 30)  # CEST
        assert add_working_time(friday, timedelta(hours=4), AMS, OFFICE) == utc(2025, 10, 27, 10, 0)

    def test_short_dst_night_counts_real_elapsed_time(self) -> None:
        # 00:00–06:00 on 30 March 2025 in Amsterdam lasts only five real hours.
        start = ams(2025, 3, 30, 0, 0)
        result = add_working_time(start, timedelta(hours=6), AMS, EVERY_NIGHT)
        assert result == ams(2025, 3, 31, 1, 0)

    def test_long_dst_night_counts_real_elapsed_time(self) -> None:
        # 00:00–06:00 on 26 October 2025 in Amsterdam lasts seven real hours.
        start = ams(2025, 10, 26, 0, 0)
        assert add_working_time(start, timedelta(hours=6), AMS, EVERY_NIGHT) == utc(2025, 10, 26, 4, 0)
        assert add_working_time(start, timedelta(hours=7), AMS, EVERY_NIGHT) == utc(2025, 10, 26, 5, 0)
        assert add_working_time(start, timedelta(hours=8), AMS, EVERY_NIGHT) == ams(2025, 10, 27, 1, 0)

    def test_starting_outside_hours_counts_from_next_window(self) -> None:
        saturday = ams(2025, 1, 11, 12, 0)
        assert add_working_time(saturday, timedelta(hours=1), AMS, OFFICE) == ams(2025, 1, 13, 10, 0)

    def test_time_running_out_at_closing_returns_closing_time(self) -> None:
        friday = ams(2025, 1, 10, 15, 30)
        assert add_working_time(friday, timedelta(hours=2), AMS, OFFICE) == ams(2025, 1, 10, 17, 30)

    def test_several_working_days_are_counted_whole(self) -> None:
        monday = ams(2025, 1, 6, 9, 0)
        two_days = timedelta(hours=17)
        assert add_working_time(monday, two_days, AMS, OFFICE) == ams(2025, 1, 7, 17, 30)
        assert add_working_time(monday, two_days + timedelta(minutes=1), AMS, OFFICE) == ams(2025, 1, 8, 9, 1)

    def test_adding_nothing_returns_start(self) -> None:
        saturday = ams(2025, 1, 11, 12, 0)
        assert add_working_time(saturday, timedelta(0), AMS, OFFICE) == saturday

    def test_negative_working_time_is_rejected(self) -> None:
        with pytest.raises(ValueError, match="negative"):
            add_working_time(ams(2025, 1, 6, 9, 0), timedelta(hours=-1), AMS, OFFICE)


class TestLocalNowText:
    def test_local_now_text_shows_day_time_and_zone(self) -> None:
        assert local_now_text(utc(2025, 1, 6, 8, 0), AMS) == "Mon 09:00 CET"

    def test_local_now_text_follows_summer_time(self) -> None:
        assert local_now_text(utc(2025, 3, 31, 7, 0), AMS) == "Mon 09:00 CEST"

    def test_local_now_text_without_zone_is_utc(self) -> None:
        assert local_now_text(utc(2025, 1, 6, 8, 0), None) == "Mon 08:00 UTC"
