"""What every listener shares: reading the ids Rapport put on its buttons."""

from __future__ import annotations

import pytest

from bot.listeners.common import button_value


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ({"value": "12:4"}, (12, "4")),
        ({"value": "12"}, (12, "")),
        ({"selected_option": {"value": "7:1h"}}, (7, "1h")),
        ({"value": "abc:4"}, (None, "")),
        ({"value": "²:4"}, (None, "")),  # a digit to Python, not an id
        ({"value": "9" * 19}, (None, "")),  # longer than any id
        ({"value": ""}, (None, "")),
        ({}, (None, "")),
    ],
)
def test_a_button_value_is_an_id_and_what_follows_it(action, expected):
    assert button_value(action) == expected
