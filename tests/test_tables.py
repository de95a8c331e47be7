"""Long lists are cut for reading, with a sentence saying how many there are."""

from __future__ import annotations

import polars as pl

from dashboard.tables import first_rows


def test_short_lists_are_shown_whole():
    frame = pl.DataFrame({"Kind": ["Red area", "Overdue milestone"], "Item": ["a", "b"]})
    shown, sentence = first_rows(frame, what="items need attention", by="Kind")
    assert shown.height == 2
    assert sentence == "2 items need attention (1 red area, 1 overdue milestone)."


def test_long_lists_say_what_was_left_out():
    frame = pl.DataFrame({"Kind": ["Overdue milestone"] * 1_234, "Item": ["x"] * 1_234})
    shown, sentence = first_rows(frame, what="items need attention", by="Kind", limit=50)
    assert shown.height == 50
    assert (
        sentence == "1,234 items need attention (1,234 overdue milestone); the first 50 are shown."
    )
