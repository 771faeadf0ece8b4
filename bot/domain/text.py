"""Text helpers: name normalisation, parsing what people type, limits."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.domain.feelings import FACES, SCORE_MAX, SCORE_MIN

NOTE_MAX = 2000
TAG_MAX = 10
TAG_LEN_MAX = 40

_NON_ALNUM = re.compile(r"[\W_]+")


def normalize(text: str) -> str:
    """Matching key for names: no accents, casefolded, '&' -> 'and', punctuation -> single spaces.

    >>> normalize("  ACME, Inc.")
    'acme inc'
    >>> normalize("Café Müller")
    'cafe muller'
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.replace("&", " and ")
    return _NON_ALNUM.sub(" ", plain).strip()


def unescape_slack(text: str) -> str:
    """Undo Slack's escaping of ``&``, ``<`` and ``>`` in message/command text."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@dataclass(frozen=True)
class FeelingInput:
    """What someone typed, e.g. ``/feeling acme 4 great kickoff``.

    ``words`` are the tokens before the score (the client part), exactly as typed.
    """

    words: tuple[str, ...]
    score: int | None
    bad_score: str | None
    note: str
    mention: str | None
    channel_mention: str | None


# A Slack control sequence (<@U1|jan>, <#C1|general>, <https://x|x>) is one token.
_TOKEN = re.compile(r"<[^<>\s][^<>]*>|\S+")
_USER_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL_MENTION = re.compile(r"<#([A-Z0-9]+)(?:\|[^>]*)?>")
_PLAIN_MENTION = re.compile(r"@[\w.\-]+")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_OUT_OF_FIVE = re.compile(r"([0-9]+)/5")
_NUMBER_LIKE = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?(?:/[0-9]+(?:[.,][0-9]+)?)?")
_TRAILING_PUNCTUATION = ".,;:!?)"
_VARIATION_SELECTOR = "\ufe0f"

_EMOJI_SCORES: dict[str, int] = {}
for _face in FACES.values():
    _EMOJI_SCORES[_face.emoji] = _face.score
    _EMOJI_SCORES[_face.slack_name] = _face.score
_EMOJI_SCORES[":star_struck:"] = 5
_EMOJI_SCORES[":grinning_face_with_star_eyes:"] = 5


def _read_score(token: str) -> tuple[int | None, str | None] | None:
    """(score, None) for a valid score token, (None, token) for a bad number, None for a word."""
    emoji = _EMOJI_SCORES.get(token.replace(_VARIATION_SELECTOR, ""))
    if emoji is not None:
        return emoji, None
    core = token.rstrip(_TRAILING_PUNCTUATION) or token
    if _INTEGER.fullmatch(core):
        value = _small_int(core)
        if value is not None and SCORE_MIN <= value <= SCORE_MAX and core.isdigit():
            return value, None
        return None, _shown(core)
    out_of_five = _OUT_OF_FIVE.fullmatch(core)
    if out_of_five:
        value = _small_int(out_of_five.group(1))
        if value is not None and SCORE_MIN <= value <= SCORE_MAX:
            return value, None
        return None, _shown(core)
    if _NUMBER_LIKE.fullmatch(core):
        return None, _shown(core)
    return None


BAD_SCORE_SHOWN = 20  # characters of a number that is no score, quoted back to the person


def _small_int(digits: str) -> int | None:
    """The number, when it has few enough digits to be worth reading (Python refuses past 4,300)."""
    significant = digits.lstrip("+-").lstrip("0")
    if len(significant) > 6:
        return None
    value = int(significant or "0")
    return -value if digits.startswith("-") else value


def _shown(token: str) -> str:
    return truncate(token, BAD_SCORE_SHOWN)


def parse_feeling(text: str) -> FeelingInput:
    """Split ``<client words> <score> <note>``; the first score-like token is the separator.

    Scores: 1..5, ``4/5``, a face emoji (😣 🙁 😐 🙂 🤩) or its Slack name (``:neutral_face:``).
    Other numbers (``7``, ``0``, ``4.5``, ``10/10``) become ``bad_score`` but still split.
    Without any score-like token every token is a word and the note is empty.
    The note is the rest of the text as typed, stripped.
    """
    words: list[str] = []
    score: int | None = None
    bad_score: str | None = None
    note = ""
    for match in _TOKEN.finditer(text):
        token = match.group()
        read = _read_score(token)
        if read is None:
            words.append(token)
            continue
        score, bad_score = read
        note = text[match.end() :].strip()
        break

    mention: str | None = None
    channel_mention: str | None = None
    for word in words:
        user = _USER_MENTION.fullmatch(word)
        if mention is None and user:
            mention = user.group(1)
        elif mention is None and _PLAIN_MENTION.fullmatch(word):
            mention = word
        channel = _CHANNEL_MENTION.fullmatch(word)
        if channel_mention is None and channel:
            channel_mention = channel.group(1)
    return FeelingInput(
        words=tuple(words),
        score=score,
        bad_score=bad_score,
        note=note,
        mention=mention,
        channel_mention=channel_mention,
    )


CLIENT_WORDS_MAX = 8  # no client name is longer; bounds the look-ups for a long note without a score


def split_client_and_rest(
    words: Sequence[str], is_client: Callable[[str], bool], max_words: int = CLIENT_WORDS_MAX
) -> tuple[str, str]:
    """Longest prefix of ``words`` (at most ``max_words``) that ``is_client`` accepts, and the rest.

    Both parts are joined by single spaces; ``("", all words)`` when no prefix is a client.
    """
    for size in range(min(len(words), max_words), 0, -1):
        candidate = " ".join(words[:size])
        if is_client(candidate):
            return candidate, " ".join(words[size:])
    return "", " ".join(words)


def truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    """``text`` cut to at most ``limit`` characters, ending in ``ellipsis`` when cut."""
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    if len(ellipsis) >= limit:
        return text[:limit]
    return text[: limit - len(ellipsis)].rstrip() + ellipsis


_TAG_SEPARATORS = re.compile(r"[,\s]+")


def parse_tags(text: str) -> list[str]:
    """``"upsell, #billing  urgent"`` -> ``["upsell", "billing", "urgent"]``.

    Comma/whitespace separated, leading '#' removed, lowercased, duplicates dropped (first
    kept), each tag cut to TAG_LEN_MAX characters, at most TAG_MAX tags.
    """
    tags: list[str] = []
    for raw in _TAG_SEPARATORS.split(text):
        tag = raw.lstrip("#").lower()[:TAG_LEN_MAX]
        if tag and tag not in tags:
            tags.append(tag)
            if len(tags) == TAG_MAX:
                break
    return tags
