"""How hard Rapport chases a person: light or standard (their choice, in `/rapport settings`).

Standard: a follow-up still open after its nudge is reminded on working days, up to three times,
then the client's partner or backup is told; an unanswered question after a touchpoint is asked once
more. Light: one reminder of a follow-up before the partner or backup is told, and a question after a
touchpoint is asked once.
"""

from __future__ import annotations

LIGHT, STANDARD = "light", "standard"
INTENSITIES = (LIGHT, STANDARD)
DEFAULT = STANDARD

_FOLLOWUP_REMINDERS = {LIGHT: 1, STANDARD: 3}
_WORDS = {
    "light": LIGHT,
    "licht": LIGHT,
    "low": LIGHT,
    "standard": STANDARD,
    "standaard": STANDARD,
    "normal": STANDARD,
    "normaal": STANDARD,
    "default": STANDARD,
}


def known(value: str | None) -> str:
    """A stored intensity as Rapport uses it: anything it does not know counts as the default."""
    return value if value in INTENSITIES else DEFAULT


def followup_reminders(intensity: str | None) -> int:
    """How many reminders an open follow-up gets after its first nudge, before it is escalated."""
    return _FOLLOWUP_REMINDERS[known(intensity)]


def reminds_prompts(intensity: str | None) -> bool:
    """Whether an unanswered question after a touchpoint is asked a second time."""
    return known(intensity) != LIGHT


def parse(text: str) -> str | None:
    """'light', 'Standard', 'licht', 'standaard' -> the intensity; None for anything else."""
    return _WORDS.get(text.strip().lower())
