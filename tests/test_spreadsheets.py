"""Reading .csv and .xlsx files as rows of cells, numbered the way Excel shows them."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook, load_workbook

from bot import spreadsheets
from bot.spreadsheets import (
    Column,
    LineChart,
    Scale,
    Sheet,
    SpreadsheetError,
    Table,
    Written,
    read_table,
    write_workbook,
)


def write_csv(tmp_path: Path, text: str, name: str = "clients.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(tmp_path: Path, sheets: dict[str, list[list[Any]]], name: str = "clients.xlsx") -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        worksheet = workbook.create_sheet(title)
        for row in rows:
            worksheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def read_error(path: Path) -> str:
    with pytest.raises(SpreadsheetError) as caught:
        read_table(path)
    return str(caught.value)


# --- csv -------------------------------------------------------------------------------------


def test_csv_rows_keep_their_numbers_and_blank_rows_are_left_out(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "client,segment\n\nAcme,retainer\n , \nGlobex,\n")
    assert read_table(path) == Table(
        header_row=1, headers=["client", "segment"], rows=[(3, ["Acme", "retainer"]), (5, ["Globex", ""])]
    )


def test_the_header_is_the_first_row_with_anything_in_it_and_its_names_are_trimmed(tmp_path: Path) -> None:
    table = read_table(write_csv(tmp_path, "\n,\n Name ,,  Segment \nAcme,,retainer\n"))
    assert (table.header_row, table.headers) == (3, ["Name", "", "Segment"])
    assert table.rows == [(4, ["Acme", "", "retainer"])]


def test_csv_with_utf8_bom_and_accents_keeps_the_accents(tmp_path: Path) -> None:
    table = read_table(write_csv(tmp_path, "client\nCafé Zuid\n", encoding="utf-8-sig"))
    assert table.headers == ["client"]  # the BOM is not part of the first column's name
    assert table.rows == [(2, ["Café Zuid"])]


def test_plain_csv_from_excel_in_the_windows_code_page_is_read(tmp_path: Path) -> None:
    table = read_table(write_csv(tmp_path, "client;segment\nCafé Zuid;€ retainer\n", encoding="cp1252"))
    assert table.rows == [(2, ["Café Zuid", "€ retainer"])]


@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_the_separator_is_the_one_the_header_row_uses_most(tmp_path: Path, separator: str) -> None:
    text = f"client{separator}segment{separator}renewal_date\nAcme{separator}retainer{separator}2026-03-31\n"
    table = read_table(write_csv(tmp_path, text))
    assert table.headers == ["client", "segment", "renewal_date"]
    assert table.rows == [(2, ["Acme", "retainer", "2026-03-31"])]


def test_commas_inside_a_semicolon_file_stay_in_their_cell(tmp_path: Path) -> None:
    table = read_table(
        write_csv(tmp_path, "Client;E-mail domains\nBakkerij Van Dam;vandam.nl, bakkerijvandam.nl\n")
    )
    assert table.rows == [(2, ["Bakkerij Van Dam", "vandam.nl, bakkerijvandam.nl"])]


def test_a_csv_without_separators_is_one_column(tmp_path: Path) -> None:
    assert read_table(write_csv(tmp_path, "client\nAcme\n")).rows == [(2, ["Acme"])]


def test_a_quoted_cell_with_a_line_break_is_one_row_as_in_excel(tmp_path: Path) -> None:
    table = read_table(write_csv(tmp_path, 'client,contacts\nAcme,"Jan <jan@acme.com>;\nBob"\nGlobex,\n'))
    assert table.rows == [(2, ["Acme", "Jan <jan@acme.com>;\nBob"]), (3, ["Globex", ""])]


def test_an_unreadable_csv_is_refused_with_the_reason(tmp_path: Path) -> None:
    too_long = "x" * (csv.field_size_limit() + 1)
    path = write_csv(tmp_path, f'client\n"{too_long}\n')
    message = read_error(path)
    assert message.startswith("'clients.csv' is not a readable CSV file (")
    assert "field larger than field limit" in message


def test_the_suffix_may_be_in_capitals(tmp_path: Path) -> None:
    assert read_table(write_csv(tmp_path, "client\nAcme\n", name="CLIENTS.CSV")).rows == [(2, ["Acme"])]


# --- files that cannot be read ---------------------------------------------------------------


def test_unknown_file_type_names_the_allowed_types(tmp_path: Path) -> None:
    path = tmp_path / "clients.txt"
    path.write_text("client\nAcme\n")
    assert read_error(path) == (
        "'clients.txt' is not a file type Rapport can import; "
        "use an Excel workbook (.xlsx) or a CSV file (.csv)"
    )


@pytest.mark.parametrize("suffix", [".xls", ".ods", ".numbers", ".XLS"])
def test_old_excel_and_other_office_formats_are_refused_with_advice_to_save_as_xlsx(
    tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"clients{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    assert "(open it in Excel and save it as .xlsx)" in read_error(path)


def test_a_broken_xlsx_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "clients.xlsx"
    path.write_text("client\nAcme\n")
    message = read_error(path)
    assert message.startswith("'clients.xlsx' could not be read as an Excel workbook (")
    assert message.endswith("); save it from Excel as .xlsx, or export it as .csv")


def test_a_zip_that_is_not_a_workbook_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "clients.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "not a workbook")
    assert "could not be read as an Excel workbook" in read_error(path)


@pytest.mark.parametrize("name", ["nope.csv", "nope.xlsx"])
def test_missing_file_is_an_error(tmp_path: Path, name: str) -> None:
    assert (
        read_error(tmp_path / name) == f"there is no file at {tmp_path / name}; check the path and try again"
    )


@pytest.mark.parametrize("text", ["", "\n\n", " , \n\t, ,\n"])
def test_an_empty_csv_is_an_empty_table(tmp_path: Path, text: str) -> None:
    assert read_table(write_csv(tmp_path, text)) == Table(header_row=0, headers=[], rows=[])


# --- xlsx ------------------------------------------------------------------------------------


def test_xlsx_prefers_the_named_sheet_in_any_case_and_keeps_cell_types(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path,
        {
            "Read me": [["client"], ["Not a client"]],
            "CLIENTS": [
                ["Client", "Renewal Date", "Hours"],
                ["Northwind Health", datetime(2026, 6, 30), 12.5],
            ],
        },
    )
    table = read_table(path, sheets=["Clients"])
    assert (table.header_row, table.headers) == (1, ["Client", "Renewal Date", "Hours"])
    assert table.rows == [(2, ["Northwind Health", datetime(2026, 6, 30), 12.5])]


@pytest.mark.parametrize("sheets", [["Clients"], []])
def test_xlsx_without_that_sheet_reads_the_first_one(tmp_path: Path, sheets: list[str]) -> None:
    path = write_xlsx(tmp_path, {"Customers": [["client"], ["Acme"]], "Other": [["client"], ["Globex"]]})
    assert read_table(path, sheets=sheets).rows == [(2, ["Acme"])]


def test_xlsx_reads_the_first_sheet_with_one_of_the_names(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path, {"Notities": [["client"], ["Not a client"]], "klanten": [["klant"], ["Acme"]]}
    )
    assert read_table(path, sheets=["Clients", "Klanten"]).rows == [(2, ["Acme"])]


def test_xlsx_row_numbers_match_what_excel_shows(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path,
        {"Clients": [[None, None], ["client", 2026], ["Good", None], [None, None], ["Bad", "31-31-2026"]]},
    )
    table = read_table(path)
    assert (table.header_row, table.headers) == (2, ["client", "2026"])
    assert table.rows == [(3, ["Good"]), (5, ["Bad", "31-31-2026"])]  # trailing empty cells are not stored


def test_xlsx_with_wrong_stored_dimensions_is_read_in_full(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path, {"Clients": [["client", "segment"], ["Acme", "retainer"], ["Globex", "project"]]}
    )
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = re.sub(
        r'<dimension ref="[^"]*"', '<dimension ref="A1:A1"', sheet_xml
    ).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)

    table = read_table(path)
    assert table.headers == ["client", "segment"]
    assert table.rows == [(2, ["Acme", "retainer"]), (3, ["Globex", "project"])]


def test_an_empty_sheet_is_an_empty_table(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path, {"Clients": [], "Other": [["client"], ["Acme"]]})
    assert read_table(path, sheets=["Clients"]) == Table(header_row=0, headers=[], rows=[])


def chart_of(workbook: Workbook) -> Any:
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.add_data(Reference(workbook.worksheets[0], min_col=2, min_row=1, max_row=2), titles_from_data=True)
    return chart


def test_a_chart_sheet_is_passed_over_for_the_sheet_with_cells(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.title = "Data"
    workbook.active.append(["client", "score"])
    workbook.active.append(["Acme", 4])
    charts = workbook.create_chartsheet("Clients", 0)  # named as asked, and first, but only a chart
    charts.add_chart(chart_of(workbook))
    path = tmp_path / "charts.xlsx"
    workbook.save(path)
    table = read_table(path, sheets=["Clients"])
    assert (table.headers, table.rows) == (["client", "score"], [(2, ["Acme", 4])])


def test_a_workbook_excel_could_not_have_written_is_an_error_not_a_crash(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.create_chartsheet("Clients")  # a chart sheet with no chart: openpyxl cannot read it back
    path = tmp_path / "odd.xlsx"
    workbook.save(path)
    with pytest.raises(SpreadsheetError, match="could not be read as an Excel workbook"):
        read_table(path, sheets=["Clients"])


def test_a_workbook_of_charts_only_says_where_the_table_should_be(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.append(["client", 1])
    charts = workbook.create_chartsheet("Clients")
    charts.add_chart(chart_of(workbook))
    workbook.remove(workbook.worksheets[0])
    path = tmp_path / "only-charts.xlsx"
    workbook.save(path)
    with pytest.raises(SpreadsheetError, match="no sheet with cells in it, only charts"):
        read_table(path, sheets=["Clients"])


# --- writing -----------------------------------------------------------------------------------------

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def written(sheets: Iterable[Sheet], zone: ZoneInfo = AMSTERDAM) -> tuple[Any, Written]:
    """The workbook these sheets make, read back as Excel would open it."""
    out = io.BytesIO()
    made = write_workbook(out, sheets, zone)
    return load_workbook(io.BytesIO(out.getvalue())), made


FEELINGS = [
    Column("When", "datetime"),
    Column("Client", width=30),
    Column("Feeling", "int", scale=Scale(1, 5)),
    Column("Note"),
    Column("Day", "date"),
    Column("Average", "number"),
]


def test_a_written_sheet_is_an_excel_table_with_a_frozen_header_fitting_widths_and_a_colour_scale():
    rows = [
        [datetime(2026, 11, 24, 9, 0, tzinfo=UTC), "Acme", 4, "great kickoff", date(2026, 11, 24), 4.25],
        [datetime(2026, 7, 1, 12, 30, tzinfo=UTC), "Globex", 2, None, None, None],
    ]
    workbook, made = written([Sheet("Check-ins", "CheckIns", FEELINGS, rows)])
    assert made.rows == {"Check-ins": 2} and made.left_out == {}
    sheet = workbook["Check-ins"]
    assert list(sheet.iter_rows(values_only=True)) == [
        ("When", "Client", "Feeling", "Note", "Day", "Average"),
        # Dates as Excel dates, in the zone (summer and winter time), without it.
        (datetime(2026, 11, 24, 10, 0), "Acme", 4, "great kickoff", datetime(2026, 11, 24), 4.25),
        (datetime(2026, 7, 1, 14, 30), "Globex", 2, None, None, None),
    ]
    assert [sheet.cell(2, n).number_format for n in (1, 5, 6)] == ["yyyy-mm-dd h:mm:ss", "yyyy-mm-dd", "0.00"]
    assert sheet.cell(2, 1).is_date and sheet.cell(2, 3).data_type == "n"
    assert sheet.freeze_panes == "A2"
    [table] = sheet.tables.values()
    assert (table.name, table.ref, table.autoFilter.ref) == ("CheckIns", "A1:F3", "A1:F3")
    assert [column.name for column in table.tableColumns] == [
        "When",
        "Client",
        "Feeling",
        "Note",
        "Day",
        "Average",
    ]
    assert table.tableStyleInfo.name == "TableStyleMedium2"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEF"}
    assert widths["A"] >= 17 and widths["B"] == 31 and widths["D"] >= len("Note") + 3
    [(cells, [rule])] = [(str(r.sqref), r.rules) for r in sheet.conditional_formatting]
    assert cells == "C2:C3" and rule.type == "colorScale"
    assert [v.val for v in rule.colorScale.cfvo] == [1, 3, 5]


def test_text_is_always_text_without_the_characters_excel_refuses():
    notes = [
        '=HYPERLINK("http://x")',
        "#N/A",
        "+31 6 1234",
        "-",
        "tab\tand\nline",
        "bell\x07 and nul\x00",
        "x" * 40_000,
    ]
    workbook, _ = written([Sheet("Notes", "Notes", [Column("Note")], [[note] for note in notes])])
    sheet = workbook["Notes"]
    read = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert read[:6] == ['=HYPERLINK("http://x")', "#N/A", "+31 6 1234", "-", "tab\tand\nline", "bell and nul"]
    assert read[6] == "x" * 32_767  # the most a cell holds
    assert {sheet.cell(n, 1).data_type for n in range(2, 9)} == {"s"}


def test_headers_are_made_unique_and_one_line_as_a_table_wants_them():
    columns = [Column("Retail"), Column("retail"), Column(""), Column("two\nlines")]
    workbook, _ = written([Sheet("S", "S", columns, [["a", "b", "c", "d"]])])
    [table] = workbook["S"].tables.values()
    assert [c.name for c in table.tableColumns] == ["Retail", "retail (2)", "Column 3", "two lines"]
    assert [c.value for c in workbook["S"][1]] == ["Retail", "retail (2)", "Column 3", "two lines"]


def test_an_empty_sheet_is_still_a_table_with_one_empty_row():
    workbook, made = written([Sheet("Empty", "Empty", FEELINGS, [])])
    assert made.rows == {"Empty": 0}
    [table] = workbook["Empty"].tables.values()
    assert table.ref == "A1:F2"


def test_a_line_chart_beside_the_table_draws_the_chosen_columns_over_the_first():
    columns = [Column("Week", "date"), Column("All", "number"), Column("Retail", "number")]
    rows = [[date(2026, 11, 2), 3.5, None], [date(2026, 11, 9), 4.0, 4.5]]
    chart = LineChart("Average feeling per week", "Feeling", x_column=0, series=[1, 2], y_min=1, y_max=5)
    workbook, _ = written([Sheet("Weekly", "Weekly", columns, rows, chart)])
    [drawn] = workbook["Weekly"]._charts
    assert drawn.tagname == "lineChart"
    assert [s.val.numRef.f for s in drawn.series] == ["'Weekly'!$B$2:$B$3", "'Weekly'!$C$2:$C$3"]
    assert drawn.series[0].cat.numRef.f == "'Weekly'!$A$2:$A$3"
    assert (drawn.y_axis.scaling.min, drawn.y_axis.scaling.max) == (1, 5)
    assert drawn.x_axis.delete is False and drawn.y_axis.delete is False


def test_sheets_are_asked_for_one_at_a_time_so_a_later_one_can_use_what_an_earlier_one_read():
    seen: list[int] = []

    def numbers():
        for n in range(3):
            seen.append(n)
            yield [n]

    def sheets():
        yield Sheet("Numbers", "Numbers", [Column("N", "int")], numbers())
        yield Sheet("Count", "Count", [Column("Seen", "int")], [[len(seen)]])

    workbook, _ = written(sheets())  # a generator, read as it is written
    assert workbook["Count"]["A2"].value == 3
    assert workbook.sheetnames == ["Numbers", "Count"]


def test_rows_past_excels_most_are_read_and_counted_but_not_written(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MOST_ROWS", 4)  # a header and three rows
    read: list[int] = []

    def rows():
        for n in range(5):
            read.append(n)
            yield [n]

    workbook, made = written([Sheet("N", "N", [Column("N", "int")], rows())])
    assert read == [0, 1, 2, 3, 4]
    assert (made.rows, made.left_out) == ({"N": 3}, {"N": 2})
    assert [r[0] for r in workbook["N"].iter_rows(min_row=2, values_only=True)] == [0, 1, 2]


def test_the_workbook_can_go_straight_to_a_file(tmp_path):
    path = tmp_path / "out.xlsx"
    write_workbook(path, [Sheet("S", "S", [Column("A")], [["a"]])], AMSTERDAM)
    assert load_workbook(path)["S"]["A2"].value == "a"
