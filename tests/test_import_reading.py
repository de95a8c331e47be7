"""Spreadsheets read the way councils write them, each reading rule stated (issue 11, item 2).

Each rule in CSV and XLSX where both apply, asserting the exact value stored or the exact
message; the preview's and the success line's ``reading`` names the file, the sheet and each
rule applied.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
import xlsxwriter
from sqlalchemy import select

from data_access import schema
from data_access.importer import import_file
from data_access.problems import ImportRejected
from tests.conftest import DIRECTOR
from tests.store_snapshots import settle, snapshot
from tests.test_import_accepts import areas_by_code, csv_text, savings_by_key, write_workbook

AS_AT = date(2024, 4, 1)
AREAS = ("code", "title", "lead", "status", "rag", "last_updated")
SAVINGS = ("code", "financial_year", "title", "workstream", "cohort", "target", "forecast")
LINE = ("Reablement", "Demand", "older")


def _import(store, dataset, path, **kwargs):
    return import_file(store, dataset, path, actor=DIRECTOR, as_at=AS_AT, **kwargs)


def _write(tmp_path: Path, suffix: str, rows: list[list], name: str = "file") -> Path:
    """The rows as a CSV file or a one-sheet workbook (numbers typed in XLSX)."""
    path = tmp_path / f"{name}{suffix}"
    if suffix == ".csv":
        path.write_text(csv_text(rows[0], rows[1:]), encoding="utf-8")
        return path
    return write_workbook(path, {"Data": rows})


def _rules(excinfo) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, p.rule) for p in excinfo.value.problems]


def _target(store, code="S1", year="2024/25") -> int:
    return savings_by_key(store)[(code, year)]["target_pence"]


BOTH = pytest.mark.parametrize("suffix", [".csv", ".xlsx"])


# units ---------------------------------------------------------------------------------------


@BOTH
def test_a_title_in_thousands_is_read_in_thousands_and_said(sqlite_store, tmp_path, suffix):
    rows = [
        ["Savings tracker: all figures £000s"],
        list(SAVINGS),
        ["S1", "2024/25", *LINE, "1,500", "1,200.5"],
    ]
    report = _import(sqlite_store, "savings", _write(tmp_path, suffix, rows))

    stored = savings_by_key(sqlite_store)[("S1", "2024/25")]
    assert (stored["target_pence"], stored["forecast_pence"]) == (150_000_000, 120_050_000)
    assert (
        'read as £000s: 1,500 means £1,500,000 (row 1 says "Savings tracker: all figures £000s")'
        in report.reading
    )


@BOTH
def test_a_header_in_millions_is_read_in_millions(sqlite_store, tmp_path, suffix):
    header = [*SAVINGS[:5], "Target (£m)", "Forecast"]
    rows = [header, ["S1", "2024/25", *LINE, "12.537", "500"]]
    report = _import(sqlite_store, "savings", _write(tmp_path, suffix, rows))

    stored = savings_by_key(sqlite_store)[("S1", "2024/25")]
    assert (stored["target_pence"], stored["forecast_pence"]) == (1_253_700_000, 50_000)
    assert (
        'target read as £m: 1.5 means £1,500,000 (its header says "Target (£m)")' in report.reading
    )


@BOTH
def test_a_unit_on_a_column_that_is_not_money_is_refused(sqlite_store, tmp_path, suffix):
    rows = [[*AREAS[:5], "Last updated (£000s)"], ["A1", "t", "", "In progress", "", "1/4/24"]]
    with pytest.raises(ImportRejected) as excinfo:
        _import(sqlite_store, "areas", _write(tmp_path, suffix, rows))
    assert _rules(excinfo) == [
        (1, "last_updated", "the header states a unit (£000s) but last_updated is not money")
    ]


@BOTH
def test_a_unit_stated_below_the_table_is_refused(sqlite_store, tmp_path, suffix):
    rows = [list(SAVINGS), ["S1", "2024/25", *LINE, "1,500", ""], ["Figures in £000s"]]
    with pytest.raises(ImportRejected) as excinfo:
        _import(sqlite_store, "savings", _write(tmp_path, suffix, rows))
    assert _rules(excinfo) == [
        (
            3,
            None,
            "row 3 states a unit below the header: move it above the header (a title row) or "
            "into the headers, so the figures are read in it",
        )
    ]


@BOTH
def test_suffixed_and_bracketed_amounts_are_read_exactly(sqlite_store, tmp_path, suffix):
    rows = [
        ["code", "label", "dataset", "scope", "reported_value"],
        ["R1", "Total", "savings_target", "line_code=S1", "£12.537m"],
        ["R2", "Total", "savings_target", "line_code=S2", "£1.2k"],
        ["R3", "Total", "savings_target", "line_code=S3", "(1,234)"],
        ["R4", "Waiting", "backlog", "measure=awaiting_assessment", "1234"],
    ]
    _import(sqlite_store, "reported_totals", _write(tmp_path, suffix, rows))

    with sqlite_store.engine.connect() as conn:
        stored = dict(
            conn.execute(
                select(schema.reported_totals.c.code, schema.reported_totals.c.reported_value)
            ).all()
        )
    # money totals are pounds in a file, pence in the store; a count is a count
    assert stored == {"R1": 1_253_700_000, "R2": 120_000, "R3": -123_400, "R4": 1234}


def test_savings_amounts_with_suffixes(sqlite_store, tmp_path):
    rows = [list(SAVINGS), ["S1", "2024/25", *LINE, "£12.537m", "£1.2k"]]
    _import(sqlite_store, "savings", _write(tmp_path, ".csv", rows))
    stored = savings_by_key(sqlite_store)[("S1", "2024/25")]
    assert (stored["target_pence"], stored["forecast_pence"]) == (1_253_700_000, 120_000)


@BOTH
def test_three_decimals_in_pounds_is_named_as_the_wrong_unit(sqlite_store, tmp_path, suffix):
    rows = [list(SAVINGS), ["S1", "2024/25", *LINE, "12.537", "1"]]
    with pytest.raises(ImportRejected) as excinfo:
        _import(sqlite_store, "savings", _write(tmp_path, suffix, rows))
    (problem,) = excinfo.value.problems
    assert (problem.row, problem.column, problem.value) == (2, "target", "12.537")
    assert problem.rule == (
        "money must be a number of pounds with at most 2 decimal places (e.g. £1,500.50); if "
        "the figures are in £m or £000s, write 12.537m or say so in the header ('target (£m)') "
        "or a title row ('All figures £000s')"
    )


@BOTH
def test_a_value_a_thousand_times_off_is_named(sqlite_store, tmp_path, suffix):
    targets = ["1,500,000", "2,000,000", "1,200,000", "1,800,000", "1,500", "1,600,000"]
    rows = [
        list(SAVINGS),
        *([f"S{i}", "2024/25", *LINE, target, ""] for i, target in enumerate(targets, start=1)),
    ]
    report = _import(sqlite_store, "savings", _write(tmp_path, suffix, rows), dry_run=True)
    assert _wrong_unit_notes(report) == [
        'row 6, target "1,500" looks like the wrong unit: a thousand times or more from the '
        "middle of the column (£1,500,000); check it is in the same unit as the rest"
    ]


def _wrong_unit_notes(report) -> list[str]:
    return [line for line in report.reading if "looks like the wrong unit" in line]


# a savings file of one column per year: each year's target and forecast in columns of their own
PER_YEAR = [
    "code",
    "title",
    "workstream",
    "cohort",
    "2024/25 target",
    "2024/25 forecast",
    "2025/26 target",
    "2025/26 forecast",
]


@BOTH
def test_three_values_are_too_few_to_name_one_as_the_wrong_unit(sqlite_store, tmp_path, suffix):
    # a real £1m line beside two small ones: three values have no middle to be far from
    rows = [
        PER_YEAR,
        ["S1", *LINE, "1,000", "800", "", ""],
        ["S2", *LINE, "1,000", "1,000", "1,000,000", "1,000,000"],
    ]
    report = _import(sqlite_store, "savings", _write(tmp_path, suffix, rows), dry_run=True)
    assert report.rows == 3
    assert _wrong_unit_notes(report) == []


@BOTH
def test_a_value_a_thousand_times_off_in_a_column_per_year_names_the_files_heading(
    sqlite_store, tmp_path, suffix
):
    rows = [
        PER_YEAR,
        ["S1", *LINE, "1,000,000", "1,000,000", "1,000,000", "1,200,000"],
        ["S2", *LINE, "1,000,000", "900,000", "1,000,000", "1,100,000"],
        ["S3", *LINE, "1,000,000", "1,300,000", "1,000,000", "1,000"],
    ]
    report = _import(sqlite_store, "savings", _write(tmp_path, suffix, rows), dry_run=True)
    assert _wrong_unit_notes(report) == [
        'row 4, 2025/26 forecast "1,000" looks like the wrong unit: a thousand times or more '
        "from the middle of the forecast columns (£1,000,000); check it is in the same unit as "
        "the rest"
    ]


def test_reported_totals_export_in_pounds(sqlite_store, tmp_path):
    from data_access.exporter import export_file

    rows = [
        ["code", "label", "dataset", "scope", "reported_value"],
        ["R1", "Total", "savings_target", "line_code=S1", "1500.50"],
        ["R2", "Waiting", "backlog", "measure=awaiting_assessment", "12"],
    ]
    _import(sqlite_store, "reported_totals", _write(tmp_path, ".csv", rows))
    out = tmp_path / "out.csv"
    export_file(sqlite_store, "reported_totals", out, fmt="csv")
    text = out.read_text(encoding="utf-8-sig")
    # one numeric column: a count is written 12.00 and reads back as 12
    assert ",1500.50," in text and ",12.00," in text
    again = _import(sqlite_store, "reported_totals", out, dry_run=True)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)


# sheets, hidden rows and columns --------------------------------------------------------------


def _hidden_workbook(path: Path) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    old = workbook.add_worksheet("Old")
    old.write_row(0, 0, AREAS)
    old.write_row(1, 0, ["OLD1", "Old area", "", "In progress", "", "01/01/2020"])
    old.hide()
    data = workbook.add_worksheet("Areas")
    data.activate()
    data.write_row(0, 0, AREAS)
    data.write_row(1, 0, ["A1", "Visible", "", "In progress", "", "31/03/2024"])
    data.write_row(2, 0, ["A2", "Hidden row", "", "In progress", "", "31/03/2024"])
    data.set_row(2, None, None, {"hidden": True})
    data.write_row(3, 0, ["A3", "Visible too", "", "In progress", "", "31/03/2024"])
    workbook.close()
    return path


def test_the_visible_sheet_is_read_and_hidden_rows_left_out(sqlite_store, tmp_path):
    report = _import(sqlite_store, "areas", _hidden_workbook(tmp_path / "areas.xlsx"))

    assert sorted(areas_by_code(sqlite_store)) == ["A1", "A3"]
    assert report.reading == (
        'read sheet "Areas" of areas.xlsx',
        "hidden sheet 'Old' not read",
        "hidden row 3 left out (unhide them to load them)",
    )


def test_a_named_sheet_is_read_even_if_hidden(sqlite_store, tmp_path):
    report = _import(sqlite_store, "areas", _hidden_workbook(tmp_path / "areas.xlsx"), sheet="Old")
    assert sorted(areas_by_code(sqlite_store)) == ["OLD1"]
    assert (
        report.reading[0] == 'read sheet "Old" of areas.xlsx (hidden, read because it was chosen)'
    )


def test_the_sheets_a_picker_offers(tmp_path):
    from data_access.files import ReadLimits, workbook_sheets
    from data_access.settings import get_settings

    path = _hidden_workbook(tmp_path / "areas.xlsx")
    limits = ReadLimits.from_settings(get_settings())
    assert workbook_sheets(path, limits) == [("Old", True), ("Areas", False)]


def every_sheet_hidden(workbook: bytes) -> bytes:
    """``workbook`` with every sheet hidden, as Excel cannot save it but a file can hold."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == "xl/workbook.xml":
                part = part.replace(b"<sheet ", b'<sheet state="hidden" ')
            dst.writestr(info, part)
    return out.getvalue()


