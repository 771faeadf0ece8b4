"""Spreadsheets: the ones people hand to Rapport (an Excel workbook or a CSV file, read as rows of
cells) and the workbooks Rapport writes (the export).

The file formats are known in this one place, so that importing and exporting agree on them. Cells
come out as the file holds them (text, numbers, dates, nothing), numbered the way Excel shows rows,
so that a message can point people at the row to fix.

Writing streams: each sheet's rows are written as they come (openpyxl's write-only mode), so memory
stays flat however many rows there are. Every sheet is a real Excel table (a filter on each column)
with its header row frozen, columns wide enough for what they hold, dates as Excel dates in the zone
given, and text always text: a note that starts with "=" is never a formula.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

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


# --- writing -----------------------------------------------------------------------------------------

# Excel's most rows on a sheet; the header takes one.
MOST_ROWS = 1_048_576
WIDEST = 60  # characters: a wider column (a long note) is cut to this and the text runs on in the cell
FORMATS = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd h:mm:ss", "number": "0.00"}
# How wide each kind of cell is, in characters, whatever its header.
USUAL_WIDTH = {"date": 11, "datetime": 17, "number": 7, "int": 6, "text": 12}
FILTER_BUTTON = 3  # a header's filter button takes this many characters' room
TABLE_STYLE = "TableStyleMedium2"
# A colour scale: red at the low end, amber in the middle, green at the high end.
LOW_COLOUR, MID_COLOUR, HIGH_COLOUR = "F8696B", "FFEB84", "63BE7B"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NOT_A_NAME = re.compile(r"[^A-Za-z0-9_]")
TEXT_MOST = 32_767  # the most characters a cell holds


@dataclass(frozen=True)
class Scale:
    """A colour scale on a column's numbers: red at `low`, green at `high`."""

    low: float
    high: float


@dataclass(frozen=True)
class Column:
    """One column: its header, what its cells hold ("text", "int", "number", "date" or "datetime"),
    how wide it is in characters (None: wide enough for its header and its kind), and a colour scale."""

    header: str
    kind: str = "text"
    width: float | None = None
    scale: Scale | None = None


@dataclass(frozen=True)
class LineChart:
    """An Excel line chart of some columns (by index) over another (the categories, such as weeks)."""

    title: str
    y_title: str
    x_column: int
    series: Sequence[int]
    y_min: float | None = None
    y_max: float | None = None


@dataclass
class Sheet:
    """A sheet to write: its title, its table's name (letters, digits, _), its columns, its rows (any
    iterable, read once, as the sheet is written) and a chart beside the table.

    Datetimes are written as Excel dates in the workbook's zone; aware ones are moved into it first."""

    title: str
    table: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    chart: LineChart | None = None


@dataclass
class Written:
    """What went into a workbook: the rows of each sheet, and the rows left out past Excel's most."""

    rows: dict[str, int] = field(default_factory=dict)
    left_out: dict[str, int] = field(default_factory=dict)


def write_workbook(out: str | Path | IO[bytes], sheets: Iterable[Sheet], zone: ZoneInfo) -> Written:
    """Write the sheets, in order, to `out` (a path or a binary file), one row at a time.

    `sheets` is read one sheet at a time, each written in full before the next is asked for, so a sheet
    can be made from what writing the ones before it gathered.
    """
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    written = Written()
    names: set[str] = set()
    for sheet in sheets:
        _write_sheet(workbook, sheet, zone, written, names)
    workbook.save(out)
    return written


def _write_sheet(workbook: Any, sheet: Sheet, zone: ZoneInfo, written: Written, names: set[str]) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    ws = workbook.create_sheet(sheet.title)
    headers = _headers([column.header for column in sheet.columns])
    last_letter = get_column_letter(len(headers))
    # What a write-only sheet says before its rows: the frozen header, the columns' widths.
    ws.freeze_panes = "A2"
    for index, column in enumerate(sheet.columns, 1):
        ws.column_dimensions[get_column_letter(index)].width = _width(column, headers[index - 1])
    ws.append([_text_cell(ws, header) for header in headers])

    # One styled cell per numbered column, given each row's value in turn: openpyxl writes a row as it
    # is appended, so a cell can carry the next row's value once the row is written. (Dates and times
    # need none: openpyxl gives them its date formats, yyyy-mm-dd and yyyy-mm-dd h:mm:ss.)
    styled: dict[int, Any] = {}
    for index, column in enumerate(sheet.columns):
        if column.kind == "number":
            cell = WriteOnlyCell(ws)
            cell.number_format = FORMATS[column.kind]
            styled[index] = cell
    texts = [index for index, column in enumerate(sheet.columns) if column.kind == "text"]
    datetimes = [index for index, column in enumerate(sheet.columns) if column.kind == "datetime"]
    dated = list(styled.items())
    control, append = _CONTROL.search, ws.append
    count = left_out = 0
    room = MOST_ROWS - 1
    # The loop every row goes through: kept to what each cell needs (most text is plain text). Rows are
    # taken a batch at a time, then written: making rows (reading a database) and writing them, each
    # a batch at a time, is faster than going from one to the other on every row.
    for row in _batched(sheet.rows):
        if count >= room:
            left_out += 1  # read all the same: whoever made the rows may be counting them
            continue
        values = row if row.__class__ is list else list(row)  # a list given is written as it is
        for index in datetimes:
            value = values[index]
            if value is not None and getattr(value, "tzinfo", None) is not None:
                values[index] = value.astimezone(zone).replace(tzinfo=None)
        for index in texts:
            value = values[index]
            if value.__class__ is str:
                if value and (value[0] in "=#" or control(value)):
                    values[index] = _text_cell(ws, value)
            elif value is not None:
                values[index] = _text_cell(ws, value)
        for index, cell in dated:
            value = values[index]
            if value is not None:
                cell.value = value
                values[index] = cell
        append(values)
        count += 1
    written.rows[sheet.title] = count
    if left_out:
        written.left_out[sheet.title] = left_out

    bottom = max(count + 1, 2)  # a table has a row under its header, if an empty one
    for index, column in enumerate(sheet.columns, 1):
        if column.scale is not None:
            letter = get_column_letter(index)
            ws.conditional_formatting.add(f"{letter}2:{letter}{bottom}", _colour_scale(column.scale))
    _add_table(ws, sheet.table, headers, f"A1:{last_letter}{bottom}", names)
    if sheet.chart is not None:
        ws.add_chart(_line_chart(ws, sheet.chart, bottom), f"{get_column_letter(len(headers) + 2)}2")


