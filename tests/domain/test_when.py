from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.hours import WorkingHours, is_working_time
from bot.domain.when import (
    QUIET_WORKING_DAYS,
    SNOOZE_CHOICES,
    Due,
    describe,
    escalation,
    first_nudge,
    quiet_after,
    read_when,
    reminders,
    snooze_until,
    split_when,
    working_days_between,
)

AMS = "Europe/Amsterdam"
NY = "America/New_York"
KOLKATA = "Asia/Kolkata"
OFFICE = WorkingHours()  # Mon–Fri 09:00–17:30


def at(tz: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A local wall time in ``tz``, as the UTC instant the rules return."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# Fixed moments, all in 2026 (4 December 2026 is a Friday).
WEDNESDAY = at(AMS, 2026, 12, 2, 10, 0)
FRIDAY_MORNING = at(AMS, 2026, 12, 4, 10, 0)
FRIDAY_EVENING = at(AMS, 2026, 12, 4, 19, 0)
SATURDAY = at(AMS, 2026, 12, 5, 11, 0)
SUNDAY = at(AMS, 2026, 12, 6, 11, 0)


def read(text: str, now: datetime = WEDNESDAY, tz: str | None = AMS, wh: WorkingHours = OFFICE) -> Due | None:
    return read_when(text, now, tz, wh)


def end_of_day(tz: str, year: int, month: int, day: int) -> Due:
    """A date without a time on a working day: by the end of its working window (17:30)."""
    return Due(at(tz, year, month, day, 17, 30), False)


def by_midnight(tz: str, year: int, month: int, day: int) -> Due:
    """A date without a time on a day off: by 23:59 local."""
    return Due(at(tz, year, month, day, 23, 59), False)


def clock(tz: str, year: int, month: int, day: int, hour: int, minute: int = 0) -> Due:
    return Due(at(tz, year, month, day, hour, minute), True)


class TestDays:
    @pytest.mark.parametrize("text", ["today", "vandaag", "Today", "VANDAAG!", "vándaag.", "(today)"])
    def test_today_means_by_the_end_of_todays_working_window(self, text: str) -> None:
        assert read(text) == end_of_day(AMS, 2026, 12, 2)

    @pytest.mark.parametrize("text", ["today", "vandaag"])
    def test_today_after_working_hours_means_by_midnight(self, text: str) -> None:
        assert read(text, now=at(AMS, 2026, 12, 2, 18, 0)) == by_midnight(AMS, 2026, 12, 2)

    def test_today_in_its_last_minute_is_not_read(self) -> None:
        assert read("today", now=at(AMS, 2026, 12, 2, 23, 59)) is None

    @pytest.mark.parametrize("text", ["today", "vandaag"])
    def test_today_on_a_saturday_means_by_midnight(self, text: str) -> None:
        assert read(text, now=SATURDAY) == by_midnight(AMS, 2026, 12, 5)

    @pytest.mark.parametrize("text", ["tomorrow", "morgen", "Morgen", "tmrw"])
    def test_tomorrow_means_by_the_end_of_tomorrows_working_window(self, text: str) -> None:
        assert read(text) == end_of_day(AMS, 2026, 12, 3)

    @pytest.mark.parametrize("text", ["tomorrow", "morgen"])
    def test_tomorrow_said_on_friday_evening_is_saturday_by_midnight(self, text: str) -> None:
        assert read(text, now=FRIDAY_EVENING) == by_midnight(AMS, 2026, 12, 5)

    @pytest.mark.parametrize(
        "text", ["day after tomorrow", "the day after tomorrow", "overmorgen", "Overmórgen", "overmorgen."]
    )
    def test_day_after_tomorrow_is_two_days_ahead(self, text: str) -> None:
        assert read(text) == end_of_day(AMS, 2026, 12, 4)

    @pytest.mark.parametrize(
        "text", ["friday", "fri", "vrijdag", "vr", "vrij", "Friday.", "VRIJDAG!", "Fri,"]
    )
    def test_weekday_is_the_next_such_day(self, text: str) -> None:
        assert read(text) == end_of_day(AMS, 2026, 12, 4)

    @pytest.mark.parametrize("text", ["friday", "vrijdag", "fri", "vr"])
    def test_friday_said_on_a_friday_is_next_friday(self, text: str) -> None:
        assert read(text, now=FRIDAY_MORNING) == end_of_day(AMS, 2026, 12, 11)

    @pytest.mark.parametrize(
        ("text", "day"),
        [
            *[(name, 7) for name in ("monday", "mon", "maandag")],
            *[(name, 8) for name in ("tuesday", "tue", "tues", "dinsdag", "di")],
            *[(name, 9) for name in ("wednesday", "wed", "woensdag", "wo")],
            *[(name, 3) for name in ("thursday", "thu", "thur", "thurs", "donderdag")],
            *[(name, 4) for name in ("friday", "fri", "vrijdag", "vr", "vrij")],
            *[(name, 5) for name in ("saturday", "sat", "zaterdag", "za")],
            *[(name, 6) for name in ("sunday", "sun", "zondag")],
        ],
    )
    def test_every_weekday_name_in_both_languages(self, text: str, day: int) -> None:
        due = read(text)  # said on Wednesday 2 December
        assert due is not None
        assert due.at.astimezone(ZoneInfo(AMS)).date() == datetime(2026, 12, day).date()
        assert not due.has_time

    def test_a_weekday_off_means_by_midnight(self) -> None:
        assert read("saturday") == by_midnight(AMS, 2026, 12, 5)
        assert read("zondag") == by_midnight(AMS, 2026, 12, 6)

    @pytest.mark.parametrize("text", ["do", "zo", "ma", "Do."])
    def test_do_zo_and_ma_alone_are_everyday_words_not_weekdays(self, text: str) -> None:
        assert read(text) is None

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("op do", end_of_day(AMS, 2026, 12, 3)),
            ("do 15:00", clock(AMS, 2026, 12, 3, 15)),
            ("op zo", by_midnight(AMS, 2026, 12, 6)),
            ("ma om 10u", clock(AMS, 2026, 12, 7, 10)),
        ],
    )
    def test_do_zo_and_ma_with_more_are_weekdays(self, text: str, expected: Due) -> None:
        assert read(text) == expected

    @pytest.mark.parametrize(
        "text",
        [
            "this friday",
            "next friday",
            "coming friday",
            "deze vrijdag",
            "volgende vrijdag",
            "komende vrijdag",
            "aanstaande vrijdag",
            "vrijdag a.s.",
        ],
    )
    def test_qualified_weekday_is_still_the_next_such_day(self, text: str) -> None:
        assert read(text) == end_of_day(AMS, 2026, 12, 4)

    @pytest.mark.parametrize(
        "text", ["friday next week", "next week friday", "volgende week vrijdag", "vrijdag volgende week"]
    )
    def test_weekday_of_next_week(self, text: str) -> None:
        assert read(text) == end_of_day(AMS, 2026, 12, 11)