HIDDEN_EVERYWHERE = "every sheet is hidden: unhide the sheet to load, or choose it by name"


def test_a_workbook_whose_every_sheet_is_hidden_says_how_to_load_one(sqlite_store, tmp_path):
    path = tmp_path / "areas.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Areas")
    sheet.write_row(0, 0, AREAS)
    sheet.write_row(1, 0, ["A1", "Hidden", "", "In progress", "", "31/03/2024"])
    workbook.close()
    path.write_bytes(every_sheet_hidden(path.read_bytes()))
    with pytest.raises(ImportRejected) as excinfo:
        _import(sqlite_store, "areas", path)
    assert _rules(excinfo) == [(None, None, HIDDEN_EVERYWHERE)]
    # chosen by name (--sheet, the Load page's picker), it is read
    report = _import(sqlite_store, "areas", path, sheet="Areas")
    assert (
        report.reading[0] == 'read sheet "Areas" of areas.xlsx (hidden, read because it was chosen)'
    )


def test_a_sheet_that_is_not_there_is_named(sqlite_store, tmp_path):
    with pytest.raises(ImportRejected) as excinfo:
        _import(sqlite_store, "areas", _hidden_workbook(tmp_path / "a.xlsx"), sheet="Nope")
    assert _rules(excinfo) == [
        (None, None, 'the workbook has no sheet "Nope"; its sheets: "Old", "Areas"')
    ]


