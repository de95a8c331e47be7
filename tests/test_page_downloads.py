"""Every table on every page offers CSV and Excel downloads holding exact figures."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

import openpyxl
import polars as pl
import pytest

from dashboard.domain import formatting
from dashboard.domain.table import MONEY_IN_FILES, Kind, Table
from dashboard.navigation import PAGES
from dashboard.ui import components
from dashboard.views import downloads
from tests.pages_support import run_page, tables

# what a figure looks like when written for reading: it belongs in a money, date or count column
_WRITTEN_FIGURE = r"^(?:-?£\d[\d,]*(?:\.\d+)?m?|\d{1,2} [A-Z][a-z]{2} \d{4}|\d{1,3}(?:,\d{3})+)$"


def figures_written_as_text(table: Table) -> list[str]:
    """Text columns holding figures written as words: the table should carry their values."""
    shown = table.shown()
    return [
        column.name
        for column in table.columns
        if column.kind is Kind.TEXT and shown[column.name].str.contains(_WRITTEN_FIGURE).any()
    ]


@pytest.fixture
def offered(monkeypatch):
    """What each table's download buttons would hand over, recorded as the page runs."""
    recorded = []
    original = components.download_buttons

    def record(table, *, key, source=None):
        recorded.append((key, table.title, table))
        original(table, key=key, source=source)

    monkeypatch.setattr(components, "download_buttons", record)
    return recorded


# the pages that show figures; the officers' update forms edit tables rather than show them
SHOWING = (
    "pages/overview.py",
    "pages/improvement_plan.py",
    "pages/savings.py",
    "pages/backlog.py",
    "pages/younger_older_adults.py",
    "pages/data_quality.py",
)


def test_the_pages_showing_figures_are_registered():
    assert set(SHOWING) <= {page.path for page in PAGES}


@pytest.mark.parametrize("page", SHOWING)
def test_every_table_on_the_page_can_be_downloaded(app_env, offered, page):
    at = run_page(page)
    buttons = at.get("download_button")
    assert len(tables(at)) == len(offered) > 0
    assert len(buttons) == 2 * len(offered)
    assert [b.proto.label for b in buttons] == ["Download CSV", "Download Excel"] * len(offered)
    keys = [key for key, _, _ in offered]
    assert len(set(keys)) == len(keys)
    for key, title, table in offered:
        assert isinstance(table, Table), (key, title)
        assert figures_written_as_text(table) == [], (key, title)
        values = table.values()
        for column in table.columns:  # money in a file is exact pounds, never rounded text
            if column.kind is Kind.MONEY:
                assert values.schema[column.heading_in_file] == MONEY_IN_FILES, (key, column)
        assert downloads.csv_bytes(table).startswith("\ufeff".encode())
        notes = downloads.notes(title=title, as_at=None, source=None)
        book = openpyxl.load_workbook(io.BytesIO(downloads.xlsx_bytes(table, notes=notes)))
        assert book.sheetnames == [downloads.sheet_name(title), "Notes"]
        assert book.worksheets[0].max_row == table.height + 1


def test_savings_lines_download_holds_exact_pounds(app_env, offered):
    run_page("pages/savings.py")
    lines = next(table for key, _, table in offered if key == "lines").values()
    assert str(lines.schema["Target"]).startswith("Decimal")
    assert str(lines.schema["As at"]) == "Date"
    split = next(table for key, _, table in offered if key == "brag-split-table")
    # the page reads money in £m ("£1.200m"); the file holds the pounds
    assert split.shown()["Target value"].str.contains(r"^£[\d.]+m$").any()
    assert split.values()["Target value"].sum() == 10_401_000


def test_plan_and_overview_downloads_hold_days_counts_and_uk_times(app_env, offered):
    import datetime as dt

    at = run_page("pages/improvement_plan.py", query={"area": "IP09"})
    assert not at.exception
    tracker = next(table for key, _, table in offered if key == "areas-table")
    values = tracker.values()
    assert values.schema["Last update"] == pl.Date
    assert values.schema["Milestones"] == values.schema["Overdue"] == pl.Int64
    assert tracker.shown()["Last update"][0] == formatting.day(values["Last update"][0])
    timeline = next(table for key, _, table in offered if key == "timeline-table")
    assert timeline.values().schema["Due"] == pl.Date
    history = next(table for key, _, table in offered if key == "history-areas-IP09")
    # the store keeps UTC; the page and the file say UK time
    assert history.columns[0].name == "When (UK time)"
    when = history.frame["When (UK time)"][0]
    uk = when.astimezone(ZoneInfo("Europe/London")).replace(tzinfo=None)
    assert history.values()["When (UK time)"][0] == uk
    assert history.shown()["When (UK time)"][0] == formatting.moment(when)
    assert isinstance(uk, dt.datetime)

    offered.clear()
    run_page("pages/overview.py")
    sources = next(table for key, _, table in offered if key == "sources")
    assert sources.values().schema["As at"] == pl.Date


def test_notes_sheet_names_the_as_at_day_of_the_view(app_env, monkeypatch):
    from datetime import date

    dated = []
    original = downloads.notes

    def record(**kwargs):
        dated.append(kwargs["as_at"])
        return original(**kwargs)

    monkeypatch.setattr(downloads, "notes", record)
    run_page("pages/improvement_plan.py", query={"as_at": "2024-03-31"})
    assert dated and set(dated) == {date(2024, 3, 31)}
    dated.clear()
    run_page("pages/improvement_plan.py")
    assert dated and set(dated) == {None}


def test_adults_downloads_hold_exact_pounds_where_the_page_reads_thousands(app_env, offered):
    from decimal import Decimal

    run_page("pages/younger_older_adults.py")
    by_year = next(table for key, _, table in offered if key == "savings-table")
    assert by_year.shown()["3 year total"].to_list() == ["2,349", "459", "2,808"]
    values = by_year.values()
    assert values.columns[0] == "Cohort"
    assert values["3 year total"].to_list() == [
        Decimal("2349000"),
        Decimal("459000"),
        Decimal("2808000"),
    ]
    parts = next(table for key, _, table in offered if key == "components").values()
    assert str(parts.schema["Amount"]).startswith("Decimal")
    assert parts["Amount"].null_count() == 3  # not published: empty, never £0
    posts = next(table for key, _, table in offered if key == "posts").values()
    assert posts["Cost"].to_list()[-1] == Decimal("578026")


def test_data_quality_downloads_hold_dates_and_every_check(app_env, offered):
    run_page("pages/data_quality.py")
    definitions = next(table for key, _, table in offered if key == "definitions").values()
    assert str(definitions.schema["Figures as at"]) == "Date"
    checks = next(table for key, _, table in offered if key == "findings")
    assert checks.height == 12


def _long_table_script():
    import polars as pl

    from dashboard.domain.table import Kind, Table
    from dashboard.ui import components

    frame = pl.DataFrame({"Line": [f"L{i}" for i in range(25)], "Target": list(range(25))})
    table = Table.of("Long", frame, {"Target": Kind.MONEY})
    components.table_with_downloads(table, key="long", limit=10)


def test_a_long_table_shows_its_first_rows_and_says_the_downloads_hold_every_row(app_env, offered):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_long_table_script, default_timeout=60)
    at.run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 10
    assert "25 rows; the first 10 are shown here." in at.caption[0].value
    assert [table.height for _, _, table in offered] == [25]
