"""Finding a client among many whose names share letters with the query."""

from typing import Any

import pytest
from sqlalchemy import event

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
    lookups: list[str] = []
    real = clients.resolve

    def counted(*args: Any) -> Any:
        lookups.append(args[2])
        return real(*args)

    monkeypatch.setattr(clients, "resolve", counted)
    with db.session() as session:
        result = checkins.interpret(session, "T0001", f"acme labs {note}")
    assert (result.draft.client_name, result.draft.note) == ("Acme Labs", note)
    assert len(lookups) <= 8


POOL_NAMES = [
    "Acme Labs", "Acme Media", "Acme Labs Europe", "Acme", "Blue Harbor Labs", "Labs & Co",
    "O'Brien & Sons", "Café Müller", "Acme Acme Studio", "Harbor Acme",
]  # fmt: skip
PHRASES = [
    "acme", "acme labs", "acme labs europe", "acme lab", "acme labs they loved it", "acme m",
    "ACME MEDIA quick sync", "acme acme", "acme studio", "blue", "blue harbor", "labs", "o", "o brien",
    "o'brien & sons great", "cafe", "café müller weekly", "harbor", "harbor acme call", "bhl", "bhl great",
    "zzz", "acme zzz",
]  # fmt: skip


def test_a_pool_answers_exactly_as_single_lookups_do(db: Database) -> None:
    for name in POOL_NAMES:
        add_client(db, name, aliases=("BHL",) if name == "Blue Harbor Labs" else ())
    for i in range(25):  # more "Acme …" names than one ambiguous answer shows
        add_client(db, f"Acme Branch {i:02d}")
    with db.session() as session:
        for phrase in PHRASES:
            expected = clients.resolve(session, "T0001", phrase)
            pooled = clients.Resolver(session, "T0001")
            pooled.pool(phrase.split()[0])
            assert pooled(phrase) == expected, phrase


def test_a_note_without_a_score_is_split_with_one_query_for_the_client_part(db: Database) -> None:
    acme = add_client(db, "Acme Labs")
    add_client(db, "Acme Media")
    statements: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    with db.session() as session:
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            result = checkins.interpret(session, "T0001", "acme labs they want weekly updates from now on")
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    assert (result.draft.client_id, result.draft.note) == (acme, "they want weekly updates from now on")
    assert len(statements) == 1, statements