class TestWeeksAndMonths:
    @pytest.mark.parametrize("text", ["next week", "volgende week", "komende week", "Next week."])
    def test_next_week_is_the_first_working_day_of_next_week_end_of_day(self, text: str) -> None:
        assert read(text) == end_of_day(AMS, 2026, 12, 7)

    def test_next_week_skips_days_off_at_its_start(self) -> None:
        tuesday_to_friday = WorkingHours(days=frozenset({1, 2, 3, 4}))
        assert read("volgende week", wh=tuesday_to_friday) == end_of_day(AMS, 2026, 12, 8)

    def test_next_week_said_on_sunday_is_the_week_starting_tomorrow(self) -> None:
        assert read("next week", now=SUNDAY) == end_of_day(AMS, 2026, 12, 7)

    @pytest.mark.parametrize(
        "text",
        [
            "end of week",
            "end of the week",
            "end of this week",
            "eow",
            "this week",
            "eind van de week",
            "einde van de week",
            "einde week",
            "eind deze week",
            "deze week",
        ],
    )
    def test_end_of_week_is_the_last_working_day_of_this_week(self, text: str) -> None:
        assert read(text) == end_of_day(AMS, 2026, 12, 4)

    @pytest.mark.parametrize("text", ["end of week", "eind van de week"])
    def test_end_of_week_said_on_friday_evening_is_next_friday(self, text: str) -> None:
        assert read(text, now=FRIDAY_EVENING) == end_of_day(AMS, 2026, 12, 11)

    @pytest.mark.parametrize("text", ["end of week", "einde van de week"])
    def test_end_of_week_said_on_saturday_is_next_friday(self, text: str) -> None:
        assert read(text, now=SATURDAY) == end_of_day(AMS, 2026, 12, 11)

    def test_end_of_week_said_on_friday_morning_is_today(self) -> None:
        assert read("end of week", now=FRIDAY_MORNING) == end_of_day(AMS, 2026, 12, 4)

    @pytest.mark.parametrize("text", ["end of next week", "eind volgende week", "einde van volgende week"])
    def test_end_of_next_week(self, text: str) -> None:
        assert read(text) == end_of_day(AMS, 2026, 12, 11)

    def test_end_of_week_follows_the_working_days(self) -> None:
        monday_to_thursday = WorkingHours(days=frozenset({0, 1, 2, 3}))
        assert read("end of week", wh=monday_to_thursday) == end_of_day(AMS, 2026, 12, 3)

    @pytest.mark.parametrize(
        "text",
        ["end of month", "end of the month", "eom", "eind van de maand", "einde van de maand", "einde maand"],
    )
    def test_end_of_month_is_the_last_working_day_of_the_month(self, text: str) -> None:
        assert read(text) == end_of_day(AMS, 2026, 12, 31)

    def test_end_of_month_on_a_weekend_is_the_friday_before(self) -> None:
        # 31 October 2026 is a Saturday.
        assert read("end of month", now=at(AMS, 2026, 10, 5, 10)) == end_of_day(AMS, 2026, 10, 30)

    def test_end_of_month_said_on_its_last_working_day_is_today(self) -> None:
        # 30 November 2026 is a Monday.
        assert read("eind van de maand", now=at(AMS, 2026, 11, 30, 16)) == end_of_day(AMS, 2026, 11, 30)

    def test_end_of_month_said_after_its_last_working_day_is_next_months(self) -> None:
        assert read("end of month", now=at(AMS, 2026, 11, 30, 18)) == end_of_day(AMS, 2026, 12, 31)

    def test_end_of_month_said_on_new_years_eve_evening_is_end_of_january(self) -> None:
        assert read("einde van de maand", now=at(AMS, 2026, 12, 31, 18)) == end_of_day(AMS, 2027, 1, 29)

    def test_end_of_next_month(self) -> None:
        assert read("end of next month") == end_of_day(AMS, 2027, 1, 29)


class TestDaysAhead:
    @pytest.mark.parametrize(
        "text",
        ["in 2 days", "over 2 dagen", "in two days", "over twee dagen", "within 2 days", "binnen 2 dagen"],
    )
    def test_in_n_days_is_the_end_of_that_day(self, text: str) -> None:
        assert read(text) == end_of_day(AMS, 2026, 12, 4)

    @pytest.mark.parametrize("text", ["in a day", "in one day", "in 1 day", "over een dag", "over één dag"])
    def test_in_a_day_is_tomorrow(self, text: str) -> None:
        assert read(text) == end_of_day(AMS, 2026, 12, 3)

    @pytest.mark.parametrize("text", ["in 3 days", "over 3 dagen"])
    def test_in_n_days_counts_calendar_days_and_a_day_off_means_by_midnight(self, text: str) -> None:
        assert read(text) == by_midnight(AMS, 2026, 12, 5)

    @pytest.mark.parametrize(
        "text", ["in 2 weeks", "over 2 weken", "in two weeks", "over twee weken", "in 2w"]
    )
    def test_in_n_weeks(self, text: str) -> None:
        assert read(text) == end_of_day(AMS, 2026, 12, 16)

    @pytest.mark.parametrize("text", ["in a week", "over een week", "in 1 week"])
    def test_in_a_week(self, text: str) -> None:
        assert read(text) == end_of_day(AMS, 2026, 12, 9)

    def test_in_n_days_across_the_year_end(self) -> None:
        assert read("in 5 days", now=at(AMS, 2026, 12, 31, 10)) == end_of_day(AMS, 2027, 1, 5)

    @pytest.mark.parametrize(
        "text", ["in 0 days", "over 0 dagen", "in 0 weeks", "in 400 days", "in 60 weeks", "in 99999999 days"]
    )
    def test_no_days_or_too_many_days_are_not_read(self, text: str) -> None:
        assert read(text) is None


class TestDates:
    def test_iso_date(self) -> None:
        assert read("2026-12-04") == end_of_day(AMS, 2026, 12, 4)

    def test_iso_date_with_a_time(self) -> None:
        assert read("2026-12-04 15:00") == clock(AMS, 2026, 12, 4, 15)

    @pytest.mark.parametrize("text", ["2026-12-01", "2025-12-04", "2026-02-30", "2026-13-01", "2040-01-01"])
    def test_past_impossible_or_far_dates_are_not_read(self, text: str) -> None:
        assert read(text) is None

    @pytest.mark.parametrize(
        "text",
        [
            "4 dec",
            "4 december",
            "dec 4",
            "december 4th",
            "Dec 4,",
            "4 Dec 2026",
            "dec 4 2026",
            "4th december",
        ],
    )
    def test_day_and_month_name_in_english(self, text: str) -> None:
        assert read(text) == end_of_day(AMS, 2026, 12, 4)

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("4 december", end_of_day(AMS, 2026, 12, 4)),
            ("12 maart", end_of_day(AMS, 2027, 3, 12)),
            ("12 mrt", end_of_day(AMS, 2027, 3, 12)),
            ("3 mei", end_of_day(AMS, 2027, 5, 3)),
            ("1 okt 2027", end_of_day(AMS, 2027, 10, 1)),
            ("4 december 2026 om 15u", clock(AMS, 2026, 12, 4, 15)),
        ],
    )
    def test_day_and_month_name_in_dutch(self, text: str, expected: Due) -> None:
        assert read(text) == expected

    def test_date_without_a_year_already_past_is_next_years(self) -> None:
        assert read("1 dec") == end_of_day(AMS, 2027, 12, 1)

    def test_date_without_a_year_today_is_today(self) -> None:
        assert read("2 dec") == end_of_day(AMS, 2026, 12, 2)

    @pytest.mark.parametrize("text", ["4/12", "12/4", "4-12", "4.12", "04/12/2026", "30 feb", "dec 40"])
    def test_slash_dates_and_impossible_dates_are_not_read(self, text: str) -> None:
        assert read(text) is None