BATCH = 1000  # rows taken at a time


def _batched(rows: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        yield from batch


def _headers(wanted: Sequence[str]) -> list[str]:
    """Table headers as Excel wants them: one line, not empty, no two the same in any case."""
    headers: list[str] = []
    seen: set[str] = set()
    for number, header in enumerate(wanted, 1):
        text = " ".join(_CONTROL.sub(" ", header).split())[:200] or f"Column {number}"
        unique, again = text, 1
        while unique.casefold() in seen:
            again += 1
            unique = f"{text} ({again})"
        seen.add(unique.casefold())
        headers.append(unique)
    return headers


def _width(column: Column, header: str) -> float:
    fits = max(len(header) + FILTER_BUTTON, USUAL_WIDTH.get(column.kind, 10), column.width or 0)
    return float(min(WIDEST, fits + 1))


def _text_cell(ws: Any, value: Any) -> Any:
    """Text as a cell holds it: without the control characters Excel refuses, cut to what a cell holds,
    and written as text even when it reads like a formula ("=…") or an error ("#N/A")."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES

    text = value if isinstance(value, str) else str(value)
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    if len(text) > TEXT_MOST:
        text = text[:TEXT_MOST]
    if text[:1] == "=" or text in ERROR_CODES:
        cell = WriteOnlyCell(ws, value=text)
        cell.data_type = "s"
        return cell
    return text


def _colour_scale(scale: Scale) -> Any:
    from openpyxl.formatting.rule import ColorScaleRule

    return ColorScaleRule(
        start_type="num",
        start_value=scale.low,
        start_color=LOW_COLOUR,
        mid_type="num",
        mid_value=(scale.low + scale.high) / 2,
        mid_color=MID_COLOUR,
        end_type="num",
        end_value=scale.high,
        end_color=HIGH_COLOUR,
    )


def _add_table(ws: Any, name: str, headers: list[str], ref: str, names: set[str]) -> None:
    from openpyxl.worksheet.filters import AutoFilter
    from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

    name = _NOT_A_NAME.sub("_", name) or "Table"
    if not name[0].isalpha():
        name = f"T_{name}"
    unique, again = name, 1
    while unique.casefold() in names:
        again += 1
        unique = f"{name}{again}"
    names.add(unique.casefold())
    table = Table(displayName=unique, name=unique, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
    table.autoFilter = AutoFilter(ref=ref)
    # A write-only sheet cannot read its header back: the table's columns are named here, as written.
    table.tableColumns = [TableColumn(id=number, name=header) for number, header in enumerate(headers, 1)]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "In write-only mode you must add table columns manually")
        ws.add_table(table)


def _line_chart(ws: Any, spec: LineChart, bottom: int) -> Any:
    from openpyxl.chart import LineChart as ExcelLineChart
    from openpyxl.chart import Reference

    chart = ExcelLineChart()
    chart.title = spec.title
    chart.y_axis.title = spec.y_title
    chart.y_axis.scaling.min = spec.y_min
    chart.y_axis.scaling.max = spec.y_max
    chart.x_axis.number_format = FORMATS["date"]
    # Excel hides an axis whose "delete" is left unsaid.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.width, chart.height = 24, 12
    for index in spec.series:
        data = Reference(ws, min_col=index + 1, min_row=1, max_row=bottom)
        chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=spec.x_column + 1, min_row=2, max_row=bottom))
    return chart


def as_day(value: datetime | date | None, zone: ZoneInfo) -> date | None:
    """The day a moment falls on in `zone` (a date stays as it is)."""
    if isinstance(value, datetime):
        return (value.astimezone(zone) if value.tzinfo else value).date()
    return value
