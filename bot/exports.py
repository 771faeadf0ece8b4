"""The Excel export, as one file: its data gathered by `bot.services.export`, its sheets laid out by
`bot.views.export`, written by `bot.spreadsheets`, one row at a time. The outbox kind that sends it to
a person's DM (`bot.jobs.export`) and `python -m bot export` both make it here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from sqlalchemy.orm import Session

from bot.services import export as export_service
from bot.spreadsheets import Written, write_workbook
from bot.views import export as export_view


@dataclass(frozen=True)
class Made:
    """An export written: what it held, and how many rows went into each sheet."""

    export: export_service.Export
    written: Written


def write(
    session: Session, selection: export_service.Selection, now: datetime, out: str | Path | IO[bytes]
) -> Made:
    """Write the export of `selection`, as things stand at `now`, to `out` (a path or a binary file)."""
    export = export_service.gather(session, selection, now)
    written = write_workbook(out, export_view.sheets(export), selection.tz)
    return Made(export, written)
