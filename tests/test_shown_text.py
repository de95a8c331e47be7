"""The words tables write for figures, pinned exactly: dates, money, counts and labels, with
missing values, empty frames and frames held in several chunks (as ``pl.concat`` leaves them).

These functions formatted with Python callbacks inside polars until issue 9; the text they
write must not change with how it is computed.
"""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from dashboard.domain import adults, backlog, definitions, plan, savings
from dashboard.domain.disclosure import EXACT, NHS_ENGLAND, DisclosureRule
from dashboard.domain.plan import actions_table
from data_access.datasets import REPORTED
from data_access.measures import MEASURES
from data_access.sample_data import load_sample_data
from data_access.text_columns import text_per_value

SHAPES = ("one chunk", "several chunks")


def shaped(frame: pl.DataFrame, shape: str) -> pl.DataFrame:
    """``frame`` as one chunk, or as a chunk per row (polars may merge a few of them)."""
    if shape == "one chunk" or frame.height < 2:
        return frame.rechunk()
    parts = pl.concat([frame.slice(i, 1) for i in range(frame.height)], rechunk=False)
    assert max(parts.n_chunks("all")) > 1
    return parts


# the one way text is made from values --------------------------------------------------------


@pytest.mark.parametrize(
    ("skip_nulls", "expected"),
    [(True, ["<3>", "<1>", "<3>", None, "<1>"]), (False, ["<3>", "<1>", "<3>", "<None>", "<1>"])],
)
def test_text_per_value_calls_python_once_per_distinct_value_on_the_calling_thread(
    skip_nulls, expected
):
    calls = []

    def show(value):
        calls.append((value, threading.get_ident()))
        return f"<{value}>"

    frame = shaped(pl.DataFrame({"n": [3, 1, 3, None, 1]}), "several chunks")
    shown = frame.select(text_per_value(frame, "n", show, skip_nulls=skip_nulls))
    assert shown["n"].to_list() == expected
    # never on polars' thread pool, where a Python function waits for the GIL (issue 9)
    here = threading.get_ident()
    assert sorted(calls, key=str) == sorted(
        [(1, here), (3, here)] + ([] if skip_nulls else [(None, here)]), key=str
    )


# improvement plan -------------------------------------------------------------------------------

AREAS = pl.DataFrame(
    {
        "code": ["A", "B", "C", "D", "E"],
        "title": ["a", "b", "c", "d", "e"],
        "status": ["In progress"] * 5,
        "rag": ["Green", "Amber", "Red", "Not rated", None],
        "lead": ["X"] * 5,
        "last_updated": [date(2024, 3, 5), date(2024, 12, 31), None, date(2023, 1, 1), None],
        "milestones": [0] * 5,
        "overdue": [0] * 5,
        "commentary": [None] * 5,
    },
    schema_overrides={"commentary": pl.String},
)


@pytest.mark.parametrize("shape", SHAPES)
def test_tracker_table_writes_ratings_in_words_and_days_without_leading_zeros(shape):
    table = plan.tracker_table(shaped(AREAS, shape)).shown()
    assert table.select("Area", "RAG", "Last update").rows() == [
        ("A", "● Green: on track", "5 Mar 2024"),
        ("B", "▲ Amber: some concerns", "31 Dec 2024"),
        ("C", "■ Red: off track", ""),
        ("D", "○ Not rated: not rated yet", "1 Jan 2023"),
        ("E", "○ Not rated: not rated yet", ""),
    ]
    assert table.schema["RAG"] == table.schema["Last update"] == pl.String


def test_tracker_table_of_no_areas_is_empty_with_text_columns():
    table = plan.tracker_table(AREAS.clear()).shown()
    assert table.height == 0
    assert (table.schema["RAG"], table.schema["Last update"]) == (pl.String, pl.String)


MILESTONES = pl.DataFrame(
    {
        "code": ["M1", "M2", "M3", "M4"],
        "area_code": ["A"] * 4,
        "title": ["m1", "m2", "m3", "m4"],
        "owner": ["o"] * 4,
        "due_date": [date(2024, 4, 9), None, date(2024, 1, 1), date(2024, 2, 29)],
        "status": ["Not started", "In progress", "Complete", "Slipped"],
        "completed_date": [None, None, date(2024, 1, 2), None],
        "evidence": [None] * 4,
    },
    schema_overrides={"evidence": pl.String},
)


