"""Why something a person asked for could not be done as asked, as words still to be chosen."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """A message catalog key and its values; the view puts it into the person's language."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)
