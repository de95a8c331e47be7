"""Long lists are cut for reading, with a sentence saying how many there are."""

from __future__ import annotations

import polars as pl

from dashboard.domain.table import Column, Kind, Table
from dashboard.domain.tables import first_names, first_rows, matching

ATTENTION = ("item needs attention", "items need attention")
KINDS = {
    "Red area": ("red area", "red areas"),
    "Overdue milestone": ("overdue milestone", "overdue milestones"),
    "Savings at risk": ("savings line at risk", "savings lines at risk"),
}


def test_short_lists_are_shown_whole():
    frame = pl.DataFrame({"Kind": ["Red area", "Overdue milestone"], "Item": ["a", "b"]})
    shown, sentence = first_rows(frame, what=ATTENTION, by="Kind", kinds=KINDS)
    assert shown.height == 2
    assert sentence == "2 items need attention (1 red area, 1 overdue milestone)."


def test_counts_agree_with_their_nouns_one_or_many():
    frame = pl.DataFrame({"Kind": ["Red area", "Red area", "Savings at risk"]})
    assert first_rows(frame, what=ATTENTION, by="Kind", kinds=KINDS)[1] == (
        "3 items need attention (2 red areas, 1 savings line at risk)."
    )
    assert first_rows(frame.head(1), what=ATTENTION, by="Kind", kinds=KINDS)[1] == (
        "1 item needs attention (1 red area)."
    )


def test_long_lists_say_what_was_left_out():
    frame = pl.DataFrame({"Kind": ["Overdue milestone"] * 1_234, "Item": ["x"] * 1_234})
    shown, sentence = first_rows(frame, what=ATTENTION, by="Kind", kinds=KINDS, limit=50)
    assert shown.height == 50
    assert sentence == (
        "1,234 items need attention (1,234 overdue milestones); the first 50 are shown."
    )


def test_a_few_names_are_listed_whole():
    assert first_names(["a.txt", "b.txt"]) == "a.txt; b.txt"
    assert first_names([]) == ""


def test_many_names_list_the_first_and_count_the_rest():
    names = [f"Paper {i}" for i in range(1, 1_008)]
    assert first_names(names, limit=3) == "Paper 1; Paper 2; Paper 3 and 1,004 more"


def test_matching_finds_text_in_any_column_ignoring_case():
    frame = pl.DataFrame({"Code": ["E1-P01", "E2-P01", "E1-S03"], "Title": ["Carer", "OT", "x"]})
    assert matching(frame, "e1-", ["Code", "Title"])["Code"].to_list() == ["E1-P01", "E1-S03"]
    assert matching(frame, " CARER ", ["Code", "Title"])["Code"].to_list() == ["E1-P01"]
    assert matching(frame, "carer", ["Code"]).is_empty()


def test_matching_blank_text_keeps_every_row_and_reads_text_literally():
    frame = pl.DataFrame({"Title": ["a (b)", "ab"]})
    assert matching(frame, None, ["Title"]).height == 2
    assert matching(frame, "  ", ["Title"]).height == 2
    assert matching(frame, "(b)", ["Title"])["Title"].to_list() == ["a (b)"]


def test_a_column_may_say_what_its_missing_value_reads_as_and_files_leave_it_empty():
    frame = pl.DataFrame({"Row": [3, None], "People": [None, 7]})
    table = Table.of("T", frame, {"Row": Column("Row", Kind.COUNT, missing="whole file")})
    # the Row column says its own word; a missing figure reads as every missing figure does
    assert table.shown().rows() == [("3", "not published"), ("whole file", "7")]
    assert table.values().rows() == [(3, None), (None, 7)]
