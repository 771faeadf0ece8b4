"""`/rapport`: help, and an unknown word gets help, never silence."""

from __future__ import annotations

import json

from tests.factories import USER


def test_rapport_help_lists_the_commands(rapport):
    body = rapport.slack.command("/rapport", "help", user=USER).json()
    text = json.dumps(body["blocks"])
    for word in ("/feeling", "touchpoint", "client", "clients"):
        assert word in text


def test_an_unknown_word_gets_help_not_silence(rapport):
    body = rapport.slack.command("/rapport", "frobnicate", user=USER).json()
    assert "I don't know “frobnicate”" in body["text"]
    assert "/feeling" in json.dumps(body["blocks"])
