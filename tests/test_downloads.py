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
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.domain import formatting
from dashboard.views import downloads
from data_access.exporter import MONEY_FORMAT
from data_access.formulas import FORMULA_TRIGGERS

NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
NOTES = downloads.notes(title="Test table", as_at=date(2024, 3, 31), source="a paper")


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _sheet(data: bytes, index: int = 0):
    return openpyxl.load_workbook(io.BytesIO(data)).worksheets[index]


def _excel_text(value):
    # openpyxl leaves OOXML's escape of a carriage return as written; Excel reads it as CR
    return value.replace("_x000D_", "\r") if isinstance(value, str) else value


def test_words_on_the_page_come_back_as_values():
    shown = pl.DataFrame(
        {
            "Post": ["Social worker", "Total"],
            "Cost": ["£578,026", "-£1,500.50"],
            "Due": ["9 Oct 2017", ""],
            "People": ["1,234", "–"],
            "Suppressed": ["1,234", "fewer than 5"],
            "Code": ["007", "12"],
        }
    )
    assert downloads.typed(shown).rows() == [
        ("Social worker", Decimal("578026.00"), date(2017, 10, 9), 1234, "1,234", "007"),
        ("Total", Decimal("-1500.50"), None, None, "fewer than 5", "12"),
    ]


def test_workbook_has_money_format_dates_frozen_header_and_notes():
    shown = pl.DataFrame({"Cost": ["£578,026", "-£5"], "Due": ["9 Oct 2017", "1 Apr 2024"]})
    book = openpyxl.load_workbook(
        io.BytesIO(downloads.xlsx_bytes(shown, title="Posts", notes=NOTES))
    )
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


def test_rounded_money_is_found_so_pages_pass_exact_figures():
    shown = pl.DataFrame({"Target": ["£1.29m", "£429,000"], "Step": ["Forecast", "Gap"]})
    assert downloads.rounded_money_columns(shown) == ["Target"]


def test_sheet_names_and_file_names_are_safe():
    assert downloads.sheet_name("Totals: by [year]/cohort? and a very long tail") == (
        "Totals  by  year  cohort  and a"
    )
    assert downloads.file_stem("Savings by financial year (£000s)") == (
        "savings-by-financial-year-000s"
    )


def test_headings_from_the_store_are_escaped():
    frame = pl.DataFrame({"=HYPERLINK(1)": ["x"]})
    assert _csv(downloads.csv_bytes(frame))[0] == ["'=HYPERLINK(1)"]
    assert _sheet(downloads.xlsx_bytes(frame, title="t", notes=NOTES))["A1"].value == (
        "'=HYPERLINK(1)"
    )


texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=12,
) | st.sampled_from(["=1+1", "+44 20", "-Director", "@SUM(A1)", "\t=1", "\r=1", "'=1", "-5"])
pence = st.integers(min_value=-(10**12), max_value=10**12)
rows = st.lists(st.tuples(texts, pence, st.integers(-(10**9), 10**9)), min_size=1, max_size=8)


def _frame(generated) -> pl.DataFrame:
    """A table as a page shows it (money as words) with a text and a count column."""
    return pl.DataFrame(
        {
            "Text": [t for t, _, _ in generated],
            "Money": [formatting.money(p, style="exact") for _, p, _ in generated],
            "Count": [n for _, _, n in generated],
        },
        schema={"Text": pl.String, "Money": pl.String, "Count": pl.Int64},
    )


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
    sheet = _sheet(downloads.xlsx_bytes(_frame(generated), title="t", notes=NOTES))
    body = list(sheet.iter_rows(min_row=2))
    for (_, amount, number), (text_cell, money_cell, count_cell) in zip(
        generated, body, strict=True
    ):
        assert text_cell.data_type != "f"
        value = _excel_text(text_cell.value)
        if text_cell.data_type == "s":
            assert not value.startswith(FORMULA_TRIGGERS)
        else:
            assert text_cell.data_type == "n"  # a column that read as numbers throughout
        assert money_cell.data_type == "n" and money_cell.number_format == MONEY_FORMAT
        assert Decimal(str(money_cell.value)) == Decimal(amount) / 100
        assert count_cell.data_type == "n" and count_cell.value == number