def test_hidden_columns_are_left_out_and_said(sqlite_store, tmp_path):
    path = tmp_path / "areas.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Areas")
    sheet.write_row(0, 0, [*AREAS, "notes"])
    sheet.write_row(1, 0, ["A1", "t", "", "In progress", "", "31/03/2024", "private"])
    sheet.set_column(6, 6, None, None, {"hidden": True})
    workbook.close()

    report = _import(sqlite_store, "areas", path)
    assert "hidden column G left out (unhide to load)" in report.reading
    assert "A1" in areas_by_code(sqlite_store)


# savings one column per year ------------------------------------------------------------------


@BOTH
def test_savings_one_column_per_year(sqlite_store, tmp_path, suffix):
    rows = [
        ["code", "title", "workstream", "cohort", "2023/24 target", "2024/25 target"],
        ["S1", *LINE, "100", "200"],
        ["S2", *LINE, "300", ""],
    ]
    report = _import(sqlite_store, "savings", _write(tmp_path, suffix, rows))

    stored = {k: v["target_pence"] for k, v in savings_by_key(sqlite_store).items()}
    assert stored == {
        ("S1", "2023/24"): 10_000,
        ("S1", "2024/25"): 20_000,
        ("S2", "2023/24"): 30_000,
    }
    assert (
        "savings laid out with one column per financial year (2023/24, 2024/25): read as one "
        "row per line and year, 2 lines into 3 rows"
    ) in report.reading
    assert report.rows == 3


