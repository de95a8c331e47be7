"""Improvement plan logic on small literal frames."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from dashboard.domain import plan
from data_access.statuses import read_entries

TODAY = date(2024, 3, 31)


def _milestones(*rows):
    return pl.DataFrame(
        [
            {
                "code": f"M{i}",
                "area_code": a,
                "title": f"m{i}",
                "owner": "o",
                "due_date": due,
                "status": status,
                "completed_date": None,
                "evidence": None,
            }
            for i, (a, due, status) in enumerate(rows)
        ],
        schema={
            "code": pl.String,
            "area_code": pl.String,
            "title": pl.String,
            "owner": pl.String,
            "due_date": pl.Date,
            "status": pl.String,
            "completed_date": pl.Date,
            "evidence": pl.String,
        },
    )


@pytest.mark.parametrize(
    ("due", "status", "overdue"),
    [
        (date(2024, 3, 30), "In progress", True),
        (date(2024, 3, 31), "In progress", False),  # due today is not yet overdue
        (date(2024, 4, 1), "Not started", False),
        (date(2024, 1, 1), "Complete", False),
        (date(2024, 1, 1), "Cancelled", False),
        (date(2024, 1, 1), "Slipped", True),
        (None, "In progress", False),
    ],
)
def test_overdue_means_past_due_and_not_closed(due, status, overdue):
    flagged = plan.milestones_with_flags(_milestones(("A", due, status)), TODAY)
    assert flagged["overdue"].to_list() == [overdue]


def _areas():
    return pl.DataFrame(
        {
            "code": ["A", "B", "C"],
            "title": ["a", "b", "c"],
            "status": ["Routine activity", "In progress", "In progress"],
            "rag": ["Green", "Red", None],
            "lead": ["X", "Y", "Y"],
            "last_updated": [TODAY, TODAY, None],
            "commentary": ["c", None, None],
        }
    )


def test_area_rows_count_milestones_and_overdue():
    rows = plan.area_rows(
        _areas(),
        _milestones(("A", date(2024, 1, 1), "In progress"), ("A", date(2024, 6, 1), "Not started")),
        TODAY,
    )
    assert rows.select("code", "milestones", "overdue", "rag").rows() == [
        ("A", 2, 1, "Green"),
        ("B", 0, 0, "Red"),
        ("C", 0, 0, "Not rated"),
    ]


@pytest.mark.parametrize(
    ("status", "rag", "lead", "codes"),
    [
        (None, None, None, ["A", "B", "C"]),
        ("In progress", None, None, ["B", "C"]),
        (None, "Red", None, ["B"]),
        (None, None, "Y", ["B", "C"]),
        ("In progress", "Green", None, []),
    ],
)
def test_filters_combine(status, rag, lead, codes):
    rows = plan.area_rows(_areas(), _milestones(), TODAY)
    assert plan.filter_areas(rows, status=status, rag=rag, lead=lead)["code"].to_list() == codes


def test_tracker_table_says_the_rating_in_words():
    table = plan.tracker_table(plan.area_rows(_areas(), _milestones(), TODAY))
    assert table.shown()["RAG"].to_list() == [
        "● Green: on track",
        "■ Red: off track",
        "○ Not rated: not rated yet",
    ]
    assert table.shown()["Last update"].to_list() == ["31 Mar 2024", "31 Mar 2024", ""]
    # a download holds the day itself, the counts as numbers and the rating in words
    values = table.values()
    assert values["Last update"].to_list() == [TODAY, TODAY, None]
    assert values.schema["Milestones"] == values.schema["Overdue"] == pl.Int64
    assert values["RAG"].to_list() == table.shown()["RAG"].to_list()


def test_rag_counts_in_severity_order():
    assert plan.rag_counts(_areas()) == [("Red", 1), ("Green", 1), ("Not rated", 1)]


def test_timeline_summary():
    ms = _milestones(("A", date(2024, 1, 1), "Complete"), ("A", date(2024, 2, 1), "Slipped"))
    assert (
        plan.timeline_summary(ms, TODAY) == "2 milestones: 1 complete, 1 overdue as at 31 Mar 2024."
    )
    assert plan.timeline_summary(_milestones(), TODAY) == "This area has no milestones recorded."


# an administrator renamed Complete to Done and Cancelled to Dropped, and added a late status
RENAMED, _ = read_entries(
    ["Not started", "In progress", "Done: complete", "Running late: slipped", "Dropped: closed"]
)


@pytest.mark.parametrize(
    ("status", "overdue"),
    [("Done", False), ("Dropped", False), ("Running late", True), ("In progress", True)],
)
def test_overdue_asks_what_the_status_means_not_what_it_says(status, overdue):
    flagged = plan.milestones_with_flags(
        _milestones(("A", date(2024, 1, 1), status)), TODAY, statuses=RENAMED
    )
    assert flagged["overdue"].to_list() == [overdue]


def test_a_milestone_marked_done_counts_as_complete_in_progress_and_the_tracker():
    ms = _milestones(("A", date(2024, 1, 1), "Done"), ("A", date(2024, 2, 1), "Running late"))
    assert (
        plan.timeline_summary(ms, TODAY, statuses=RENAMED)
        == "2 milestones: 1 complete, 1 overdue as at 31 Mar 2024."
    )
    rows = plan.area_rows(_areas(), ms, TODAY, statuses=RENAMED)
    assert rows.filter(pl.col("code") == "A").select("milestones", "overdue").row(0) == (2, 1)
    table = plan.milestone_table(ms, TODAY, statuses=RENAMED)
    assert table.shown()["Overdue"].to_list() == ["", "⚠ Overdue"]
