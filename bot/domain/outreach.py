"""Who reached out to whom: a touchpoint's direction and the contact it names, read from its words.

``email to Jan about the invoice`` is outbound, to Jan; ``email from Jan`` inbound; ``chat with Jan
de Vries`` both ways. Dutch works too (``mail aan Jan``, ``mail van Jan``, ``chat met Jan``). A
meeting, call or visit is a conversation whoever started it (``visit to Jan``: both ways, Jan named).
Without such words the kind says it: an e-mail or chat message logged by hand is one we sent
(Rapport asks about it if it goes unanswered, and one click says they replied).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

INBOUND, OUTBOUND, BOTH = "inbound", "outbound", "both"
DIRECTIONS = (INBOUND, OUTBOUND, BOTH)

_BY_WORD = {
    "from": INBOUND,
    "van": INBOUND,
    "to": OUTBOUND,
    "aan": OUTBOUND,
    "naar": OUTBOUND,
    "with": BOTH,
    "met": BOTH,
}
# Words that end a contact's name: what the touchpoint was about follows them.
_NAME_ENDS = {"about", "re", "regarding", "on", "for", "over", "voor", "om", "and", "en", "at", "bij", "op"}
# Words after "with" that are not a person at the client.
_NOT_A_PERSON = {
    "the", "a", "an", "de", "het", "een", "our", "ons", "onze", "their", "hun", "them", "him", "her",
    "hem", "haar", "team", "everyone", "iedereen", "all", "allemaal", "client", "klant", "us",
}  # fmt: skip
_NAME_WORDS_MAX = 4
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
# Kinds that are a conversation by nature; the others, logged by hand, are usually ours.
_CONVERSATIONS = {"meeting", "call", "visit", "lunch", "workshop", "review"}


@dataclass(frozen=True)
class Outreach:
    """What a touchpoint's words say: its direction, and the contact named (a name or an e-mail)."""

    direction: str
    contact: str | None = None


def default_direction(kind: str) -> str:
    return BOTH if kind in _CONVERSATIONS else OUTBOUND


def read(words: list[str], kind: str) -> Outreach:
    """The first ``from/to/with NAME`` in ``words`` gives direction and contact; else the kind's."""
    lowered = [w.lower() for w in words]
    for index, word in enumerate(lowered):
        direction = _BY_WORD.get(word)
        if direction is None:
            continue
        name = contact_words(words[index + 1 :])
        if name is not None:  # "with the team" names nobody: the kind says the direction
            # A meeting, call or visit "to Jan" or "from Jan" was a conversation all the same.
            return Outreach(BOTH if kind in _CONVERSATIONS else direction, name)
    for word in words:
        if _EMAIL.match(word.strip(".,;:()")):
            return Outreach(default_direction(kind), word.strip(".,;:()").lower())
    return Outreach(default_direction(kind))


def contact_words(words: list[str]) -> str | None:
    """The contact's name at the start of ``words`` (up to a word like "about"), or None when they
    do not name a person ("with the team")."""
    if not words:
        return None
    first = words[0].strip(".,;:()")
    if _EMAIL.match(first):
        return first.lower()
    taken: list[str] = []
    for word in words[:_NAME_WORDS_MAX]:
        bare = word.strip(".,;:()!?")
        if not bare or bare.lower() in _NAME_ENDS:
            break
        taken.append(bare)
        if bare != word:  # punctuation ends the name
            break
    if not taken or taken[0].lower() in _NOT_A_PERSON or not any(ch.isalpha() for ch in taken[0]):
        return None
    # A name is its first word plus the capitalised or particle words that follow ("Jan de Vries").
    name = [taken[0]]
    for word in taken[1:]:
        if word[:1].isupper() or word.lower() in {"de", "van", "der", "den", "ter", "la", "le", "von"}:
            name.append(word)
        else:
            break
    while name and name[-1].lower() in {"de", "van", "der", "den", "ter", "la", "le", "von"}:
        name.pop()
    return " ".join(name) or None