class TestTimes:
    @pytest.mark.parametrize(
        "text",
        [
            "15:00",
            "at 15:00",
            "om 15:00",
            "15.00",
            "15u",
            "15h",
            "15 uur",
            "om 15 uur",
            "om 15",
            "at 15",
            "3pm",
            "3 pm",
            "3PM",
            "3 p.m.",
            "at 3pm",
            "om 3 pm",
            "3:00pm",
        ],
    )
    def test_a_time_alone_is_today_while_still_ahead(self, text: str) -> None:
        assert read(text) == clock(AMS, 2026, 12, 2, 15)

    @pytest.mark.parametrize(
        "text", ["15:30", "15.30", "15u30", "15h30", "3.30pm", "3:30pm", "3:30 pm", "at 3.30 pm"]
    )
    def test_minutes_are_read(self, text: str) -> None:
        assert read(text) == clock(AMS, 2026, 12, 2, 15, 30)

    @pytest.mark.parametrize("text", ["9:00", "at 9:00", "om 9u", "9am", "09:00"])
    def test_a_time_already_past_today_is_tomorrow(self, text: str) -> None:
        assert read(text) == clock(AMS, 2026, 12, 3, 9)

    def test_a_time_said_at_that_very_minute_is_tomorrow(self) -> None:
        assert read("10:00") == clock(AMS, 2026, 12, 3, 10)

    @pytest.mark.parametrize("text", ["3u", "3:30", "om 3", "at 3", "3 uur", "4.30", "6u"])
    def test_a_one_digit_small_hour_without_am_or_pm_is_not_read(self, text: str) -> None:
        assert read(text) is None

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("03:00", clock(AMS, 2026, 12, 3, 3)),
            ("3am", clock(AMS, 2026, 12, 3, 3)),
            ("7u", clock(AMS, 2026, 12, 3, 7)),
            ("0:30", clock(AMS, 2026, 12, 3, 0, 30)),
            ("12am", clock(AMS, 2026, 12, 3, 0)),
            ("12pm", clock(AMS, 2026, 12, 2, 12)),
            ("noon", clock(AMS, 2026, 12, 2, 12)),
            ("om 23:59", clock(AMS, 2026, 12, 2, 23, 59)),
        ],
    )
    def test_unambiguous_hours_are_read_on_the_clock_they_name(self, text: str, expected: Due) -> None:
        assert read(text) == expected

    @pytest.mark.parametrize(
        "text", ["15", "1500", "25:00", "15:75", "13pm", "0am", "24u", "3pm pm", "15:00 16:00"]
    )
    def test_numbers_and_impossible_times_are_not_read(self, text: str) -> None:
        assert read(text) is None

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("friday at 15:00", clock(AMS, 2026, 12, 4, 15)),
            ("vrijdag 15:00", clock(AMS, 2026, 12, 4, 15)),
            ("vrijdag om 15.00", clock(AMS, 2026, 12, 4, 15)),
            ("tomorrow 3pm", clock(AMS, 2026, 12, 3, 15)),
            ("morgen om 10u", clock(AMS, 2026, 12, 3, 10)),
            ("morgen 10u30", clock(AMS, 2026, 12, 3, 10, 30)),
            ("15:00 friday", clock(AMS, 2026, 12, 4, 15)),
            ("at 3pm on friday", clock(AMS, 2026, 12, 4, 15)),
            ("om 15u op vrijdag", clock(AMS, 2026, 12, 4, 15)),
            ("today at 15:00", clock(AMS, 2026, 12, 2, 15)),
            ("overmorgen om 9u", clock(AMS, 2026, 12, 4, 9)),
            ("next week friday 11am", clock(AMS, 2026, 12, 11, 11)),
            ("in 2 days at noon", clock(AMS, 2026, 12, 4, 12)),
            ("end of month 15:00", clock(AMS, 2026, 12, 31, 15)),
            ("saturday 10am", clock(AMS, 2026, 12, 5, 10)),
        ],
    )
    def test_a_day_with_a_time(self, text: str, expected: Due) -> None:
        assert read(text) == expected

    @pytest.mark.parametrize("text", ["today at 9:00", "vandaag om 9u", "today 8am"])
    def test_a_time_already_past_on_the_day_said_is_not_read(self, text: str) -> None:
        assert read(text) is None

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("eod", end_of_day(AMS, 2026, 12, 2)),
            ("by eod", end_of_day(AMS, 2026, 12, 2)),
            ("end of day", end_of_day(AMS, 2026, 12, 2)),
            ("end of the day", end_of_day(AMS, 2026, 12, 2)),
            ("cob", end_of_day(AMS, 2026, 12, 2)),
            ("einde van de dag", end_of_day(AMS, 2026, 12, 2)),
            ("eind van de dag", end_of_day(AMS, 2026, 12, 2)),
            ("friday eod", end_of_day(AMS, 2026, 12, 4)),
            ("eod friday", end_of_day(AMS, 2026, 12, 4)),
            ("vrijdag einde van de dag", end_of_day(AMS, 2026, 12, 4)),
        ],
    )
    def test_end_of_day_is_a_date_without_a_time(self, text: str, expected: Due) -> None:
        assert read(text) == expected


class TestPartsOfTheDay:
    @pytest.mark.parametrize(
        ("text", "hour"),
        [
            ("this morning", 11),
            ("vanochtend", 11),
            ("vanmorgen", 11),
            ("this afternoon", 16),
            ("vanmiddag", 16),
            ("deze middag", 16),
            ("tonight", 20),
            ("this evening", 20),
            ("vanavond", 20),
        ],
    )
    def test_part_of_today_stands_for_its_hour(self, text: str, hour: int) -> None:
        assert read(text, now=at(AMS, 2026, 12, 2, 8)) == clock(AMS, 2026, 12, 2, hour)

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("tomorrow morning", clock(AMS, 2026, 12, 3, 11)),
            ("morgenochtend", clock(AMS, 2026, 12, 3, 11)),
            ("morgen ochtend", clock(AMS, 2026, 12, 3, 11)),
            ("morgen 's middags", clock(AMS, 2026, 12, 3, 16)),
            ("friday afternoon", clock(AMS, 2026, 12, 4, 16)),
            ("friday in the afternoon", clock(AMS, 2026, 12, 4, 16)),
            ("vrijdagmiddag", clock(AMS, 2026, 12, 4, 16)),
            ("vrijdagmorgen", clock(AMS, 2026, 12, 4, 11)),
            ("donderdagavond", clock(AMS, 2026, 12, 3, 20)),
            ("tomorrow night", clock(AMS, 2026, 12, 3, 20)),
            ("overmorgenavond", clock(AMS, 2026, 12, 4, 20)),
        ],
    )
    def test_part_of_another_day(self, text: str, expected: Due) -> None:
        assert read(text) == expected

    @pytest.mark.parametrize(("text", "until"), [("this afternoon", 18), ("vanmiddag", 18)])
    def test_part_of_today_said_after_its_hour_means_its_end(self, text: str, until: int) -> None:
        assert read(text, now=at(AMS, 2026, 12, 2, 16, 30)) == clock(AMS, 2026, 12, 2, until)

    def test_tonight_said_late_means_by_midnight(self) -> None:
        assert read("vanavond", now=at(AMS, 2026, 12, 2, 21)) == clock(AMS, 2026, 12, 2, 23, 59)

    @pytest.mark.parametrize("text", ["this morning", "vanochtend"])
    def test_part_of_today_already_over_is_not_read(self, text: str) -> None:
        assert read(text, now=at(AMS, 2026, 12, 2, 13)) is None

    @pytest.mark.parametrize(
        "text", ["morning", "afternoon", "middag", "avond", "'s middags", "in the morning"]
    )
    def test_part_of_the_day_without_a_day_is_not_read(self, text: str) -> None:
        assert read(text) is None


