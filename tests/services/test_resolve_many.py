"""Finding a client among many whose names share letters with the query."""

import pytest

from bot.domain.matching import MatchKind
from bot.services import checkins, clients
from storage.db import Database
from tests.factories import add_client

WORDS = ["Coastal", "Royal", "Capital", "Digital", "Legal", "Global", "Natural", "Central", "Metal", "Portal"]


def test_an_exact_alias_wins_even_when_many_names_contain_it(db: Database) -> None:
    for i in range(12):
        for word in WORDS:
            add_client(db, f"{word} Partners {chr(65 + i)}")  # 120 names containing "al"
    ashford = add_client(db, "Ashford Logistics", aliases=("AL",))
    with db.session() as session:
        match = clients.resolve(session, "T0001", "AL")
    assert (match.kind, match.client_id) == (MatchKind.EXACT, ashford)


def test_a_long_note_without_a_score_takes_a_few_lookups(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_client(db, "Acme Labs")
    note = " ".join(["great kickoff they loved the demo"] * 150)  # 900 words, no score
    lookups = []
    real = clients.resolve
    monkeypatch.setattr(clients, "resolve", lambda *args: lookups.append(args[2]) or real(*args))
    with db.session() as session:
        result = checkins.interpret(session, "T0001", f"acme labs {note}")
    assert (result.draft.client_name, result.draft.note) == ("Acme Labs", note)
    assert len(lookups) <= 8