@BOTH
def test_savings_a_block_per_year(sqlite_store, tmp_path, suffix):
    rows = [
        ["code", None, None, None, "2023/24", None, "2024/25", None],
        [None, "title", "workstream", "cohort", "target", "forecast", "target", "forecast"],
        ["S1", *LINE, 100, 90, 200, 150],
    ]
    if suffix == ".csv":
        rows = [[None if c is None else str(c) for c in row] for row in rows]
        rows[0][1:4] = ["", "", ""]
    report = _import(sqlite_store, "savings", _write(tmp_path, suffix, rows))

    stored = {
        k: (v["target_pence"], v["forecast_pence"]) for k, v in savings_by_key(sqlite_store).items()
    }
    assert stored == {("S1", "2023/24"): (10_000, 9_000), ("S1", "2024/25"): (20_000, 15_000)}
    assert (
        "savings laid out with a block of columns per financial year (2023/24, 2024/25): read "
        "as one row per line and year, 1 line into 2 rows"
    ) in report.reading


@BOTH
def test_a_bad_value_in_a_year_column_names_the_files_column(sqlite_store, tmp_path, suffix):
    rows = [
        ["code", "title", "workstream", "cohort", "2023/24 target", "2024/25 target"],
        ["S1", *LINE, "100", "200"],
        ["S2", *LINE, "300", "lots"],
    ]
    with pytest.raises(ImportRejected) as excinfo:
        _import(sqlite_store, "savings", _write(tmp_path, suffix, rows))

    (problem,) = excinfo.value.problems
    assert (problem.row, problem.column, problem.value) == (3, "2024/25 target", "lots")
    sheet = ' sheet "Data",' if suffix == ".xlsx" else ""
    assert str(problem) == (
        f"file{suffix},{sheet} row 3, column \"2024/25 target\", value 'lots': money must be a "
        "number of pounds with at most 2 decimal places (e.g. £1,500.50)"
    )


