"""Who looks after a client: the three roles, and which of them must be different people.

A client has a lead, an optional partner (the tandem model) and a backup who covers when they are
away. Pure rules, no storage; `bot.services.owners` answers who holds each role today.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

ROLES: Final = ("lead", "partner", "backup")

# Roles one person cannot hold at once for the same client, with the reason an admin is told.
MUST_DIFFER: Final = (
    ("lead", "backup", "the backup covers when the lead is away, so pick someone else"),
    ("lead", "partner", "the partner works in tandem with the lead; pick someone else or leave it empty"),
    ("partner", "backup", "the backup covers when lead and partner are away, so pick someone else"),
)


def role_of(holders: Mapping[str, int | None], staff_id: int) -> str | None:
    """The first role (lead before partner before backup) this person holds, or None."""
    return next((role for role in ROLES if holders.get(role) == staff_id), None)