@pytest.mark.parametrize("shape", SHAPES)
def test_milestone_table_writes_due_and_completed_days(shape):
    table = plan.milestone_table(shaped(MILESTONES, shape), date(2024, 3, 31))
    assert table.shown().select("Milestone", "Due", "Overdue", "Completed").rows() == [
        ("m3", "1 Jan 2024", "", "2 Jan 2024"),
        ("m4", "29 Feb 2024", "⚠ Overdue", ""),
        ("m1", "9 Apr 2024", "", ""),
        ("m2", "", "", ""),
    ]
    # the file holds the days themselves
    assert table.values()["Due"].to_list() == [
        date(2024, 1, 1),
        date(2024, 2, 29),
        date(2024, 4, 9),
        None,
    ]


def test_milestone_table_of_no_milestones_is_empty_with_text_columns():
    table = plan.milestone_table(MILESTONES.clear(), date(2024, 3, 31)).shown()
    assert (table.height, table.schema["Due"], table.schema["Completed"]) == (
        0,
        pl.String,
        pl.String,
    )


# stale items ------------------------------------------------------------------------------------


def _stale_inputs():
    areas = pl.DataFrame(
        {
            "code": ["A", "B", "C"],
            "title": ["a", "b", "c"],
            "last_updated": [date(2024, 1, 9), None, date(2024, 3, 30)],
            "as_at": [date(2024, 3, 31), date(2023, 11, 5), date(2024, 3, 31)],
        }
    )
    savings_rows = pl.DataFrame(
        {
            "code": ["L1", "L1", "L2"],
            "title": ["l1", "l1", "l2"],
            "as_at": [date(2023, 6, 1), date(2023, 7, 4), date(2024, 3, 31)],
        }
    )
    return areas, savings_rows


@pytest.mark.parametrize("shape", SHAPES)
def test_stale_items_write_the_last_update_as_a_day(shape):
    areas, savings_rows = _stale_inputs()
    stale = definitions.stale_items(
        shaped(areas, shape), shaped(savings_rows, shape), today=date(2024, 3, 31), after_days=30
    )
    table = definitions.stale_table(stale)
    assert table.shown().select("Code", "Last update", "Days since").rows() == [
        ("L1", "4 Jul 2023", "271"),
        ("B", "5 Nov 2023", "147"),
        ("A", "9 Jan 2024", "82"),
    ]
    assert table.values().select("Last update", "Days since").row(0) == (date(2023, 7, 4), 271)


def test_no_stale_items_is_an_empty_table_of_days():
    areas, savings_rows = _stale_inputs()
    stale = definitions.stale_items(areas, savings_rows, today=date(2023, 1, 1), after_days=30)
    table = definitions.stale_table(stale)
    assert (table.height, table.column("Last update").kind) == (0, "date")
    assert table.shown().schema["Last update"] == pl.String


# committee actions (briefing pack) --------------------------------------------------------------

ACTIONS = pl.DataFrame(
    {
        "meeting_date": [date(2024, 3, 12), date(2024, 3, 12), date(2023, 10, 3)],
        "committee": ["Adults"] * 3,
        "code": ["R2", "R1", "R0"],
        "kind": ["action", "resolution", "action"],
        "text": ["t2", "t1", "t0"],
        "owner": [None, "Director", "Officer"],
        "due_date": [None, date(2024, 6, 30), date(2024, 1, 7)],
        "status": ["Open", "Open", "Closed"],
    }
)


@pytest.mark.parametrize("shape", SHAPES)
def test_actions_table_writes_meeting_and_due_days_and_no_due_date_as_blank(shape):
    table = actions_table(shaped(ACTIONS, shape)).shown()
    assert table.select("Meeting", "Ref", "Kind", "Owner", "Due").rows() == [
        ("3 Oct 2023", "R0", "Action", "Officer", "7 Jan 2024"),
        ("12 Mar 2024", "R1", "Resolution", "Director", "30 Jun 2024"),
        ("12 Mar 2024", "R2", "Action", "", ""),
    ]


def test_actions_table_of_no_actions_is_empty_with_text_columns():
    table = actions_table(ACTIONS.clear()).shown()
    assert (table.height, table.schema["Meeting"], table.schema["Due"]) == (0, pl.String, pl.String)


# backlog ----------------------------------------------------------------------------------------

