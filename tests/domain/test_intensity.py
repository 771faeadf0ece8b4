from __future__ import annotations

import pytest

from bot.domain import intensity


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("light", "light"),
        (" Light ", "light"),
        ("licht", "light"),
        ("standard", "standard"),
        ("STANDAARD", "standard"),
        ("loud", None),
        ("", None),
    ],
)
def test_parse_reads_english_and_dutch(text: str, expected: str | None) -> None:
    assert intensity.parse(text) == expected


def test_light_means_one_reminder_and_no_second_question() -> None:
    assert intensity.followup_reminders("light") == 1
    assert not intensity.reminds_prompts("light")


def test_standard_and_anything_unknown_mean_three_reminders_and_a_second_question() -> None:
    for value in ("standard", None, "", "bogus"):
        assert intensity.followup_reminders(value) == 3
        assert intensity.reminds_prompts(value)
