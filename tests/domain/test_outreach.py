"""Who reached out to whom, read from a touchpoint's words, in English and Dutch."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.outreach import BOTH, DIRECTIONS, INBOUND, OUTBOUND, Outreach, contact_words, read


@pytest.mark.parametrize(
    ("words", "kind", "expected"),
    [
        ("email to Jan about the invoice", "email", Outreach(OUTBOUND, "Jan")),
        ("email from Jan de Vries re the contract", "email", Outreach(INBOUND, "Jan de Vries")),
        ("chat with Marie", "chat", Outreach(BOTH, "Marie")),
        ("mail aan Piet over de offerte", "email", Outreach(OUTBOUND, "Piet")),
        ("mail van Piet", "email", Outreach(INBOUND, "Piet")),
        ("chat met Piet", "chat", Outreach(BOTH, "Piet")),
        ("visit to Aisha at their office", "visit", Outreach(BOTH, "Aisha")),
        ("call from Jan", "call", Outreach(BOTH, "Jan")),
        ("call with the team", "call", Outreach(BOTH, None)),
        ("email to the team about the launch", "email", Outreach(OUTBOUND, None)),
        ("email proposal", "email", Outreach(OUTBOUND, None)),
        ("quarterly review", "review", Outreach(BOTH, None)),
        ("email sent to jan@acme.com", "email", Outreach(OUTBOUND, "jan@acme.com")),
        ("mailed jan@acme.com the quote", "email", Outreach(OUTBOUND, "jan@acme.com")),
        ("email to Jan, the quote", "email", Outreach(OUTBOUND, "Jan")),
    ],
)
def test_direction_and_contact_are_read_from_the_words(words, kind, expected):
    assert read(words.split(), kind) == expected


def test_a_name_keeps_its_particles_but_not_a_trailing_one():
    assert contact_words(["Jan", "van", "der", "Berg", "about", "it"]) == "Jan van der Berg"
    assert contact_words(["Jan", "van"]) == "Jan"
    assert contact_words(["them"]) is None
    assert contact_words([]) is None


@given(st.lists(st.text(max_size=12), max_size=8), st.sampled_from(["email", "call", "chat", "other"]))
def test_any_words_give_a_direction_and_at_most_a_short_name(words, kind):
    found = read(words, kind)
    assert found.direction in DIRECTIONS
    assert found.contact is None or (found.contact.strip() and len(found.contact.split()) <= 4)