LONG = pl.DataFrame(
    {
        "month": [date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1), date(2024, 3, 1)],
        "series": ["Overdue reviews", "Overdue reviews", "Overdue reviews", "Target"],
        "value": [1_234_567, 4, None, 5],
        "basis": ["published", "modelled", "published", "target"],
    }
)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(
    ("rule", "counts"),
    [
        (EXACT, ["1,234,567", "4", "not published", "5"]),
        (DisclosureRule(5, 1), ["1,234,567", "fewer than 5", "not published", "5"]),
        (NHS_ENGLAND, ["1,234,565", "fewer than 8", "not published", "fewer than 8"]),
        (
            DisclosureRule(1_000, 1),
            ["1,234,567", "fewer than 1,000", "not published", "fewer than 1,000"],
        ),
    ],
)
def test_backlog_chart_table_writes_months_and_suppresses_small_counts(shape, rule, counts):
    table = backlog._long_table(shaped(LONG, shape), rule)
    shown = table.shown()
    assert shown.columns == ["Month", "Figure", "Count", "Basis"]
    assert shown["Month"].to_list() == ["Jan 2024", "Feb 2024", "Mar 2024", "Mar 2024"]
    assert shown["Count"].to_list() == counts
    # a file holds the months as dates and the counts as numbers, suppressed ones left empty
    held = table.values()
    assert held["Month"].to_list() == LONG["month"].to_list()
    assert held["Count"].to_list() == [
        None if c.startswith(("fewer", "not")) else int(c.replace(",", "")) for c in counts
    ]


def test_backlog_chart_table_of_no_months_is_empty_with_text_columns():
    table = backlog._long_table(LONG.clear(), NHS_ENGLAND).shown()
    assert (table.height, table.schema["Month"], table.schema["Count"]) == (0, pl.String, pl.String)


def _team_rows(values: list[int]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "measure": ["overdue_annual_reviews"] * len(values),
            "team": [f"Team {i}" for i in range(len(values))],
            "priority_band": ["High"] * len(values),
            "month": [date(2024, 3, 1)] * len(values),
            "value": values,
            "basis": ["published"] * len(values),
        }
    )


@pytest.mark.parametrize("shape", SHAPES)
def test_breakdown_table_suppresses_small_counts(shape):
    rows = shaped(_team_rows([2, 12_000, 7]), shape)
    split = backlog.breakdown(
        rows, "overdue_annual_reviews", team=None, band=None, rule=NHS_ENGLAND, measures=MEASURES
    )
    # members: Team 0's 2 and Team 2's 7 are suppressed (NHS England's rule, 8), never 0
    assert split.table.values()["Count"].to_list() == [None, 12_000, None]
    assert split.table.shown().select("Team", "Count").rows() == [
        ("Team 0", "fewer than 8"),
        ("Team 1", "12,000"),
        ("Team 2", "fewer than 8"),
    ]
    assert split.table.note.startswith("Counts of people are rounded to the nearest 5")


# younger and older adults -----------------------------------------------------------------------

COHORT_YEARS = pl.DataFrame(
    {
        "row": ["Younger adults", "Older adults", "Total of savings"],
        "2018/19": [150_000_000, None, 150_000_000],
        "2019/20": [74_949_999, 13_000_050, 87_950_049],
        "total": [224_949_999, -13_000_050, 211_949_949],
    }
)


@pytest.mark.parametrize("shape", SHAPES)
def test_adults_savings_table_in_thousands_exact_to_the_penny_and_missing_not_published(shape):
    table = adults.savings_table(shaped(COHORT_YEARS, shape))
    # never rounded: a column keeps the places its finest amount needs (£749,499.99 is not 749)
    assert table.shown().rows() == [
        ("Younger adults", "1,500", "749.49999", "2,249.49999"),
        ("Older adults", "not published", "130.00050", "-130.00050"),
        ("Total of savings", "1,500", "879.50049", "2,119.49949"),
    ]
    assert table.values()["2019/20"].to_list() == [
        Decimal("749499.99"),
        Decimal("130000.50"),
        Decimal("879500.49"),
    ]


@pytest.mark.parametrize("shape", SHAPES)
def test_adults_chart_plots_exact_thousands_and_leaves_missing_years_out(shape):
    figure = adults.savings_figure(shaped(COHORT_YEARS, shape))
    plotted = {trace.name: list(trace.y) for trace in figure.data}
    assert plotted == {"Younger adults": [1500.0, 749.49999], "Older adults": [None, 130.0005]}


def _components_inputs():
    lines = pl.DataFrame(
        {
            "code": ["YA", "OA"],
            "workstream": ["W", "W"],
            "cohort": ["younger", "older"],
            "financial_year": ["2018/19", "2018/19"],
            "title": ["young line", "old line"],
            "target_pence": [200_000_000, 100],
        }
    )
    components = pl.DataFrame(
        {
            "code": ["YA-1", "YA-2", "OA-1"],
            "line_code": ["YA", "YA", "OA"],
            "title": ["c1", "c2", "c3"],
            "amount_pence": [190_050_000, None, 49_999],
            "source": ["p"] * 3,
        }
    )
    return components, lines


