"""Headline figures for the overview, computed from loader frames (no Streamlit here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from data_access.vocab import Measure

# a rise in these is good news; in every other measure a rise is bad news
HIGHER_IS_BETTER = {Measure.REVIEWS_COMPLETED.value}
MEASURE_LABELS = {
    Measure.WAITING_REVIEW.value: "People waiting for a review",
    Measure.WAITING_OT_ASSESSMENT.value: "People waiting for an OT assessment",
    Measure.REVIEWS_COMPLETED.value: "Reviews completed",
    Measure.OVERDUE_ANNUAL_REVIEWS.value: "Overdue annual reviews",
}


@dataclass(frozen=True)
class Latest:
    measure: str
    label: str
    month: date
    value: int
    basis: str
    source: str
    previous_value: int | None

    @property
    def higher_is_better(self) -> bool:
        return self.measure in HIGHER_IS_BETTER

    @property
    def change(self) -> int | None:
        return None if self.previous_value is None else self.value - self.previous_value


def areas_by_status(areas: pl.DataFrame, statuses: tuple[str, ...]) -> list[tuple[str, int]]:
    """Counts of areas in each status, in the configured order, omitting empty statuses."""
    counts = dict(areas.group_by("status").len().iter_rows())
    return [(status, counts[status]) for status in statuses if counts.get(status)]


def latest_backlog(backlog: pl.DataFrame) -> list[Latest]:
    """Each measure's latest month (all teams and bands added up) and the month before it."""
    if backlog.is_empty():
        return []
    monthly = (
        backlog.group_by("measure", "month")
        .agg(
            pl.col("value").sum(),
            pl.col("basis").unique().sort().str.join(", "),
            pl.col("source").first(),
        )
        .sort("measure", "month")
    )
    latest = []
    for measure in MEASURE_LABELS:
        rows = monthly.filter(pl.col("measure") == measure)
        if rows.is_empty():
            continue
        last = rows.row(-1, named=True)
        previous = rows.row(-2, named=True)["value"] if rows.height > 1 else None
        latest.append(
            Latest(
                measure,
                MEASURE_LABELS[measure],
                last["month"],
                last["value"],
                last["basis"],
                last["source"],
                previous,
            )
        )
    return latest


def figures_as_at(frames: dict[str, pl.DataFrame]) -> list[tuple[str, date, int]]:
    """The latest as-at date of each non-empty frame and how many rows it holds."""
    return [
        (name, frame["as_at"].max(), frame.height)
        for name, frame in frames.items()
        if not frame.is_empty()
    ]