class TestDurations:
    @pytest.mark.parametrize(
        ("text", "minutes"),
        [
            ("in 2 hours", 120),
            ("over 2 uur", 120),
            ("in two hours", 120),
            ("over twee uur", 120),
            ("in 2h", 120),
            ("over 2u", 120),
            ("in an hour", 60),
            ("over een uur", 60),
            ("in 30 minutes", 30),
            ("over 30 minuten", 30),
            ("in 30 min", 30),
            ("in 30min", 30),
            ("in 1 minute", 1),
            ("in half an hour", 30),
            ("over een half uur", 30),
            ("over een halfuur", 30),
            ("over half uur", 30),
            ("over een kwartier", 15),
            ("in a quarter of an hour", 15),
            ("over anderhalf uur", 90),
            ("in an hour and a half", 90),
        ],
    )
    def test_in_an_amount_of_time_is_that_much_later(self, text: str, minutes: int) -> None:
        assert read(text) == Due(WEDNESDAY + timedelta(minutes=minutes), True)

    def test_an_amount_of_time_is_real_time_not_working_time(self) -> None:
        assert read("in 2 hours", now=FRIDAY_EVENING) == clock(AMS, 2026, 12, 4, 21)

    def test_an_amount_of_time_is_cut_to_the_minute(self) -> None:
        now = WEDNESDAY + timedelta(seconds=42, microseconds=7)
        assert read("in 30 minutes", now=now) == Due(WEDNESDAY + timedelta(minutes=30), True)

    def test_an_amount_of_time_over_the_fall_back_night_counts_real_hours(self) -> None:
        # 01:30 CEST on Sunday 25 October 2026; two real hours later the clock reads 02:30 CET.
        now = at(AMS, 2026, 10, 25, 1, 30)
        due = read("over 2 uur", now=now)
        assert due == Due(now + timedelta(hours=2), True)
        assert due.at.astimezone(ZoneInfo(AMS)).strftime("%H:%M %Z") == "02:30 CET"

    @pytest.mark.parametrize(
        "text",
        ["in 0 minutes", "over 0 uur", "in 200 hours", "in 20000 minutes", "in 2m", "in hours", "2 hours"],
    )
    def test_no_time_too_much_time_or_unclear_units_are_not_read(self, text: str) -> None:
        assert read(text) is None


class TestLeadWords:
    @pytest.mark.parametrize(
        "text", ["by friday", "on friday", "op vrijdag", "uiterlijk vrijdag", "by vrijdag"]
    )
    def test_by_and_on_before_a_day(self, text: str) -> None:
        assert read(text) == end_of_day(AMS, 2026, 12, 4)

    @pytest.mark.parametrize("text", ["by friday at 15:00", "uiterlijk vrijdag om 15u", "on friday at 3pm"])
    def test_lead_words_with_a_time(self, text: str) -> None:
        assert read(text) == clock(AMS, 2026, 12, 4, 15)


class TestUnclear:
    @pytest.mark.parametrize(
        "text",
        [
            "",
            "   ",
            "soon",
            "asap",
            "later",
            "friday friday",
            "friday tomorrow",
            "next",
            "week",
            "by",
            "on",
            "at",
            "in",
            "in days",
            "end of",
            "end of year",
            "the invoice",
            "call Jan back friday",
            "a b c d e f g h i",
        ],
    )
    def test_unclear_text_reads_as_nothing(self, text: str) -> None:
        assert read(text) is None

    def test_more_words_than_a_when_has_read_as_nothing(self) -> None:
        assert read("by the end of the day after tomorrow at 3 pm") is None


class TestZones:
    def test_time_skipped_by_spring_forward_in_amsterdam_is_when_the_clocks_jump(self) -> None:
        # On Sunday 29 March 2026 Amsterdam's clocks jump from 02:00 CET to 03:00 CEST.
        due = read("zondag 02:30", now=at(AMS, 2026, 3, 28, 12))
        assert due == Due(utc(2026, 3, 29, 1, 0), True)
        assert due.at.astimezone(ZoneInfo(AMS)).strftime("%H:%M %Z") == "03:00 CEST"

    def test_time_skipped_by_spring_forward_in_new_york_is_when_the_clocks_jump(self) -> None:
        # On Sunday 8 March 2026 New York's clocks jump from 02:00 EST to 03:00 EDT.
        assert read("sunday 2:30am", now=at(NY, 2026, 3, 7, 12), tz=NY) == Due(utc(2026, 3, 8, 7, 0), True)

    def test_time_repeated_by_fall_back_is_its_first_occurrence(self) -> None:
        # 02:30 happens twice on Sunday 25 October 2026 in Amsterdam; the first is 02:30 CEST.
        assert read("zondag 02:30", now=at(AMS, 2026, 10, 24, 12)) == Due(utc(2026, 10, 25, 0, 30), True)

    def test_end_of_day_on_the_monday_after_spring_forward_is_summer_time(self) -> None:
        assert read("monday", now=at(AMS, 2026, 3, 28, 12)) == Due(utc(2026, 3, 30, 15, 30), False)

    def test_end_of_day_on_the_friday_before_spring_forward_is_winter_time(self) -> None:
        assert read("vrijdag", now=at(AMS, 2026, 3, 25, 12)) == Due(utc(2026, 3, 27, 16, 30), False)

    def test_fall_back_sunday_in_new_york_ends_at_midnight_standard_time(self) -> None:
        # Sunday 1 November 2026: 23:59 EST is 04:59 UTC on Monday.
        assert read("tomorrow", now=at(NY, 2026, 10, 31, 12), tz=NY) == Due(utc(2026, 11, 2, 4, 59), False)

    def test_monday_after_fall_back_in_new_york_is_standard_time(self) -> None:
        assert read("monday 9am", now=at(NY, 2026, 10, 30, 19), tz=NY) == Due(utc(2026, 11, 2, 14, 0), True)

    def test_a_time_the_day_before_spring_forward_in_new_york_is_standard_time(self) -> None:
        assert read("tomorrow 3pm", now=at(NY, 2026, 3, 6, 10), tz=NY) == Due(utc(2026, 3, 7, 20, 0), True)

    def test_friday_evening_in_new_york_reads_monday_in_new_york(self) -> None:
        friday_evening = at(NY, 2026, 12, 4, 19)  # already Saturday in Amsterdam
        assert read("monday", now=friday_evening, tz=NY) == Due(utc(2026, 12, 7, 22, 30), False)
        assert read("tomorrow", now=friday_evening, tz=NY) == by_midnight(NY, 2026, 12, 5)

    def test_kolkata_half_hour_offset(self) -> None:
        now = at(KOLKATA, 2026, 12, 2, 10)
        assert read("friday", now=now, tz=KOLKATA) == Due(utc(2026, 12, 4, 12, 0), False)
        assert read("morgen om 15u", now=now, tz=KOLKATA) == Due(utc(2026, 12, 3, 9, 30), True)

    def test_today_in_kolkata_is_the_local_day_not_the_utc_day(self) -> None:
        # 20:00 UTC on Wednesday is already 01:30 on Thursday in Kolkata.
        assert read("today", now=utc(2026, 12, 2, 20), tz=KOLKATA) == end_of_day(KOLKATA, 2026, 12, 3)

    def test_year_end_in_kolkata(self) -> None:
        new_years_eve = at(KOLKATA, 2026, 12, 31, 19)
        assert read("tomorrow", now=new_years_eve, tz=KOLKATA) == end_of_day(KOLKATA, 2027, 1, 1)
        assert read("end of week", now=new_years_eve, tz=KOLKATA) == end_of_day(KOLKATA, 2027, 1, 1)

    @pytest.mark.parametrize("tz", [None, "", "Not/AZone"])
    def test_no_or_unknown_zone_reads_in_utc(self, tz: str | None) -> None:
        assert read("friday 15:00", tz=tz) == Due(utc(2026, 12, 4, 15), True)

    def test_naive_now_is_a_programming_error(self) -> None:
        with pytest.raises(ValueError, match="timezone-aware"):
            read_when("friday", datetime(2026, 12, 2, 10), AMS, OFFICE)

    def test_working_hours_shape_the_end_of_day(self) -> None:
        early = WorkingHours(start=time(7, 0), end=time(15, 0))
        assert read("friday", wh=early) == Due(at(AMS, 2026, 12, 4, 15), False)