@BOTH
def test_a_bad_value_in_a_year_column_read_in_thousands_names_the_files_column(
    sqlite_store, tmp_path, suffix
):
    rows = [
        ["All figures £000s"],
        ["code", "title", "workstream", "cohort", "2023/24 target", "2024/25 target"],
        ["S1", *LINE, "100", "lots"],
    ]
    with pytest.raises(ImportRejected) as excinfo:
        _import(sqlite_store, "savings", _write(tmp_path, suffix, rows))

    assert [(p.row, p.column, p.value) for p in excinfo.value.problems] == [
        (3, "2024/25 target", "lots")
    ]


@BOTH
def test_a_bad_value_in_a_block_per_year_names_the_year_and_the_column(
    sqlite_store, tmp_path, suffix
):
    rows = [
        ["code", None, None, None, "2023/24", None, "2024/25", None],
        [None, "title", "workstream", "cohort", "Target", "Forecast", "Target", "Forecast"],
        ["S1", *LINE, 100, "lots", 200, 150],
    ]
    if suffix == ".csv":
        rows = [[None if c is None else str(c) for c in row] for row in rows]
        rows[0][1:4] = ["", "", ""]
    with pytest.raises(ImportRejected) as excinfo:
        _import(sqlite_store, "savings", _write(tmp_path, suffix, rows))

    assert _rules(excinfo) == [
        (
            3,
            "2023/24 Forecast",
            "money must be a number of pounds with at most 2 decimal places (e.g. £1,500.50)",
        )
    ]


# shapes ---------------------------------------------------------------------------------------


@BOTH
def test_a_totals_row_is_named(sqlite_store, tmp_path, suffix):
    rows = [list(SAVINGS), ["S1", "2024/25", *LINE, "100", ""], ["Total", "", "", "", "", "100"]]
    with pytest.raises(ImportRejected) as excinfo:
        _import(sqlite_store, "savings", _write(tmp_path, suffix, rows))
    assert _rules(excinfo) == [
        (
            3,
            None,
            "row 3 looks like a totals row: remove it, or load the total as a reported total",
        )
    ]


@BOTH
def test_a_two_row_header_is_named(sqlite_store, tmp_path, suffix):
    rows = [
        ["code", "title", "lead", "status", "rag", "last"],
        [None, None, None, None, None, "updated"],
        ["A1", "t", "", "In progress", "", "31/03/2024"],
    ]
    with pytest.raises(ImportRejected) as excinfo:
        _import(sqlite_store, "areas", _write(tmp_path, suffix, rows))
    assert _rules(excinfo) == [
        (
            1,
            None,
            "rows 1 and 2 together look like a two-row header (F: 'last' over 'updated'): the "
            "header must be one row, one name per column (e.g. 'target 2024/25')",
        )
    ]


def test_cells_merged_down_rows_are_named(sqlite_store, tmp_path):
    path = tmp_path / "areas.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Areas")
    sheet.write_row(0, 0, AREAS)
    sheet.write_row(1, 1, ["t", "", "In progress", "", "31/03/2024"])
    sheet.write_row(2, 1, ["u", "", "In progress", "", "31/03/2024"])
    sheet.merge_range("A2:A3", "A1")
    workbook.close()
    with pytest.raises(ImportRejected) as excinfo:
        _import(sqlite_store, "areas", path)
    assert _rules(excinfo) == [
        (
            2,
            "code",
            "cells A2:A3 are merged down rows 2 to 3: unmerge them and put the value in every row",
        )
    ]


def test_excel_date_serials_read_in_a_workbook(sqlite_store, tmp_path):
    rows = [list(AREAS), ["A1", "t", "", "In progress", "", 45382]]
    report = _import(sqlite_store, "areas", _write(tmp_path, ".xlsx", rows))
    assert areas_by_code(sqlite_store)["A1"]["last_updated"] == date(2024, 3, 31)
    assert (
        "dates held as Excel numbers read as dates (e.g. last_updated 45382 is 31/03/2024)"
        in report.reading
    )


def test_excel_date_serials_in_csv_are_named(sqlite_store, tmp_path):
    rows = [list(AREAS), ["A1", "t", "", "In progress", "", "45382"]]
    with pytest.raises(ImportRejected) as excinfo:
        _import(sqlite_store, "areas", _write(tmp_path, ".csv", rows))
    assert _rules(excinfo) == [
        (
            2,
            "last_updated",
            "45382 is an Excel date serial number (31/03/2024), not a date: format the column "
            "as dates before saving, or write DD/MM/YYYY",
        )
    ]


