"""Spreadsheets people hand to Rapport: an Excel workbook (.xlsx) or a CSV file, read as rows of cells.

The file formats are known in this one place, so that importing and exporting the client list agree on
them. Cells come out as the file holds them (text, numbers, dates, nothing), numbered the way Excel
shows rows, so that a message can point people at the row to fix.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SUFFIXES = (".xlsx", ".csv")
# Files Excel opens and can save again as .xlsx.
_SAVE_AS_XLSX = (".xls", ".ods", ".numbers")

Record = tuple[int, list[Any]]  # a row number as the spreadsheet shows it, and that row's cells


class SpreadsheetError(Exception):
    """The file cannot be read as a spreadsheet; the message says why and what to do."""


@dataclass(frozen=True)
class Table:
    """The first row with anything in it (the header) and the rows below it that are not blank.

    ``header_row`` is 0 and ``headers`` is empty when the sheet has nothing in it at all.
    """

    header_row: int
    headers: list[str]
    rows: list[Record]


def read_table(path: Path, *, sheets: Sequence[str] = ()) -> Table:
    """The table in a .xlsx or .csv file.

    From a workbook, the first sheet with one of the names in ``sheets`` (in any case) is read, else the
    first sheet.
    """
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        hint = " (open it in Excel and save it as .xlsx)" if suffix in _SAVE_AS_XLSX else ""
        raise SpreadsheetError(
            f"'{path.name}' is not a file type Rapport can import{hint}; "
            f"use an Excel workbook (.xlsx) or a CSV file (.csv)"
        )
    if not path.is_file():
        raise SpreadsheetError(f"there is no file at {path}; check the path and try again")
    records = _read_xlsx(path, sheets) if suffix == ".xlsx" else _read_csv(path)
    return _to_table(records)


def _read_xlsx(path: Path, names: Sequence[str]) -> list[Record]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)  # formulas as last calculated
    except (
        BadZipFile,
        InvalidFileException,
        KeyError,
        OSError,
        ValueError,
        TypeError,
        AttributeError,
    ) as exc:
        # openpyxl fails in many ways on files no spreadsheet program wrote; all mean "not readable".
        raise SpreadsheetError(
            f"'{path.name}' could not be read as an Excel workbook ({exc}); "
            f"save it from Excel as .xlsx, or export it as .csv"
        ) from exc
    try:
        # Sheets with cells only: a chart sheet has no rows to read.
        sheets = [ws for ws in workbook.worksheets if hasattr(ws, "iter_rows")]
        if not sheets:
            raise SpreadsheetError(
                f"'{path.name}' has no sheet with cells in it, only charts; put the client list on a sheet"
            )
        wanted = {name.casefold() for name in names}
        named = [ws for ws in sheets if ws.title.casefold() in wanted]
        worksheet = named[0] if named else sheets[0]
        worksheet.reset_dimensions()  # some writers store wrong dimensions; read what is there
        # Read-only sheets yield empty tuples for missing rows, so counting gives Excel's row numbers.
        return [
            (number, list(values)) for number, values in enumerate(worksheet.iter_rows(values_only=True), 1)
        ]
    finally:
        workbook.close()


def _read_csv(path: Path) -> list[Record]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's plain "CSV" (not "CSV UTF-8") uses the Windows code page.
        text = raw.decode("cp1252", errors="replace")
    # Excel writes ";" where the decimal separator is a comma (Dutch and other European settings).
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t")}
    delimiter = max(counts, key=lambda sep: counts[sep]) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [(number, list(record)) for number, record in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise SpreadsheetError(f"'{path.name}' is not a readable CSV file ({exc})") from exc


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _to_table(records: Iterable[Record]) -> Table:
    iterator = iter(records)
    for number, values in iterator:
        if any(not _is_blank(value) for value in values):
            headers = ["" if value is None else str(value).strip() for value in values]
            rows = [(n, v) for n, v in iterator if any(not _is_blank(value) for value in v)]
            return Table(header_row=number, headers=headers, rows=rows)
    return Table(header_row=0, headers=[], rows=[])
