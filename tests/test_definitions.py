"""Definitions registry and stale items."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl

from dashboard.domain import definitions
from dashboard.domain.ratings import Thresholds
from dashboard.domain.reconciliation import AGREES, DIFFERS, Finding, findings_table
from data_access.measures import MEASURES
from tests.pages_support import page_text, run_page, tables


def test_brag_definition_states_the_configured_thresholds():
    rule = next(
        d for d in definitions.registry(Thresholds(90, 70), MEASURES) if d.label == "BRAG rating"
    )
    assert "at least 90% of target; Amber when at least 70%" in rule.meaning


def test_definitions_table_reads_sources_and_dates_from_the_figures():
    backlog = pl.DataFrame(
        {
            "measure": ["waiting_review", "waiting_review", "waiting_ot_assessment"],
            "source": ["b.txt", "a.txt", "c.txt"],
            "as_at": [date(2023, 11, 30), date(2023, 10, 31), date(2023, 1, 1)],
            "loaded_at": [datetime(2024, 1, 2, tzinfo=UTC)] * 3,
        }
    )
    table = definitions.definitions_table(
        definitions.registry(Thresholds(), MEASURES), {"backlog": backlog}
    )
    shown = table.shown()
    row = shown.filter(pl.col("Measure") == "People waiting for a review").row(0, named=True)
    assert (row["Source"], row["Figures as at"], row["Last refreshed"]) == (
        "a.txt; b.txt",
        "30 Nov 2023",
        "2 Jan 2024",
    )
    dates = table.values().filter(pl.col("Measure") == "People waiting for a review")
    assert dates.select("Figures as at", "Last refreshed").row(0) == (
        date(2023, 11, 30),
        date(2024, 1, 2),
    )
    missing = shown.filter(pl.col("Measure") == "Funded posts").row(0, named=True)
    assert (missing["Source"], missing["Figures as at"]) == ("no figures loaded", "")


def test_stale_items_are_those_past_the_threshold():
    areas = pl.DataFrame(
        {
            "code": ["A", "B"],
            "title": ["a", "b"],
            "last_updated": [date(2024, 1, 1), None],
            "as_at": [date(2023, 1, 1), date(2024, 3, 1)],
        }
    )
    savings = pl.DataFrame(
        {"code": ["S", "S"], "title": ["s", "s"], "as_at": [date(2023, 12, 1), date(2024, 3, 30)]}
    )
    stale = definitions.stale_items(areas, savings, today=date(2024, 3, 31), after_days=30)
    assert stale.select("Code", "Last update", "Days since").rows() == [("A", date(2024, 1, 1), 90)]


def test_data_quality_page_shows_definitions_checks_and_stale_items(app_env):
    at = run_page("pages/data_quality.py")
    text = page_text(at)
    assert "12 checks: 3 need attention, 9 agree." in text
    assert "reported £12,620,000, parts give £12,570,000" in text
    definitions_table = tables(at)[0]
    assert "Overdue annual reviews" in list(definitions_table["Measure"])
    assert "no review in the last 12 months" in " ".join(definitions_table["What it means"])
    assert "items with no update for more than 90 days" in text


def test_definitions_table_names_the_first_sources_and_counts_the_rest():
    backlog = pl.DataFrame(
        {
            "measure": ["waiting_review"] * 7,
            "source": [f"council {i}.csv" for i in (6, 5, 4, 3, 2, 1, 0)],
            "as_at": [date(2025, 3, 31)] * 7,
            "loaded_at": [datetime(2025, 4, 2, tzinfo=UTC)] * 7,
        }
    )
    table = definitions.definitions_table(
        definitions.registry(Thresholds(), MEASURES), {"backlog": backlog}
    )
    frame = table.frame
    row = frame.filter(pl.col("Measure") == "People waiting for a review").row(0, named=True)
    assert row["Source"] == (
        "council 0.csv; council 1.csv; council 2.csv; council 3.csv; council 4.csv and 2 more"
    )


def _finding(i: int) -> Finding:
    """Check ``i``: every third agrees; sources cycle through four councils."""
    agrees = i % 3 == 0
    return Finding(
        code=f"P{i:03d}",
        check="post cost",
        label=f"Post {i:03d} cost",
        reported=10_000,
        computed=10_000 if agrees else 9_000,
        unit="money",
        status=AGREES if agrees else DIFFERS,
        source=f"council {i % 4}.csv",
        explanation="1 FTE x £100",
    )


def test_checks_filter_by_what_needs_attention_and_by_text():
    table = findings_table([_finding(i) for i in range(1, 121)])
    assert definitions.checks(table, show=None, text=None).height == 120
    attention = definitions.checks(table, show=definitions.NEED_ATTENTION, text=None)
    assert attention.height == 80 and set(attention.frame["status"]) == {DIFFERS}
    agree = definitions.checks(table, show=definitions.AGREE, text="COUNCIL 1")
    assert agree.frame["figure"].to_list() == [f"Post {i:03d} cost" for i in range(9, 121, 12)]
    assert definitions.checks(table, show=None, text="post 007").frame["figure"].to_list() == [
        "Post 007 cost"
    ]
    assert agree.title == table.title and agree.columns == table.columns


def test_only_the_first_warnings_are_shown():
    assert definitions.more_warnings(definitions.SHOWN_WARNINGS) is None
    assert definitions.more_warnings(3_089) == (
        "The first 10 checks that need attention are shown above; the other 3,079 are in the "
        "table below."
    )


def _stale(count: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "Kind": [definitions.AREA if i % 2 else definitions.LINE for i in range(count)],
            "Code": [f"C{i:03d}" for i in range(count)],
            "Title": [f"Item {i}" for i in range(count)],
            "Last update": [date(2024, 1, 1)] * count,
            "Days since": [400] * count,
        }
    )


def test_stale_items_filter_by_kind_and_text():
    stale = _stale(60)
    assert definitions.stale_shown(stale, kind=None, text="").height == 60
    lines = definitions.stale_shown(stale, kind=definitions.LINE, text=None)
    assert lines.height == 30 and set(lines["Kind"]) == {definitions.LINE}
    assert definitions.stale_shown(stale, kind=None, text="item 42")["Code"].to_list() == ["C042"]


def test_data_quality_page_lists_short_lists_whole_without_filters(app_env):
    at = run_page("pages/data_quality.py")
    assert len(at.warning) == 3 and len(tables(at)[1]) == 12
    assert not at.selectbox and not at.text_input
    assert "the first 50 are shown" not in page_text(at)


def test_data_quality_page_shows_the_first_of_long_lists_with_filters(app_env, monkeypatch):
    from dashboard.ui import data

    monkeypatch.setattr(data, "_findings", lambda reads: [_finding(i) for i in range(1, 121)])
    monkeypatch.setattr(definitions, "stale_items", lambda *args, **kwargs: _stale(60))
    at = run_page("pages/data_quality.py")
    text = page_text(at)
    assert "120 checks: 80 need attention, 40 agree." in text
    assert len(at.warning) == definitions.SHOWN_WARNINGS
    assert "the other 70 are in the table below." in text
    assert "120 checks; the first 50 are shown. The downloads hold all of them." in text
    assert (
        "60 items with no update for more than 90 days (30 savings lines, 30 accountability "
        "areas); the first 50 are shown." in text
    )
    assert [len(t) for t in tables(at)[1:]] == [50, 50]
    at.selectbox(key="checks").select(definitions.AGREE).run()
    assert "40 checks." in page_text(at)
    at.selectbox(key="kind").select(definitions.LINE).run()
    assert "30 items with no update for more than 90 days (30 savings lines)." in page_text(at)


def test_data_quality_filters_come_from_the_url(app_env, monkeypatch):
    from dashboard.ui import data

    monkeypatch.setattr(data, "_findings", lambda reads: [_finding(i) for i in range(1, 121)])
    monkeypatch.setattr(definitions, "stale_items", lambda *args, **kwargs: _stale(60))
    at = run_page(
        "pages/data_quality.py",
        query={"checks": definitions.NEED_ATTENTION, "find_check": "council 1", "find_item": "C04"},
    )
    text = page_text(at)
    assert "20 checks." in text
    assert set(tables(at)[1]["status"]) == {DIFFERS}
    assert tables(at)[2]["Code"].to_list() == [f"C04{i}" for i in range(10)]


def test_data_quality_page_counts_one_check_in_the_singular(app_env, monkeypatch):
    """Bug (issue 10): the page said "1 checks: 1 need attention, 0 agree." while the
    savings pages' summary of the same count said "1 published figure checked"."""
    from dashboard.ui import data

    monkeypatch.setattr(data, "_findings", lambda reads: [_finding(1)])
    text = page_text(run_page("pages/data_quality.py"))
    assert "1 check: 1 needs attention, 0 agree." in text
