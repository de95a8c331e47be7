"""Which census extract is in force: the rule every reader of the ``cases`` dataset shares.

A council loads one extract per date; a corrected extract marks the people it left out
``removed_on`` rather than deleting them. The extract in force at a day is the latest extract
dated on or before that day, without its removed people. Nothing here reads the store.

>>> from datetime import date
>>> stored = pl.DataFrame(
...     {
...         "person_id": ["A", "B", "A", "C"],
...         "extract_date": [date(2024, 2, 29), date(2024, 2, 29)] + [date(2024, 3, 31)] * 2,
...         "removed_on": [None, None, None, date(2024, 4, 2)],
...     },
...     schema_overrides={"removed_on": pl.Date},
... )
>>> in_force(stored, date(2024, 3, 31))["person_id"].to_list()
['A']
>>> in_force(stored, date(2024, 3, 30))["person_id"].to_list()
['A', 'B']
>>> in_force(stored, date(2024, 1, 1)).height
0
"""

from __future__ import annotations

from datetime import date

import polars as pl


def extract_dates(cases: pl.DataFrame) -> list[date]:
    """Every extract date with at least one person not removed, oldest first."""
    if cases.is_empty():
        return []
    live = cases.filter(pl.col("removed_on").is_null())
    return live["extract_date"].unique().sort().to_list()


def latest_extract_date(cases: pl.DataFrame, day: date | None = None) -> date | None:
    """The date of the extract in force at ``day`` (None: the latest of all); None when no
    extract is dated on or before it."""
    dates = [d for d in extract_dates(cases) if day is None or d <= day]
    return dates[-1] if dates else None


def in_force(cases: pl.DataFrame, day: date | None = None) -> pl.DataFrame:
    """The people of the extract in force at ``day``, removed people left out, sorted by
    person id; an empty frame (same columns) when there is none."""
    chosen = latest_extract_date(cases, day)
    if chosen is None:
        return cases.clear()
    return cases.filter((pl.col("extract_date") == chosen) & pl.col("removed_on").is_null()).sort(
        "person_id"
    )
