from __future__ import annotations

from bot.domain.matching import MAX_CANDIDATES, Candidate, Match, MatchKind, choose

ACME = Candidate.build(1, "ACME Corp", ["acme", "Road Runner Inc."])
ACME_NL = Candidate.build(2, "Acme Nederland")
CAFE = Candidate.build(3, "Café Müller")
BOLT = Candidate.build(4, "Bolt & Nut")
CLIENTS = [ACME, ACME_NL, CAFE, BOLT]


def test_candidate_build_normalizes_and_dedupes_keys() -> None:
    assert ACME.keys == ("acme corp", "acme", "road runner inc")
    assert Candidate.build(9, "X", ["x", "  ", "X!"]).keys == ("x",)


def test_exact_name_is_exact_match() -> None:
    match = choose("acme corp", CLIENTS)
    assert match == Match(MatchKind.EXACT, (ACME,))
    assert match.client_id == 1


def test_exact_alias_wins_over_prefix_matches() -> None:
    # "acme" is also a prefix of "acme nederland", but it is ACME's exact alias.
    assert choose("ACME", CLIENTS).kind is MatchKind.EXACT
    assert choose("ACME", CLIENTS).client_id == 1


def test_exact_match_ignores_accents_case_and_punctuation() -> None:
    assert choose("  cafe MULLER!", CLIENTS).client_id == 3
    assert choose("bolt and nut", CLIENTS).client_id == 4


def test_key_shared_by_two_clients_is_ambiguous() -> None:
    twin = Candidate.build(5, "Acme", [])
    match = choose("acme", [ACME, twin])
    assert match.kind is MatchKind.AMBIGUOUS
    assert match.candidates == (twin, ACME)
    assert match.client_id is None


def test_same_client_matching_on_two_keys_is_still_exact() -> None:
    doubled = Candidate(7, "Zeta", ("zeta", "zeta"))
    assert choose("zeta", [doubled]) == Match(MatchKind.EXACT, (doubled,))


def test_prefix_of_one_client_is_unique() -> None:
    match = choose("caf", CLIENTS)
    assert match == Match(MatchKind.UNIQUE, (CAFE,))
    assert match.client_id == 3


def test_later_word_of_a_name_matches() -> None:
    assert choose("corp", CLIENTS).client_id == 1
    assert choose("runner", CLIENTS).client_id == 1
    assert choose("neder", CLIENTS).client_id == 2


def test_prefix_of_several_clients_is_ambiguous_sorted_by_name() -> None:
    match = choose("acm", CLIENTS)
    assert match.kind is MatchKind.AMBIGUOUS
    assert [candidate.name for candidate in match.candidates] == ["ACME Corp", "Acme Nederland"]


def test_ambiguous_match_lists_at_most_ten_candidates() -> None:
    many = [Candidate.build(index, f"Studio {index:02d}") for index in range(25, 0, -1)]
    match = choose("studio", many)
    assert match.kind is MatchKind.AMBIGUOUS
    assert len(match.candidates) == MAX_CANDIDATES == 10
    assert [candidate.client_id for candidate in match.candidates] == list(range(1, 11))


def test_text_inside_a_word_does_not_match() -> None:
    assert choose("cme", CLIENTS) == Match(MatchKind.NONE, ())


def test_unknown_client_is_no_match() -> None:
    match = choose("globex", CLIENTS)
    assert match.kind is MatchKind.NONE
    assert match.client_id is None


def test_empty_or_punctuation_query_is_no_match() -> None:
    assert choose("", CLIENTS).kind is MatchKind.NONE
    assert choose(" ,. ", CLIENTS).kind is MatchKind.NONE


def test_no_candidates_is_no_match() -> None:
    assert choose("acme", []).kind is MatchKind.NONE
