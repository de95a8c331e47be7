"""Table downloads: money, dates and counts come back as values, nothing a spreadsheet would run
as a formula gets through, and negative numbers stay numbers."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.domain.table import Column, Kind, Table
from dashboard.views import downloads
from data_access.exporter import MONEY_FORMAT
from data_access.formulas import FORMULA_TRIGGERS
from data_access.rating_scales import BRAG

NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
NOTES = downloads.notes(title="Test table", as_at=date(2024, 3, 31), source="a paper")


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _sheet(data: bytes, index: int = 0):
    return openpyxl.load_workbook(io.BytesIO(data)).worksheets[index]


def _excel_text(value):
    # openpyxl leaves OOXML's escape of a carriage return as written; Excel reads it as CR
    return value.replace("_x000D_", "\r") if isinstance(value, str) else value


def test_a_table_shows_words_and_downloads_values_from_one_specification():
    frame = pl.DataFrame(
        {
            "Post": ["Social worker", "Total"],
            "Cost": [57_802_600, -150_050],
            "Due": [date(2017, 10, 9), None],
            "People": [1234, None],
            "Share": [42, None],
            "BRAG": ["Red", None],
            "Code": ["007", "12"],
        }
    )
    table = Table.of(
        "Posts",
        frame,
        {
            "Cost": Kind.MONEY,
            "Share": Kind.PERCENT,
            "BRAG": Column("BRAG", Kind.RATING, scale="BRAG"),
        },
    )
    red, unrated = BRAG.style("Red").label, BRAG.style(None).label
    assert table.shown().rows() == [
        ("Social worker", "£578,026", "9 Oct 2017", "1,234", "42%", red, "007"),
        ("Total", "-£1,500.50", "", "not published", "not published", unrated, "12"),
    ]
    assert table.values().columns == ["Post", "Cost", "Due", "People", "Share (%)", "BRAG", "Code"]
    assert table.values().rows() == [
        ("Social worker", Decimal("578026.00"), date(2017, 10, 9), 1234, 42, red, "007"),
        ("Total", Decimal("-1500.50"), None, None, None, unrated, "12"),
    ]


def test_a_column_of_the_wrong_type_for_its_kind_is_refused():
    frame = pl.DataFrame({"Cost": ["£578,026"]})
    with pytest.raises(TypeError, match="Cost is String, not money"):
        Table.of("Posts", frame, {"Cost": Kind.MONEY})


def test_workbook_has_money_format_dates_frozen_header_and_notes():
    frame = pl.DataFrame({"Cost": [57_802_600, -500], "Due": [date(2017, 10, 9), date(2024, 4, 1)]})
    table = Table.of("Posts", frame, {"Cost": Kind.MONEY})
    book = openpyxl.load_workbook(io.BytesIO(downloads.xlsx_bytes(table, notes=NOTES)))
    sheet = book["Posts"]
    assert sheet.freeze_panes == "A2"
    cost, due = sheet["A2"], sheet["B2"]
    assert (cost.value, cost.data_type, cost.number_format) == (578026, "n", MONEY_FORMAT)
    assert sheet["A3"].value == -5 and sheet["A3"].data_type == "n"
    assert due.value == datetime(2017, 10, 9) and due.is_date
    notes = {row[0].value: row[1].value for row in book["Notes"].iter_rows()}
    assert notes["Figures as at"].startswith("31 March 2024")
    assert notes["Source"] == "a paper"
    assert notes["Table"] == "Test table"


def test_notes_name_the_live_view_and_carry_definitions():
    notes = downloads.notes(
        title="Savings lines",
        as_at=None,
        source=None,
        definitions=[("BRAG rating", "Blue when delivered")],
        now=datetime(2026, 11, 23, 9, 30),
    )
    assert (
        notes["Figures as at"] == "the latest figures in the store on 23 November 2026 (live view)"
    )
    assert notes["BRAG rating"] == "Blue when delivered"


def test_money_exact_on_screen_is_exact_pounds_in_the_download():
    frame = pl.DataFrame({"Step": ["Forecast"], "Target": [129_345_678]})
    table = Table.of("Bridge", frame, {"Target": Column("Target", Kind.MONEY, money="auto")})
    # finer than a thousand pounds: written in full, never £1.29m
    assert table.shown()["Target"].to_list() == ["£1,293,456.78"]
    assert _csv(downloads.csv_bytes(table))[1] == ["Forecast", "1293456.78"]


def test_sheet_names_and_file_names_are_safe():
    assert downloads.sheet_name("Totals: by [year]/cohort? and a very long tail") == (
        "Totals  by  year  cohort  and a"
    )
    assert downloads.file_stem("Savings by financial year (£000s)") == (
        "savings-by-financial-year-000s"
    )


def test_headings_from_the_store_are_escaped():
    table = Table.of("t", pl.DataFrame({"=HYPERLINK(1)": ["x"]}))
    assert _csv(downloads.csv_bytes(table))[0] == ["'=HYPERLINK(1)"]
    assert _sheet(downloads.xlsx_bytes(table, notes=NOTES))["A1"].value == ("'=HYPERLINK(1)")


texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=12,
) | st.sampled_from(["=1+1", "+44 20", "-Director", "@SUM(A1)", "\t=1", "\r=1", "'=1", "-5"])
pence = st.integers(min_value=-(10**12), max_value=10**12)
rows = st.lists(st.tuples(texts, pence, st.integers(-(10**9), 10**9)), min_size=1, max_size=8)


def _frame(generated) -> Table:
    """A table with a text, a money (pence) and a count column."""
    frame = pl.DataFrame(
        {
            "Text": [t for t, _, _ in generated],
            "Money": [p for _, p, _ in generated],
            "Count": [n for _, _, n in generated],
        },
        schema={"Text": pl.String, "Money": pl.Int64, "Count": pl.Int64},
    )
    return Table.of("Generated", frame, {"Money": Kind.MONEY})


def _never_a_formula(cell: str) -> bool:
    """A cell may start with a trigger only when it is a number (a negative one)."""
    return not cell.startswith(FORMULA_TRIGGERS) or bool(NUMBER.fullmatch(cell))


@settings(max_examples=150, deadline=None)
@given(rows)
def test_csv_cells_never_start_a_formula_and_negative_numbers_stay_numeric(generated):
    frame = _frame(generated)
    header, *body = _csv(downloads.csv_bytes(frame))
    assert header == ["Text", "Money", "Count"]
    for (_, amount, number), (text_cell, money_cell, count_cell) in zip(
        generated, body, strict=True
    ):
        assert _never_a_formula(text_cell)
        assert Decimal(money_cell) == Decimal(amount) / 100
        assert int(count_cell) == number


@settings(max_examples=60, deadline=None)
@given(rows)
def test_xlsx_cells_never_start_a_formula_and_negative_numbers_stay_numeric(generated):
    sheet = _sheet(downloads.xlsx_bytes(_frame(generated), notes=NOTES))
    body = list(sheet.iter_rows(min_row=2))
    for (_, amount, number), (text_cell, money_cell, count_cell) in zip(
        generated, body, strict=True
    ):
        assert text_cell.data_type != "f"
        value = _excel_text(text_cell.value)
        if text_cell.data_type == "s":
            assert not value.startswith(FORMULA_TRIGGERS)
        else:
            assert text_cell.value is None  # an empty text
        assert money_cell.data_type == "n" and money_cell.number_format == MONEY_FORMAT
        assert Decimal(str(money_cell.value)) == Decimal(amount) / 100
        assert count_cell.data_type == "n" and count_cell.value == number