class TestSplitWhen:
    def test_the_trailing_when_is_split_from_the_promise(self) -> None:
        words = ["call", "Jan", "back", "about", "the", "invoice", "friday"]
        assert split_when(words, WEDNESDAY, AMS, OFFICE) == (
            ["call", "Jan", "back", "about", "the", "invoice"],
            end_of_day(AMS, 2026, 12, 4),
        )

    @pytest.mark.parametrize(
        ("text", "rest", "expected"),
        [
            ("send the deck day after tomorrow", "send the deck", end_of_day(AMS, 2026, 12, 4)),
            ("send the deck friday at 15:00", "send the deck", clock(AMS, 2026, 12, 4, 15)),
            ("stuur de offerte morgen om 10u", "stuur de offerte", clock(AMS, 2026, 12, 3, 10)),
            ("bel Jan terug over 2 uur", "bel Jan terug", clock(AMS, 2026, 12, 2, 12)),
            ("bel Jan over een half uur", "bel Jan", clock(AMS, 2026, 12, 2, 10, 30)),
            ("ask about the invoice on friday", "ask about the invoice", end_of_day(AMS, 2026, 12, 4)),
            ("mail Piet uiterlijk eind van de maand", "mail Piet", end_of_day(AMS, 2026, 12, 31)),
        ],
    )
    def test_the_longest_trailing_when_wins(self, text: str, rest: str, expected: Due) -> None:
        assert split_when(text.split(), WEDNESDAY, AMS, OFFICE) == (rest.split(), expected)

    def test_without_a_trailing_when_all_words_are_the_promise(self) -> None:
        words = ["call", "Jan", "friday", "about", "the", "invoice"]
        assert split_when(words, WEDNESDAY, AMS, OFFICE) == (words, None)

    def test_the_promise_keeps_its_words_as_typed(self) -> None:
        words = ["Call", "Jan,", "re:", "Café", "invoice", "Vrijdag!"]
        assert split_when(words, WEDNESDAY, AMS, OFFICE) == (words[:-1], end_of_day(AMS, 2026, 12, 4))

    def test_only_a_when_leaves_no_promise(self) -> None:
        assert split_when(["tomorrow", "3pm"], WEDNESDAY, AMS, OFFICE) == ([], clock(AMS, 2026, 12, 3, 15))

    def test_no_words_read_as_nothing(self) -> None:
        assert split_when([], WEDNESDAY, AMS, OFFICE) == ([], None)

    def test_a_when_that_cannot_be_read_whole_is_not_read_in_part(self) -> None:
        # "3u" is unclear, so "morgen om 3u" is not taken for "morgen" with "om 3u" in the promise.
        words = ["bel", "Jan", "morgen", "om", "3u"]
        assert split_when(words, WEDNESDAY, AMS, OFFICE) == (words, None)

    @pytest.mark.parametrize("text", ["bel ma", "what should we do", "ik bel je zo"])
    def test_everyday_words_at_the_end_stay_in_the_promise(self, text: str) -> None:
        assert split_when(text.split(), WEDNESDAY, AMS, OFFICE) == (text.split(), None)

    def test_a_past_time_on_the_day_said_leaves_no_when(self) -> None:
        words = ["bel", "Jan", "vandaag", "om", "9u"]
        assert split_when(words, WEDNESDAY, AMS, OFFICE) == (words, None)


class TestDescribe:
    def test_english_date_without_a_time(self) -> None:
        assert describe(end_of_day(AMS, 2026, 12, 4), AMS, "en") == "Fri 4 Dec, end of day"

    def test_english_date_with_a_time(self) -> None:
        assert describe(clock(AMS, 2026, 12, 4, 15), AMS, "en-GB") == "Fri 4 Dec, 15:00"

    def test_dutch_date_without_a_time(self) -> None:
        assert describe(end_of_day(AMS, 2026, 12, 4), AMS, "nl") == "vr 4 dec, einde van de dag"

    @pytest.mark.parametrize("locale", ["nl", "nl-NL", "nl_BE", "NL"])
    def test_any_dutch_locale_speaks_dutch(self, locale: str) -> None:
        assert describe(clock(AMS, 2026, 3, 12, 9, 5), AMS, locale) == "do 12 mrt, 09:05"

    def test_today_and_tomorrow_are_named_when_now_is_given(self) -> None:
        assert describe(clock(AMS, 2026, 12, 2, 15), AMS, "en", WEDNESDAY) == "today, 15:00"
        assert describe(end_of_day(AMS, 2026, 12, 3), AMS, "en", WEDNESDAY) == "tomorrow, end of day"
        assert describe(clock(AMS, 2026, 12, 2, 15), AMS, "nl", WEDNESDAY) == "vandaag, 15:00"
        assert describe(end_of_day(AMS, 2026, 12, 3), AMS, "nl", WEDNESDAY) == "morgen, einde van de dag"
        assert describe(end_of_day(AMS, 2026, 12, 4), AMS, "en", WEDNESDAY) == "Fri 4 Dec, end of day"

    def test_another_year_is_shown(self) -> None:
        assert describe(clock(AMS, 2027, 1, 4, 15), AMS, "en", WEDNESDAY) == "Mon 4 Jan 2027, 15:00"
        assert (
            describe(end_of_day(AMS, 2027, 1, 4), AMS, "nl", WEDNESDAY) == "ma 4 jan 2027, einde van de dag"
        )

    def test_the_moment_is_said_in_the_owners_zone(self) -> None:
        due = Due(utc(2026, 12, 4, 23, 30), True)
        assert describe(due, KOLKATA, "en") == "Sat 5 Dec, 05:00"
        assert describe(due, NY, "en") == "Fri 4 Dec, 18:30"
        assert describe(due, None, "en") == "Fri 4 Dec, 23:30"

    def test_today_is_the_owners_today(self) -> None:
        # 20:00 UTC on Wednesday is Thursday in Kolkata.
        assert (
            describe(clock(KOLKATA, 2026, 12, 3, 15), KOLKATA, "en", utc(2026, 12, 2, 20)) == "today, 15:00"
        )

    def test_a_reading_describes_itself_back(self) -> None:
        due = read("vrijdag om 15u")
        assert due is not None
        assert describe(due, AMS, "nl", WEDNESDAY) == "vr 4 dec, 15:00"
        assert read("4 dec 15:00") == due


