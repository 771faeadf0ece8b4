"""Regenerate examples/clients.xlsx from examples/clients.csv.

    python examples/make_example_xlsx.py

The workbook has one sheet, "Clients", with a frozen header row, an Excel table (so filters and
banding work), sensible column widths, and renewal dates as real date cells.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "clients.csv"
TARGET = HERE / "clients.xlsx"
DATE_COLUMN = "renewal_date"
MAX_WIDTH = 60


def build(source: Path = SOURCE, target: Path = TARGET) -> Path:
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], [row for row in rows[1:] if any(cell.strip() for cell in row)]

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Clients"
    sheet.append(header)
    date_index = header.index(DATE_COLUMN) if DATE_COLUMN in header else None
    for row in body:
        values: list[object] = [cell.strip() or None for cell in row]
        if date_index is not None and values[date_index]:
            values[date_index] = date.fromisoformat(str(values[date_index]))
        sheet.append(values)

    for cell in sheet[1]:
        cell.font = Font(bold=True)
    if date_index is not None:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=date_index + 1, max_col=date_index + 1):
            cell.number_format = "yyyy-mm-dd"
            cell.alignment = Alignment(horizontal="left")
    for index, name in enumerate(header, start=1):
        longest = max([len(name), *(len(row[index - 1]) for row in body if index - 1 < len(row))])
        sheet.column_dimensions[get_column_letter(index)].width = min(longest + 2, MAX_WIDTH)
    sheet.freeze_panes = "A2"

    ref = f"A1:{get_column_letter(len(header))}{len(body) + 1}"
    table = Table(displayName="Clients", ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    sheet.add_table(table)

    # Fixed document times, so regenerating from an unchanged csv gives the same workbook content.
    workbook.properties.created = workbook.properties.modified = datetime(2025, 1, 1)
    workbook.save(target)
    return target


if __name__ == "__main__":
    print(f"wrote {build()}")
