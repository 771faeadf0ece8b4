"""What `/rapport digest …` asks for: a preview, post now, stop, coverage per person on or off, or a
channel with a weekday and a time (English or Dutch weekday names, 24-hour or am/pm times)."""

from __future__ import annotations

import re
from dataclasses import dataclass

WEEKDAY_NAMES: dict[str, int] = {}
for number, names in enumerate(
    (
        ("monday", "mon", "maandag", "ma"),
        ("tuesday", "tue", "tues", "dinsdag", "di"),
        ("wednesday", "wed", "woensdag", "wo"),
        ("thursday", "thu", "thur", "thurs", "donderdag", "do"),
        ("friday", "fri", "vrijdag", "vr"),
        ("saturday", "sat", "zaterdag", "za"),
        ("sunday", "sun", "zondag", "zo"),
    )
):
    for name in names:
        WEEKDAY_NAMES[name] = number

_CHANNEL = re.compile(r"^<#([CG][A-Z0-9]{2,30})(?:\|([^>]*))?>$")
_TIME_24 = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
_TIME_12 = re.compile(r"^(1[0-2]|0?[1-9])(?:[:.]([0-5]\d))?\s*(am|pm)$")


@dataclass(frozen=True)
class Ask:
    """`action`: preview, post, stop, people, set, or problem. For `set`: the channel and, when given,
    the weekday (Monday 0) and time; for `people`: on or off; for `problem`: what was not understood
    (`word`) and which message key says so."""

    action: str
    channel_id: str | None = None
    channel_name: str | None = None
    weekday: int | None = None
    time: str | None = None
    on: bool | None = None
    problem: str | None = None
    word: str | None = None


def read(text: str) -> Ask:
    words = text.split()
    if not words:
        return Ask("preview")
    first = words[0].lower()
    rest = words[1:]
    if first in ("post", "now", "nu") and not rest:
        return Ask("post")
    if first in ("off", "stop", "uit") and not rest:
        return Ask("stop")
    if first in ("people", "coverage", "mensen"):
        if len(rest) == 1 and rest[0].lower() in ("on", "aan", "off", "uit"):
            return Ask("people", on=rest[0].lower() in ("on", "aan"))
        return Ask("problem", problem="digest.bad_word", word=" ".join(rest) or first)
    match = _CHANNEL.match(words[0])
    if match is None:
        if first.startswith("#") or first.startswith("<#"):
            return Ask("problem", problem="digest.channel_unknown", word=words[0])
        return Ask("problem", problem="digest.bad_word", word=words[0])
    weekday: int | None = None
    at: str | None = None
    for word in rest:
        low = word.lower()
        if low in WEEKDAY_NAMES and weekday is None:
            weekday = WEEKDAY_NAMES[low]
            continue
        clock = time_of(low)
        if clock is not None and at is None:
            at = clock
            continue
        if any(ch.isdigit() for ch in low):
            return Ask("problem", problem="digest.bad_time", word=word)
        return Ask("problem", problem="digest.bad_word", word=word)
    return Ask(
        "set", channel_id=match.group(1), channel_name=match.group(2) or None, weekday=weekday, time=at
    )


def time_of(word: str) -> str | None:
    """ "09:00", "9:00", "9.30", "9am", "5:30pm" as HH:MM; None when it is not a time."""
    found = _TIME_24.match(word)
    if found:
        return f"{int(found.group(1)):02d}:{found.group(2)}"
    found = _TIME_12.match(word)
    if found:
        hour = int(found.group(1)) % 12 + (12 if found.group(3) == "pm" else 0)
        return f"{hour:02d}:{found.group(2) or '00'}"
    return None