class TestFirstNudge:
    def test_a_time_inside_working_hours_is_nudged_at_that_time(self) -> None:
        assert first_nudge(clock(AMS, 2026, 12, 4, 15), WEDNESDAY, AMS, OFFICE) == at(AMS, 2026, 12, 4, 15)

    def test_a_time_after_working_hours_is_nudged_the_next_working_morning(self) -> None:
        assert first_nudge(clock(AMS, 2026, 12, 2, 20), WEDNESDAY, AMS, OFFICE) == at(AMS, 2026, 12, 3, 9)

    def test_a_time_on_saturday_is_nudged_on_monday_morning(self) -> None:
        assert first_nudge(clock(AMS, 2026, 12, 5, 10), WEDNESDAY, AMS, OFFICE) == at(AMS, 2026, 12, 7, 9)

    def test_a_time_already_past_is_nudged_at_once(self) -> None:
        assert first_nudge(clock(AMS, 2026, 12, 2, 9), WEDNESDAY, AMS, OFFICE) == WEDNESDAY

    def test_a_date_is_nudged_at_the_start_of_that_working_day(self) -> None:
        assert first_nudge(end_of_day(AMS, 2026, 12, 4), WEDNESDAY, AMS, OFFICE) == at(AMS, 2026, 12, 4, 9)

    def test_a_day_off_is_nudged_at_the_next_working_moment_after_its_start(self) -> None:
        assert first_nudge(by_midnight(AMS, 2026, 12, 5), WEDNESDAY, AMS, OFFICE) == at(AMS, 2026, 12, 7, 9)

    def test_a_date_made_on_its_day_is_nudged_two_hours_before_the_end_of_that_working_day(self) -> None:
        assert first_nudge(end_of_day(AMS, 2026, 12, 2), WEDNESDAY, AMS, OFFICE) == at(
            AMS, 2026, 12, 2, 15, 30
        )

    def test_a_date_made_on_its_day_before_work_starts_is_nudged_two_hours_before_the_end(self) -> None:
        made = at(AMS, 2026, 12, 2, 7)
        assert first_nudge(end_of_day(AMS, 2026, 12, 2), made, AMS, OFFICE) == at(AMS, 2026, 12, 2, 15, 30)

    def test_a_date_made_on_its_day_less_than_two_hours_before_the_end_is_nudged_at_once(self) -> None:
        made = at(AMS, 2026, 12, 2, 16)
        assert first_nudge(end_of_day(AMS, 2026, 12, 2), made, AMS, OFFICE) == made

    def test_a_date_made_on_its_day_after_work_is_nudged_the_next_working_morning(self) -> None:
        made = at(AMS, 2026, 12, 2, 19)
        due = read("vandaag", now=made)
        assert due == by_midnight(AMS, 2026, 12, 2)
        assert first_nudge(due, made, AMS, OFFICE) == at(AMS, 2026, 12, 3, 9)

    def test_a_day_off_made_that_day_is_nudged_the_next_working_morning(self) -> None:
        assert first_nudge(by_midnight(AMS, 2026, 12, 5), SATURDAY, AMS, OFFICE) == at(AMS, 2026, 12, 7, 9)

    def test_a_date_made_on_its_day_in_a_short_working_day_is_nudged_at_once(self) -> None:
        mornings = WorkingHours(start=time(9, 0), end=time(10, 0))
        made = at(AMS, 2026, 12, 2, 9, 10)
        due = Due(at(AMS, 2026, 12, 2, 10), False)
        assert first_nudge(due, made, AMS, mornings) == made

    def test_a_date_on_the_monday_after_spring_forward_is_nudged_at_nine_summer_time(self) -> None:
        due = read("monday", now=at(AMS, 2026, 3, 27, 12))
        assert due is not None
        assert first_nudge(due, at(AMS, 2026, 3, 27, 12), AMS, OFFICE) == utc(2026, 3, 30, 7, 0)

    def test_a_date_on_the_monday_after_fall_back_in_new_york_is_nudged_at_nine_standard_time(self) -> None:
        made = at(NY, 2026, 10, 30, 12)
        due = read("monday", now=made, tz=NY)
        assert due is not None
        assert first_nudge(due, made, NY, OFFICE) == utc(2026, 11, 2, 14, 0)

    def test_a_time_skipped_by_spring_forward_on_a_sunday_is_nudged_on_monday(self) -> None:
        made = at(AMS, 2026, 3, 28, 12)
        due = read("zondag 02:30", now=made)
        assert due is not None
        assert first_nudge(due, made, AMS, OFFICE) == utc(2026, 3, 30, 7, 0)

    def test_a_date_made_on_its_day_in_kolkata(self) -> None:
        made = at(KOLKATA, 2026, 12, 2, 10)
        assert first_nudge(end_of_day(KOLKATA, 2026, 12, 2), made, KOLKATA, OFFICE) == utc(2026, 12, 2, 10, 0)


class TestReminders:
    def test_reminders_come_the_next_working_day_then_every_second_working_day(self) -> None:
        assert reminders(at(AMS, 2026, 12, 4, 9), AMS, OFFICE) == [
            at(AMS, 2026, 12, 7, 9),
            at(AMS, 2026, 12, 9, 9),
            at(AMS, 2026, 12, 11, 9),
        ]

    def test_reminders_skip_the_weekend(self) -> None:
        assert reminders(at(AMS, 2026, 12, 2, 15, 30), AMS, OFFICE) == [
            at(AMS, 2026, 12, 3, 9),
            at(AMS, 2026, 12, 7, 9),
            at(AMS, 2026, 12, 9, 9),
        ]

    def test_reminders_follow_the_owners_working_days(self) -> None:
        tuesday_to_friday = WorkingHours(days=frozenset({1, 2, 3, 4}))
        assert reminders(at(AMS, 2026, 12, 4, 9), AMS, tuesday_to_friday) == [
            at(AMS, 2026, 12, 8, 9),
            at(AMS, 2026, 12, 10, 9),
            at(AMS, 2026, 12, 15, 9),
        ]

    def test_there_are_at_most_max_count_reminders(self) -> None:
        first = at(AMS, 2026, 12, 4, 9)
        assert reminders(first, AMS, OFFICE, max_count=1) == [at(AMS, 2026, 12, 7, 9)]
        assert reminders(first, AMS, OFFICE, max_count=0) == []
        assert len(reminders(first, AMS, OFFICE)) == 3

    def test_reminders_over_the_year_end(self) -> None:
        assert reminders(at(AMS, 2026, 12, 31, 9), AMS, OFFICE) == [
            at(AMS, 2027, 1, 1, 9),
            at(AMS, 2027, 1, 5, 9),
            at(AMS, 2027, 1, 7, 9),
        ]

    def test_reminders_after_spring_forward_start_at_nine_summer_time(self) -> None:
        assert reminders(at(AMS, 2026, 3, 27, 10), AMS, OFFICE) == [
            utc(2026, 3, 30, 7, 0),
            utc(2026, 4, 1, 7, 0),
            utc(2026, 4, 3, 7, 0),
        ]

    def test_reminders_after_fall_back_in_new_york_start_at_nine_standard_time(self) -> None:
        assert reminders(at(NY, 2026, 10, 30, 10), NY, OFFICE) == [
            utc(2026, 11, 2, 14, 0),
            utc(2026, 11, 4, 14, 0),
            utc(2026, 11, 6, 14, 0),
        ]

    def test_reminders_in_kolkata(self) -> None:
        assert reminders(at(KOLKATA, 2026, 12, 4, 10), KOLKATA, OFFICE)[0] == utc(2026, 12, 7, 3, 30)

    def test_a_first_nudge_on_a_day_off_is_followed_the_next_working_day(self) -> None:
        assert reminders(SATURDAY, AMS, OFFICE)[0] == at(AMS, 2026, 12, 7, 9)


class TestEscalation:
    def test_escalation_is_the_start_of_the_working_day_after_the_last_reminder(self) -> None:
        sent = [at(AMS, 2026, 12, 7, 9), at(AMS, 2026, 12, 9, 9), at(AMS, 2026, 12, 11, 9)]
        assert escalation(sent, AMS, OFFICE) == at(AMS, 2026, 12, 14, 9)

    def test_escalation_follows_the_latest_reminder_in_any_order(self) -> None:
        sent = [at(AMS, 2026, 12, 9, 9), at(AMS, 2026, 12, 3, 9)]
        assert escalation(sent, AMS, OFFICE) == at(AMS, 2026, 12, 10, 9)

    def test_escalation_over_the_year_end(self) -> None:
        assert escalation([at(AMS, 2026, 12, 31, 9)], AMS, OFFICE) == at(AMS, 2027, 1, 1, 9)

    def test_escalation_after_fall_back_in_new_york(self) -> None:
        assert escalation([at(NY, 2026, 10, 30, 9)], NY, OFFICE) == utc(2026, 11, 2, 14, 0)

    def test_escalation_needs_a_reminder(self) -> None:
        with pytest.raises(ValueError, match="no reminders"):
            escalation([], AMS, OFFICE)


