"""The improvement plan: areas with their ratings and milestones, overdue flags, the timeline."""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboard.domain import formatting
from dashboard.domain.ratings import NOT_RATED, RAG_ORDER, rag_style
from data_access.statuses import FINISHED, Meaning, StatusList, default_statuses
from data_access.text_columns import text_per_value

# the milestone statuses before an administrator changes them
DEFAULT_STATUSES = default_statuses()["milestone_statuses"]


def milestones_with_flags(
    milestones: pl.DataFrame, today: date, *, statuses: StatusList = DEFAULT_STATUSES
) -> pl.DataFrame:
    """Milestones with ``overdue``: due before ``today`` and not finished (a status that
    means complete or closed)."""
    return milestones.with_columns(
        overdue=(pl.col("due_date") < today)
        & ~pl.col("status").is_in(statuses.having(*FINISHED))
        & pl.col("due_date").is_not_null()
    )


def area_rows(
    areas: pl.DataFrame,
    milestones: pl.DataFrame,
    today: date,
    *,
    statuses: StatusList = DEFAULT_STATUSES,
) -> pl.DataFrame:
    """One row per area with its milestone counts, for the tracker table."""
    flagged = milestones_with_flags(milestones, today, statuses=statuses)
    counts = flagged.group_by("area_code").agg(
        pl.len().alias("milestones"), pl.col("overdue").sum().alias("overdue")
    )
    return (
        areas.join(counts, left_on="code", right_on="area_code", how="left")
        .with_columns(
            pl.col("milestones").fill_null(0),
            pl.col("overdue").fill_null(0).cast(pl.Int64),
            pl.col("rag").fill_null(NOT_RATED),
        )
        .sort("code")
    )


def filter_areas(
    rows: pl.DataFrame, *, status: str | None, rag: str | None, lead: str | None
) -> pl.DataFrame:
    for column, value in (("status", status), ("rag", rag), ("lead", lead)):
        if value is not None:
            rows = rows.filter(pl.col(column) == value)
    return rows


def tracker_table(rows: pl.DataFrame) -> pl.DataFrame:
    """The tracker as members read it: the rating in words and shape, dates written out."""
    return rows.select(
        pl.col("code").alias("Area"),
        pl.col("title").alias("Accountability area"),
        pl.col("status").alias("Status"),
        text_per_value(rows, "rag", lambda r: rag_style(r).label).alias("RAG"),
        pl.col("lead").alias("Lead"),
        text_per_value(rows, "last_updated", formatting.day).alias("Last update"),
        pl.col("milestones").alias("Milestones"),
        pl.col("overdue").alias("Overdue"),
        pl.col("commentary").alias("Commentary"),
    )


def rag_counts(areas: pl.DataFrame) -> list[tuple[str, int]]:
    counts = dict(
        areas.with_columns(pl.col("rag").fill_null(NOT_RATED)).group_by("rag").len().iter_rows()
    )
    return [(rating, counts[rating]) for rating in RAG_ORDER if counts.get(rating)]


def milestone_table(
    milestones: pl.DataFrame, today: date, *, statuses: StatusList = DEFAULT_STATUSES
) -> pl.DataFrame:
    flagged = milestones_with_flags(milestones, today, statuses=statuses).sort(
        "due_date", nulls_last=True
    )
    return flagged.select(
        pl.col("title").alias("Milestone"),
        pl.col("owner").alias("Owner"),
        text_per_value(flagged, "due_date", formatting.day).alias("Due"),
        pl.col("status").alias("Status"),
        pl.when(pl.col("overdue")).then(pl.lit("⚠ Overdue")).otherwise(pl.lit("")).alias("Overdue"),
        text_per_value(flagged, "completed_date", formatting.day).alias("Completed"),
        pl.col("evidence").alias("Evidence"),
    )


def timeline_summary(
    milestones: pl.DataFrame, today: date, *, statuses: StatusList = DEFAULT_STATUSES
) -> str:
    """One sentence: how many milestones, how many complete, how many overdue."""
    if milestones.is_empty():
        return "This area has no milestones recorded."
    flagged = milestones_with_flags(milestones, today, statuses=statuses)
    done = flagged.filter(pl.col("status").is_in(statuses.having(Meaning.COMPLETE))).height
    overdue = int(flagged["overdue"].sum())
    text = f"{flagged.height} milestone{'s' * (flagged.height != 1)}: {done} complete"
    if overdue:
        text += f", {overdue} overdue as at {formatting.day(today)}"
    return text + "."