@BOTH
def test_dates_with_month_names(sqlite_store, tmp_path, suffix):
    rows = [
        list(AREAS),
        ["A1", "t", "", "In progress", "", "31-Mar-24"],
        ["A2", "t", "", "In progress", "", "12 March 2024"],
        ["A3", "t", "", "In progress", "", "1 Sept 2024"],
    ]
    _import(sqlite_store, "areas", _write(tmp_path, suffix, rows))
    stored = {code: row["last_updated"] for code, row in areas_by_code(sqlite_store).items()}
    assert stored == {"A1": date(2024, 3, 31), "A2": date(2024, 3, 12), "A3": date(2024, 9, 1)}


def test_typed_date_cells_still_read(sqlite_store, tmp_path):
    rows = [list(AREAS), ["A1", "t", "", "In progress", "", datetime(2024, 3, 31)]]
    _import(sqlite_store, "areas", _write(tmp_path, ".xlsx", rows))
    assert areas_by_code(sqlite_store)["A1"]["last_updated"] == date(2024, 3, 31)


def test_semicolon_separated_csv(sqlite_store, tmp_path):
    path = tmp_path / "areas.csv"
    path.write_text(
        ";".join(AREAS) + "\r\nA1;Title, with comma;;In progress;;31/03/2024\r\n",
        encoding="utf-8",
    )
    report = _import(sqlite_store, "areas", path)
    assert areas_by_code(sqlite_store)["A1"]["title"] == "Title, with comma"
    assert report.reading == (
        "read areas.csv",
        "columns separated by semicolons (;), not commas: read as such",
    )


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf16_text(sqlite_store, tmp_path, encoding):
    path = tmp_path / "areas.csv"
    text = csv_text(AREAS, [("A1", "Carers’ support £", "", "In progress", "", "31/03/2024")])
    path.write_bytes(text.encode(encoding))
    report = _import(sqlite_store, "areas", path)
    assert areas_by_code(sqlite_store)["A1"]["title"] == "Carers’ support £"
    assert "text read as UTF-16 (Excel's 'Unicode text'); UTF-8 is the usual" in report.reading


@BOTH
def test_financial_year_headers_as_people_write_them(sqlite_store, tmp_path, suffix):
    for n, header in enumerate(("Financial Year", "financial-year", "FINANCIAL YEAR")):
        rows = [
            ["Code", header, "Title", "Workstream", "Cohort", "Target"],
            [f"S{n}", "2024-25", *LINE, "100"],
        ]
        _import(sqlite_store, "savings", _write(tmp_path, suffix, rows, name=f"s{n}"))
    assert sorted(savings_by_key(sqlite_store)) == [
        ("S0", "2024/25"),
        ("S1", "2024/25"),
        ("S2", "2024/25"),
    ]


def test_the_success_line_names_the_file_and_what_was_read(sqlite_store, tmp_path):
    rows = [["All figures £000s"], list(SAVINGS), ["S1", "2024/25", *LINE, "1.5", ""]]
    report = _import(sqlite_store, "savings", _write(tmp_path, ".csv", rows, name="monthly"))
    assert report.reading == (
        "read monthly.csv",
        "header on row 2; the rows above it read as titles",
        'read as £000s: 1,500 means £1,500,000 (row 1 says "All figures £000s")',
    )
    assert _target(sqlite_store) == 150_000


# a rejected file changes nothing --------------------------------------------------------------


def test_a_rejected_file_leaves_the_store_byte_for_byte_unchanged(store, tmp_path):
    first = [list(SAVINGS), ["S1", "2024/25", *LINE, "100", ""]]
    _import(store, "savings", _write(tmp_path, ".csv", first, name="first"))
    if store.dialect == "sqlite":
        settle(store)
    before = snapshot(store)
    with store.engine.connect() as conn:
        rows_before = conn.execute(select(schema.savings_years)).all()

    rejected = [
        ["All figures £000s"],
        list(SAVINGS),
        ["S1", "2024/25", *LINE, "200", ""],
        ["Total", "", "", "", "", "200"],
    ]
    with pytest.raises(ImportRejected):
        _import(store, "savings", _write(tmp_path, ".xlsx", rejected, name="second"))

    assert snapshot(store) == before
    with store.engine.connect() as conn:
        assert conn.execute(select(schema.savings_years)).all() == rows_before
