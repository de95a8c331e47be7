"""Definitions registry and stale items."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl

from dashboard import definitions
from dashboard.ratings import Thresholds
from tests.pages_support import page_text, run_page, tables


def test_brag_definition_states_the_configured_thresholds():
    rule = next(d for d in definitions.registry(Thresholds(90, 70)) if d.label == "BRAG rating")
    assert "at least 90% of target; Amber when at least 70%" in rule.meaning


def test_definitions_table_reads_sources_and_dates_from_the_figures():
    backlog = pl.DataFrame({
        "measure": ["waiting_review", "waiting_review", "waiting_ot_assessment"],
        "source": ["b.txt", "a.txt", "c.txt"],
        "as_at": [date(2023, 11, 30), date(2023, 10, 31), date(2023, 1, 1)],
        "loaded_at": [datetime(2024, 1, 2, tzinfo=UTC)] * 3,
    })
    table = definitions.definitions_table(definitions.registry(Thresholds()), {"backlog": backlog})
    row = table.filter(pl.col("Measure") == "People waiting for a review").row(0, named=True)
    assert (row["Source"], row["Figures as at"], row["Last refreshed"]) == (
        "a.txt; b.txt", "30 Nov 2023", "2 Jan 2024")
    missing = table.filter(pl.col("Measure") == "Funded posts").row(0, named=True)
    assert missing["Source"] == "no figures loaded"


def test_stale_items_are_those_past_the_threshold():
    areas = pl.DataFrame({"code": ["A", "B"], "title": ["a", "b"],
                          "last_updated": [date(2024, 1, 1), None],
                          "as_at": [date(2023, 1, 1), date(2024, 3, 1)]})
    savings = pl.DataFrame({"code": ["S", "S"], "title": ["s", "s"],
                            "as_at": [date(2023, 12, 1), date(2024, 3, 30)]})
    stale = definitions.stale_items(areas, savings, today=date(2024, 3, 31), after_days=30)
    assert stale.select("Code", "Last update", "Days since").rows() == [("A", "1 Jan 2024", 90)]


def test_data_quality_page_shows_definitions_checks_and_stale_items(app_env):
    at = run_page("pages/data_quality.py")
    text = page_text(at)
    assert "12 checks: 3 need attention, 9 agree." in text
    assert "reported £12,620,000, parts give £12,570,000" in text
    definitions_table = tables(at)[0]
    assert "Overdue annual reviews" in list(definitions_table["Measure"])
    assert "no review in the last 12 months" in " ".join(definitions_table["What it means"])
    assert "items with no update for more than 90 days" in text
