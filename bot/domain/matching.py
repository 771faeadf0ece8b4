"""Pick a client from what someone typed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.text import normalize

MAX_CANDIDATES = 10


@dataclass(frozen=True)
class Candidate:
    """A client that can be picked; ``keys`` are the normalized name and aliases."""

    client_id: int
    name: str
    keys: tuple[str, ...]

    @classmethod
    def build(cls, client_id: int, name: str, aliases: Iterable[str] = ()) -> Candidate:
        """Candidate with normalized, de-duplicated, non-empty keys from the name and aliases."""
        keys: list[str] = []
        for text in (name, *aliases):
            key = normalize(text)
            if key and key not in keys:
                keys.append(key)
        return cls(client_id=client_id, name=name, keys=tuple(keys))


class MatchKind(StrEnum):
    EXACT = "exact"
    UNIQUE = "unique"
    AMBIGUOUS = "ambiguous"
    NONE = "none"


@dataclass(frozen=True)
class Match:
    kind: MatchKind
    candidates: tuple[Candidate, ...]

    @property
    def client_id(self) -> int | None:
        """The chosen client when EXACT or UNIQUE, else None."""
        if self.kind in (MatchKind.EXACT, MatchKind.UNIQUE) and self.candidates:
            return self.candidates[0].client_id
        return None

    def names(self, limit: int = 5) -> str:
        """The first candidates' names, for "could be Acme Corp, Acme Labs"."""
        return ", ".join(candidate.name for candidate in self.candidates[:limit])


NO_MATCH = Match(MatchKind.NONE, ())


def starts_at_a_word(key: str, query: str) -> bool:
    """The key, or the key from any of its words on, starts with the query."""
    # Keys are normalized: words joined by single spaces, so "a word starts with the query" is this.
    return key.startswith(query) or f" {query}" in key


def _distinct(candidates: Iterable[Candidate]) -> list[Candidate]:
    seen: set[int] = set()
    unique: list[Candidate] = []
    for candidate in candidates:
        if candidate.client_id not in seen:
            seen.add(candidate.client_id)
            unique.append(candidate)
    return unique


def _result(found: list[Candidate], single: MatchKind) -> Match:
    if len(found) == 1:
        return Match(single, (found[0],))
    ordered = sorted(found, key=lambda candidate: (candidate.name.casefold(), candidate.client_id))
    return Match(MatchKind.AMBIGUOUS, tuple(ordered[:MAX_CANDIDATES]))


def choose(query: str, candidates: Sequence[Candidate]) -> Match:
    """Match typed text against clients.

    Exact equality with any key wins (EXACT, or AMBIGUOUS when several clients share it).
    Otherwise a key starting with the query, or with the query from one of its words on
    ('corp' finds 'acme corp', 'acm' finds 'acme'), gives UNIQUE or AMBIGUOUS. AMBIGUOUS
    lists at most MAX_CANDIDATES clients sorted by name. Nothing found, or an empty query: NONE.
    """
    wanted = normalize(query)
    if not wanted:
        return NO_MATCH
    exact = _distinct(candidate for candidate in candidates if wanted in candidate.keys)
    if exact:
        return _result(exact, MatchKind.EXACT)
    partial = _distinct(
        candidate for candidate in candidates if any(starts_at_a_word(key, wanted) for key in candidate.keys)
    )
    if partial:
        return _result(partial, MatchKind.UNIQUE)
    return NO_MATCH