@pytest.mark.parametrize("shape", SHAPES)
def test_adults_components_table_writes_cohorts_and_thousands(shape):
    components, lines = _components_inputs()
    table = adults.components_table(shaped(components, shape), shaped(lines, shape), "W")
    assert table.shown().select("Cohort", "Component", "£000s").rows() == [
        ("Younger adults", "c1", "1,900.50000"),
        ("Younger adults", "c2", "not published"),
        ("Older adults", "c3", "0.49999"),
    ]
    data = table.values()
    assert data["Cohort"].to_list() == ["Younger adults", "Younger adults", "Older adults"]
    assert data["Amount"].to_list() == [Decimal("1900500"), None, Decimal("499.99")]


def test_adults_components_of_no_components_is_empty_with_text_columns():
    components, lines = _components_inputs()
    table = adults.components_table(components.clear(), lines, "W")
    shown = table.shown()
    assert (table.height, shown.schema["Cohort"], shown.schema["£000s"]) == (
        0,
        pl.String,
        pl.String,
    )


# savings totals ---------------------------------------------------------------------------------

SUMS = pl.DataFrame(
    {
        "cohort": ["all-age", "older", "younger", "unknown", None, "Total"],
        "target_pence": [129_300_000, 100_000_000, 150, -150, 0, 99_999_999],
        "forecast_pence": [None, 129_500_000, 42_900_000, None, 5, 229_449_999],
        "delivered_pence": [None, None, None, None, None, None],
        "entries": [1, 2, 3, 4, 5, 15],
        "reported": [0, 1, 2, 0, 1, 4],
        # the target of the entries reporting a forecast, and a delivered figure
        "forecasting": [0, 100_000_000, 150, 0, 0, 100_000_150],
        "delivering": [0, 0, 0, 0, 0, 0],
    },
    schema_overrides={"delivered_pence": pl.Int64, "entries": pl.UInt32, "reported": pl.UInt32},
)


@pytest.mark.parametrize("shape", SHAPES)
def test_savings_totals_table_writes_cohorts_and_money_in_words(shape):
    table = savings.totals_table(shaped(SUMS, shape), "cohort", "Cohort").shown()
    missing = "not published"
    # every amount exact: £1,293,000 is £1.293m and the column's £m figures take three places;
    # £2,294,499.99 is finer than £m can say, so it is written in full
    assert table.rows() == [
        ("All ages", "£1.293m", missing, missing, missing, missing, "0 of 1"),
        ("Older adults", "£1.000m", "£1.295m", "129.5%", missing, missing, "1 of 2"),
        ("Younger adults", "£1.50", "£429,000", "28,600,000.0%", missing, missing, "2 of 3"),
        ("unknown", "-£1.50", missing, missing, missing, missing, "0 of 4"),
        (None, "£0", "£0.05", missing, missing, missing, "1 of 5"),
        ("Total", "£999,999.99", "£2,294,499.99", "229.4%", missing, missing, "4 of 15"),
    ]


def test_savings_totals_table_by_year_keeps_the_year_as_written():
    sums = SUMS.with_columns(financial_year=pl.Series(["2023/24", "2024/25"] * 3)).drop("cohort")
    table = savings.totals_table(sums, "financial_year", "Year").shown()
    assert table["Year"].to_list() == ["2023/24", "2024/25"] * 3


def test_savings_totals_table_of_nothing_is_empty_with_text_columns():
    table = savings.totals_table(SUMS.clear(), "cohort", "Cohort").shown()
    assert table.height == 0
    assert set(table.schema.values()) == {pl.String}


# reported totals export -------------------------------------------------------------------------


def test_reported_totals_export_writes_each_scope_as_sorted_key_value_text(sqlite_store):
    assert REPORTED.export(sqlite_store, None).schema["scope"] == pl.String
    load_sample_data(sqlite_store)
    exported = REPORTED.export(sqlite_store, None)
    scopes = dict(exported.select("code", "scope").iter_rows())
    assert scopes["RT-NCC-YA"] == "line_code=NCC-YA"
    assert scopes["RT-NCC-1819"] == (
        "financial_year=2018/19; "
        "workstream=Care and support planning best practice (Nottinghamshire 2017)"
    )
    assert scopes["RT-NCC-CCO"] == "post_code=NCC-P05"
