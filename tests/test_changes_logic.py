"""What changed since the last meeting, worked out from audit events alone."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import polars as pl
import pytest

from dashboard.domain import changes
from dashboard.domain.changes import changes_summary, changes_table
from dashboard.domain.history import changed_fields, changes_after, history_table
from data_access.measures import BACKLOG, LOCAL, MEASURES, MeasureInfo, Registry
from data_access.statuses import read_entries
from data_access.vocab import DEFAULT_MILESTONE_STATUSES

DEFAULTS = list(DEFAULT_MILESTONE_STATUSES)
WHEN = datetime(2024, 4, 2, 10, 30, tzinfo=UTC)


def changes_since(events: pl.DataFrame, *, measures: Registry = MEASURES, **given):
    """``changes.changes_since`` with the built-in measures unless a test names others."""
    return changes.changes_since(events, measures=measures, **given)


def _events(*rows) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "id": i,
                "occurred_at": WHEN.replace(minute=i),
                "actor": actor,
                "action": "edit:update" if before else "import:insert",
                "dataset": dataset,
                "entity_key": key,
                "before": json.dumps(before) if before else None,
                "after": json.dumps(after),
                "reason": None,
            }
            for i, (dataset, key, before, after, actor) in enumerate(rows, start=1)
        ]
    )


AREA = {
    "code": "IP09",
    "title": "Reviews",
    "rag": "Amber",
    "status": "In progress",
    "commentary": "ok",
    "version": 1,
}
YEAR = {
    "line_code": "S1",
    "financial_year": "2024/25",
    "target_pence": 100_000,
    "forecast_pence": 96_000,
    "delivered_pence": None,
    "version": 1,
}


def test_a_rating_that_went_red_is_a_new_red_item_with_what_else_changed():
    red = {**AREA, "rag": "Red", "commentary": "late", "version": 2}
    [change] = changes_since(_events(("areas", "IP09", AREA, red, "jo@council.gov.uk")))
    assert (change.kind, change.what, change.by) == (
        "New red item",
        "RAG Amber → Red; commentary updated",
        "jo@council.gov.uk",
    )


def test_several_changes_to_one_item_count_from_the_meeting_state_to_now():
    red = {**AREA, "rag": "Red", "version": 2}
    back = {**AREA, "version": 3}
    events = _events(("areas", "IP09", AREA, red, "a"), ("areas", "IP09", red, back, "b"))
    assert changes_since(events) == []


def test_a_figure_first_reported_reads_as_not_published_before_as_every_missing_figure_does():
    reported = {**YEAR, "delivered_pence": 50_000, "version": 2}
    [change] = changes_since(_events(("savings_years", "S1|2024/25", YEAR, reported, "a")))
    assert change.what.endswith("delivered not published → £500")


def test_a_forecast_cut_is_restated_and_moves_the_rule_rating():
    cut = {**YEAR, "forecast_pence": 70_000, "version": 2}
    [change] = changes_since(_events(("savings_years", "S1|2024/25", YEAR, cut, "a")))
    assert change.kind == "New red item"
    assert change.what == "BRAG by rule Green → Red; forecast £960 → £700"


def test_a_later_due_date_is_a_slipped_milestone():
    before = {
        "code": "M1",
        "title": "Go live",
        "status": "In progress",
        "due_date": "2024-03-31",
        "version": 1,
    }
    after = {**before, "due_date": "2024-06-30", "version": 2}
    [change] = changes_since(_events(("milestones", "M1", before, after, "a")))
    assert (change.kind, change.what) == ("Milestone slipped", "due 31 Mar 2024 → 30 Jun 2024")


MILESTONE = {
    "code": "M1",
    "title": "Go live",
    "status": "In progress",
    "due_date": "2024-03-31",
    "version": 1,
}


@pytest.mark.parametrize(
    ("lines", "status", "kind", "what"),
    [
        (DEFAULTS, "Slipped", "Milestone slipped", "status In progress → Slipped"),
        (
            ["In progress", "Running late: slipped", "Done: complete"],
            "Running late",
            "Milestone slipped",
            "status In progress → Running late",
        ),
        (
            ["In progress", "Slipped: open", "Done: complete"],
            "Slipped",
            "Other update",
            "status In progress → Slipped",
        ),
    ],
)
def test_a_milestone_slips_when_its_new_status_means_slipped(lines, status, kind, what):
    statuses, _ = read_entries(lines)
    after = {**MILESTONE, "status": status, "version": 2}
    events = _events(("milestones", "M1", MILESTONE, after, "a"))
    [change] = changes_since(events, milestone_statuses=statuses)
    assert (change.kind, change.what) == (kind, what)


def test_new_monthly_figures_are_counted_per_month_not_listed():
    rows = [
        (
            "backlog",
            f"waiting_review|2024-04-01|T{i}|All bands",
            None,
            {
                "measure": "waiting_review",
                "month": "2024-04-01",
                "team": f"T{i}",
                "priority_band": "All bands",
                "value": i,
                "version": 1,
            },
            "a",
        )
        for i in range(30)
    ]
    [change] = changes_since(_events(*rows))
    assert (change.kind, change.item, change.what) == (
        "New figures",
        "Backlog, Apr 2024",
        "30 new monthly figures",
    )


def test_an_area_loaded_then_turned_red_by_an_officer_says_its_rating_moved():
    """The load created it Amber; an officer then set it Red: the list says what happened to
    it, and the load's new areas are counted, by the load."""
    red = {**AREA, "rag": "Red", "version": 2}
    other = {**AREA, "code": "IP10", "title": "Carers"}
    events = _events(
        ("areas", "IP09", None, AREA, "system:load"),
        ("areas", "IP10", None, other, "system:load"),
        ("areas", "IP09", AREA, red, "jo@council.gov.uk"),
    )
    assert [(c.kind, c.item, c.what, c.by) for c in changes_since(events)] == [
        ("New red item", "Area IP09: Reviews", "RAG Amber → Red", "jo@council.gov.uk"),
        ("New figures", "Accountability areas", "2 new", "system:load"),
    ]