class TestQuiet:
    def test_quiet_after_five_working_days_by_default(self) -> None:
        assert QUIET_WORKING_DAYS == 5

    def test_an_outreach_becomes_quiet_at_the_same_time_n_working_days_later(self) -> None:
        monday = at(AMS, 2026, 11, 30, 10)
        assert quiet_after(monday, QUIET_WORKING_DAYS, AMS, OFFICE) == at(AMS, 2026, 12, 7, 10)

    def test_an_outreach_outside_working_hours_counts_from_the_next_working_moment(self) -> None:
        assert quiet_after(FRIDAY_EVENING, 5, AMS, OFFICE) == at(AMS, 2026, 12, 14, 9)
        assert quiet_after(SATURDAY, 5, AMS, OFFICE) == at(AMS, 2026, 12, 14, 9)

    def test_nine_working_days(self) -> None:
        assert quiet_after(WEDNESDAY, 9, AMS, OFFICE) == at(AMS, 2026, 12, 15, 10)

    def test_zero_working_days_is_the_next_working_moment(self) -> None:
        assert quiet_after(SATURDAY, 0, AMS, OFFICE) == at(AMS, 2026, 12, 7, 9)

    def test_negative_working_days_are_rejected(self) -> None:
        with pytest.raises(ValueError, match="negative"):
            quiet_after(WEDNESDAY, -1, AMS, OFFICE)

    def test_quiet_over_spring_forward_keeps_the_local_time(self) -> None:
        sent = at(AMS, 2026, 3, 25, 10)  # CET
        assert quiet_after(sent, 5, AMS, OFFICE) == utc(2026, 4, 1, 8, 0)  # 10:00 CEST

    def test_quiet_over_fall_back_in_new_york_keeps_the_local_time(self) -> None:
        sent = at(NY, 2026, 10, 28, 10)  # EDT
        assert quiet_after(sent, 5, NY, OFFICE) == utc(2026, 11, 4, 15, 0)  # 10:00 EST

    def test_quiet_on_a_day_that_skips_the_time_and_the_end_of_work_is_that_days_start(self) -> None:
        # A night shift 01:00–02:40 on Sunday 29 March 2026 in Amsterdam ends when clocks jump at 02:00.
        night = WorkingHours(days=frozenset(), start=time(1, 0), end=time(2, 40))
        sent = at(AMS, 2026, 3, 28, 2, 30)
        assert quiet_after(sent, 1, AMS, night) == utc(2026, 3, 29, 0, 0)  # 01:00 CET, the window's start
        assert quiet_after(sent, 2, AMS, night) == utc(2026, 3, 30, 0, 30)  # 02:30 CEST
        assert working_days_between(sent, utc(2026, 3, 30, 0, 29), AMS, night) == 1

    def test_quiet_over_the_year_end(self) -> None:
        assert quiet_after(at(AMS, 2026, 12, 29, 11), 5, AMS, OFFICE) == at(AMS, 2027, 1, 5, 11)

    def test_working_days_between_counts_whole_working_days(self) -> None:
        monday = at(AMS, 2026, 11, 30, 10)
        assert working_days_between(monday, at(AMS, 2026, 12, 7, 9, 59), AMS, OFFICE) == 4
        assert working_days_between(monday, at(AMS, 2026, 12, 7, 10), AMS, OFFICE) == 5

    def test_jan_has_not_replied_for_nine_working_days(self) -> None:
        assert working_days_between(WEDNESDAY, at(AMS, 2026, 12, 15, 12), AMS, OFFICE) == 9

    def test_a_weekend_is_no_working_days(self) -> None:
        friday = at(AMS, 2026, 12, 4, 10)
        assert working_days_between(friday, at(AMS, 2026, 12, 6, 20), AMS, OFFICE) == 0
        assert working_days_between(friday, at(AMS, 2026, 12, 7, 10), AMS, OFFICE) == 1

    def test_an_outreach_on_saturday_counts_from_monday_morning(self) -> None:
        assert working_days_between(SATURDAY, at(AMS, 2026, 12, 7, 17), AMS, OFFICE) == 0
        assert working_days_between(SATURDAY, at(AMS, 2026, 12, 8, 9), AMS, OFFICE) == 1

    def test_no_working_days_before_or_at_the_outreach(self) -> None:
        assert working_days_between(WEDNESDAY, WEDNESDAY, AMS, OFFICE) == 0
        assert working_days_between(WEDNESDAY, at(AMS, 2026, 11, 1, 10), AMS, OFFICE) == 0

    def test_working_days_between_in_kolkata(self) -> None:
        sent = at(KOLKATA, 2026, 12, 2, 10)
        assert working_days_between(sent, at(KOLKATA, 2026, 12, 9, 10), KOLKATA, OFFICE) == 5
        assert working_days_between(sent, at(AMS, 2026, 12, 9, 10), KOLKATA, OFFICE) == 5


class TestSnooze:
    def test_later_today_is_three_hours_later(self) -> None:
        assert snooze_until("later_today", WEDNESDAY, AMS, OFFICE) == at(AMS, 2026, 12, 2, 13)

    def test_later_today_stays_half_an_hour_before_the_end_of_the_working_day(self) -> None:
        assert snooze_until("later_today", at(AMS, 2026, 12, 2, 15), AMS, OFFICE) == at(AMS, 2026, 12, 2, 17)
        assert snooze_until("later_today", at(AMS, 2026, 12, 2, 16, 30), AMS, OFFICE) == at(
            AMS, 2026, 12, 2, 17
        )

    def test_later_today_with_less_than_an_hour_left_is_three_hours_into_the_next_working_day(self) -> None:
        assert snooze_until("later_today", at(AMS, 2026, 12, 2, 16, 45), AMS, OFFICE) == at(
            AMS, 2026, 12, 3, 12
        )

    def test_later_today_before_work_is_three_hours_into_todays_working_day(self) -> None:
        assert snooze_until("later_today", at(AMS, 2026, 12, 2, 7), AMS, OFFICE) == at(AMS, 2026, 12, 2, 12)

    def test_later_today_on_friday_evening_or_saturday_is_monday_noon(self) -> None:
        assert snooze_until("later_today", FRIDAY_EVENING, AMS, OFFICE) == at(AMS, 2026, 12, 7, 12)
        assert snooze_until("later_today", SATURDAY, AMS, OFFICE) == at(AMS, 2026, 12, 7, 12)

    def test_later_today_in_a_short_working_day_stays_inside_it(self) -> None:
        mornings = WorkingHours(start=time(9, 0), end=time(10, 0))
        assert snooze_until("later_today", SATURDAY, AMS, mornings) == at(AMS, 2026, 12, 7, 9, 30)

    def test_later_today_in_kolkata(self) -> None:
        assert snooze_until("later_today", at(KOLKATA, 2026, 12, 2, 10), KOLKATA, OFFICE) == utc(
            2026, 12, 2, 7, 30
        )

    def test_tomorrow_is_the_start_of_the_next_working_day(self) -> None:
        assert snooze_until("tomorrow", WEDNESDAY, AMS, OFFICE) == at(AMS, 2026, 12, 3, 9)
        assert snooze_until("tomorrow", FRIDAY_MORNING, AMS, OFFICE) == at(AMS, 2026, 12, 7, 9)
        assert snooze_until("tomorrow", SATURDAY, AMS, OFFICE) == at(AMS, 2026, 12, 7, 9)

    def test_tomorrow_said_before_work_is_still_tomorrow(self) -> None:
        assert snooze_until("tomorrow", at(AMS, 2026, 12, 7, 7), AMS, OFFICE) == at(AMS, 2026, 12, 8, 9)

    def test_tomorrow_after_fall_back_in_new_york(self) -> None:
        assert snooze_until("tomorrow", at(NY, 2026, 10, 30, 10), NY, OFFICE) == utc(2026, 11, 2, 14, 0)

    def test_next_week_is_the_start_of_the_first_working_day_of_next_week(self) -> None:
        assert snooze_until("next_week", WEDNESDAY, AMS, OFFICE) == at(AMS, 2026, 12, 7, 9)
        assert snooze_until("next_week", SUNDAY, AMS, OFFICE) == at(AMS, 2026, 12, 7, 9)
        assert snooze_until("next_week", at(AMS, 2026, 12, 7, 10), AMS, OFFICE) == at(AMS, 2026, 12, 14, 9)

    def test_next_week_over_the_year_end(self) -> None:
        assert snooze_until("next_week", at(AMS, 2026, 12, 31, 10), AMS, OFFICE) == at(AMS, 2027, 1, 4, 9)

    def test_next_week_after_spring_forward(self) -> None:
        assert snooze_until("next_week", at(AMS, 2026, 3, 25, 10), AMS, OFFICE) == utc(2026, 3, 30, 7, 0)

    def test_an_unknown_choice_is_a_programming_error(self) -> None:
        with pytest.raises(ValueError, match="Unknown snooze choice"):
            snooze_until("forever", WEDNESDAY, AMS, OFFICE)


