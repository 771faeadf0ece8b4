"""Printing what staff see: readable text on the demo's output, with every secret masked.

The demo makes up a bot token and a signing secret for its run; neither, nor anything that looks
like a Slack token, may reach the output or the log, so both go through `bot.logs.RedactSecrets`.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from bot.logs import RedactSecrets

INDENT = "    | "


class Printer:
    """Writes lines to `out`, masking Slack tokens and the run's secrets should any ever appear."""

    def __init__(self, out: TextIO, secret_values: list[str]) -> None:
        self.out = out
        self.redactor = RedactSecrets(secret_values)
        self.leaks = 0
        self.lines = 0

    def __call__(self, text: str = "") -> None:
        clean = self.redactor.redact(text)
        if clean != text:
            self.leaks += 1
        self.out.write(clean + "\n")
        self.lines += clean.count("\n") + 1

    def box(self, title: str, body: str) -> None:
        self(f"  --- {title}")
        for line in body.splitlines() or [""]:
            self(INDENT + line)


def quiet_logging(secret_values: list[str]) -> logging.Handler | None:
    """Outside a configured process (the CLI), show the app's warnings on stderr, secrets masked.

    Returns the handler it added, for the caller to remove; None when logging was already set up.
    """
    root = logging.getLogger()
    if root.handlers:
        return None
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secret_values))
    root.addHandler(handler)
    return handler