def test_an_area_that_arrives_red_is_listed_as_new_and_rated_red():
    red = {**AREA, "rag": "Red"}
    events = _events(("areas", "IP09", None, red, "system:load"))
    assert [(c.kind, c.what) for c in changes_since(events)] == [
        ("New red item", "new accountability area, rated Red"),
        ("New figures", "1 new"),
    ]


def test_the_summary_counts_each_kind_in_words_that_agree():
    red = {**AREA, "rag": "Red", "version": 2}
    events = _events(
        ("areas", "IP09", AREA, red, "a"),
        ("areas", "IP10", None, {**AREA, "code": "IP10"}, "a"),
        ("committee_actions", "A1", None, {"code": "A1", "status": "Open"}, "a"),
        ("areas", "IP11", {**AREA, "code": "IP11"}, {**AREA, "code": "IP11", "status": "X"}, "a"),
    )
    found = changes_since(events)
    assert changes_summary(found, datetime(2024, 3, 12).date()) == (
        "4 changes since the meeting on 12 Mar 2024: 1 new red item, 2 sets of new figures, "
        "1 other update."
    )


def test_summary_and_table():
    red = {**AREA, "rag": "Red", "version": 2}
    changes = changes_since(_events(("areas", "IP09", AREA, red, "a")))
    assert changes_summary(changes, datetime(2024, 3, 12).date()) == (
        "1 change since the meeting on 12 Mar 2024: 1 new red item."
    )
    assert changes_summary([], None) == "Nothing has changed so far."
    # 10:01 UTC is 11:01 in the UK (summer time); a download holds the UK time too
    table = changes_table(changes)
    assert table.shown()["When (UK time)"].to_list() == ["2 Apr 2024 11:01"]
    assert table.values()["When (UK time)"].to_list() == [datetime(2024, 4, 2, 11, 1)]


def test_history_in_words_leaves_bookkeeping_out():
    after = {**AREA, "rag": "Red", "version": 2, "loaded_at": "x", "source": "y"}
    assert changed_fields(AREA, after) == ["rag: Amber → Red"]
    events = _events(("areas", "IP09", None, AREA, "a"), ("areas", "IP09", AREA, after, "b"))
    table = history_table(events).shown()
    assert table["What changed"].to_list() == ["rag: Amber → Red", "created"]
    assert table["When (UK time)"].to_list() == ["2 Apr 2024 11:02", "2 Apr 2024 11:01"]
    assert changes_after(events, 1) == ["b at 2 Apr 2024 11:02 UK time: rag: Amber → Red"]


CARERS = MeasureInfo(
    "carers_assessed",
    "Carers assessed",
    "Carers assessed.",
    "people",
    True,
    "s",
    "o",
    LOCAL,
    BACKLOG,
)


def test_a_restated_figure_of_an_added_measure_is_named_by_its_label_never_its_code():
    figure = {
        "measure": "carers_assessed",
        "month": "2024-03-01",
        "team": "All teams",
        "priority_band": "All priorities",
        "value": 47,
        "version": 1,
    }
    restated = {**figure, "value": 52, "version": 2}
    events = _events(("backlog", "carers_assessed|2024-03-01", figure, restated, "a"))
    added = Registry.with_rows(MEASURES, [CARERS])
    [change] = changes_since(events, measures=added)
    assert (change.kind, change.item, change.what) == (
        "Figure restated",
        "Carers assessed, Mar 2024, All teams, All priorities",
        "47 → 52",
    )
    # a measure not in force (none is ever removed) reads as plain words, not its code
    [change] = changes_since(events)
    assert "carers_assessed" not in change.item