# --- properties -------------------------------------------------------------------------------

PROPERTY = settings(max_examples=300, deadline=None)
ZONES = st.sampled_from(
    [
        AMS,
        NY,
        KOLKATA,
        "Australia/Lord_Howe",
        "America/Santiago",
        "Pacific/Chatham",
        "Asia/Tokyo",
        None,
        "Not/AZone",
    ]
)
# DST changes of 2026 in Amsterdam and New York, so the examples often fall on either side of one.
CHANGES = [utc(2026, 3, 29, 1), utc(2026, 10, 25, 1), utc(2026, 3, 8, 7), utc(2026, 11, 1, 6)]
NOWS = st.one_of(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)),
    st.builds(
        lambda change, minutes: change + timedelta(minutes=minutes),
        st.sampled_from(CHANGES),
        st.integers(-3 * 24 * 60, 3 * 24 * 60),
    ),
)
# Reading must not raise even at the ends of the calendar.
ANY_NOWS = st.one_of(
    NOWS, st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.just(UTC))
)
VOCABULARY = [
    "today", "vandaag", "tomorrow", "morgen", "overmorgen", "day", "after", "the", "friday", "fri",
    "vrijdag", "vr", "do", "zo", "ma", "next", "volgende", "komende", "this", "deze", "week", "weken",
    "weeks", "end", "eind", "einde", "of", "van", "de", "month", "maand", "eow", "eom", "in", "over",
    "within", "a", "een", "één", "two", "twee", "half", "uur", "hours", "minutes", "minuten", "min",
    "kwartier", "anderhalf", "at", "om", "@", "by", "op", "on", "uiterlijk", "15:00", "15.00", "3pm", "pm",
    "am", "p.m.", "15u", "15u30", "3u", "0:30", "12am", "noon", "24:00", "99:99", "afternoon", "vanmiddag",
    "vanochtend", "tonight", "vanavond", "vrijdagmiddag", "morgenochtend", "'s", "middags", "eod", "cob",
    "2026-12-04", "9999-12-31", "0001-01-01", "2026-02-30", "4", "4th", "31", "dec", "december", "feb",
    "2027", "9999", "0", "1", "7", "999999", "99999999999", "a.s.", "Friday!", "(vrijdag)", "VANDAAG.",
    "15",
]  # fmt: skip
PHRASES = [
    "friday at 15:00", "morgen om 10u", "tomorrow 3pm", "vrijdag 15:00", "today", "vandaag", "next week",
    "volgende week", "end of week", "einde van de maand", "in 3 days", "over 2 weken", "2026-12-04", "4 dec",
    "15:00", "3.30pm", "vanmiddag", "this morning", "tonight", "in 2 hours", "over een half uur", "eod",
    "overmorgen", "zondag 02:30", "sunday 2:30am", "noon", "12am", "vrijdagmiddag", "in 1 minute", "op do",
]  # fmt: skip
WORDS = st.lists(st.one_of(st.sampled_from(VOCABULARY), st.text(max_size=12)), max_size=12)
TEXTS = st.one_of(
    st.text(max_size=80),
    WORDS.map(" ".join),
    st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=4).map(" ".join),
    st.sampled_from(PHRASES),
)


@st.composite
def working_hours(draw: st.DrawFn) -> WorkingHours:
    """Any valid working hours, night shifts and windows inside a DST gap included."""
    days = draw(st.frozensets(st.integers(0, 6)))
    start = draw(st.integers(0, 23 * 60 + 58))
    end = draw(st.integers(start + 1, 23 * 60 + 59))
    return WorkingHours(days, time(*divmod(start, 60)), time(*divmod(end, 60)))


HOURS = st.one_of(st.just(OFFICE), working_hours())


class TestProperties:
    @PROPERTY
    @given(text=TEXTS, now=ANY_NOWS, tz=ZONES, wh=HOURS)
    def test_reading_any_text_never_raises_and_is_never_before_now(
        self, text: str, now: datetime, tz: str | None, wh: WorkingHours
    ) -> None:
        due = read_when(text, now, tz, wh)
        if due is not None:
            assert due.at > now
            assert due.at.utcoffset() == timedelta(0)

    @PROPERTY
    @given(words=WORDS, now=ANY_NOWS, tz=ZONES, wh=HOURS)
    def test_splitting_any_words_never_raises_and_keeps_them_in_order(
        self, words: list[str], now: datetime, tz: str | None, wh: WorkingHours
    ) -> None:
        rest, due = split_when(words, now, tz, wh)
        assert rest == words[: len(rest)]
        if due is None:
            assert rest == words
        else:
            assert due.at > now
            assert 0 < len(words) - len(rest) <= 8

    @PROPERTY
    @given(
        due=st.one_of(
            st.builds(Due, NOWS, st.booleans()),
            st.builds(lambda text, now: read_when(text, now, AMS, OFFICE), TEXTS, NOWS).filter(bool),
        ),
        made=NOWS,
        tz=ZONES,
        wh=HOURS,
    )
    def test_a_first_nudge_is_inside_working_hours_and_never_before_the_promise(
        self, due: Due, made: datetime, tz: str | None, wh: WorkingHours
    ) -> None:
        nudge = first_nudge(due, made, tz, wh)
        assert is_working_time(nudge, tz, wh)
        assert nudge >= made

    @PROPERTY
    @given(first=NOWS, tz=ZONES, wh=HOURS, count=st.integers(1, 5))
    def test_reminders_and_escalation_are_inside_working_hours_and_in_order(
        self, first: datetime, tz: str | None, wh: WorkingHours, count: int
    ) -> None:
        moments = reminders(first, tz, wh, max_count=count)
        told = escalation(moments, tz, wh)
        assert len(moments) == count
        assert all(is_working_time(moment, tz, wh) for moment in [*moments, told])
        assert first < moments[0] and moments == sorted(set(moments)) and moments[-1] < told

    @PROPERTY
    @given(sent=NOWS, days=st.integers(0, 12), tz=ZONES, wh=HOURS)
    def test_quiet_is_inside_working_hours_and_counts_back_to_its_working_days(
        self, sent: datetime, days: int, tz: str | None, wh: WorkingHours
    ) -> None:
        quiet = quiet_after(sent, days, tz, wh)
        assert is_working_time(quiet, tz, wh)
        assert quiet >= sent
        assert working_days_between(sent, quiet, tz, wh) == days
        assert working_days_between(sent, quiet - timedelta(seconds=1), tz, wh) == max(days - 1, 0)

    @PROPERTY
    @given(choice=st.sampled_from(SNOOZE_CHOICES), now=NOWS, tz=ZONES, wh=HOURS)
    def test_a_snooze_ends_inside_working_hours_and_after_now(
        self, choice: str, now: datetime, tz: str | None, wh: WorkingHours
    ) -> None:
        until = snooze_until(choice, now, tz, wh)
        assert is_working_time(until, tz, wh)
        assert until > now
