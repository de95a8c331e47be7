"""The improvement plan: areas with their ratings and milestones, overdue flags, the timeline."""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboard.domain import formatting
from dashboard.domain.ratings import NOT_RATED, RAG_ORDER
from dashboard.domain.table import Column, Kind, Table
from data_access.statuses import FINISHED, Meaning, StatusList, default_statuses

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


def tracker_table(rows: pl.DataFrame) -> Table:
    """The tracker: the rating by name (read with its shape), the last update as a day, the
    milestone counts as counts."""
    frame = rows.select(
        pl.col("code").alias("Area"),
        pl.col("title").alias("Accountability area"),
        pl.col("status").alias("Status"),
        pl.col("rag").cast(pl.String).alias("RAG"),
        pl.col("lead").alias("Lead"),
        pl.col("last_updated").cast(pl.Date).alias("Last update"),
        pl.col("milestones").cast(pl.Int64).alias("Milestones"),
        pl.col("overdue").cast(pl.Int64).alias("Overdue"),
        pl.col("commentary").alias("Commentary"),
    )
    return Table.of(
        "Accountability areas",
        frame,
        {"RAG": Column("RAG", Kind.RATING, scale="RAG"), "Last update": Kind.DATE},
    )


def rag_counts(areas: pl.DataFrame) -> list[tuple[str, int]]:
    counts = dict(
        areas.with_columns(pl.col("rag").fill_null(NOT_RATED)).group_by("rag").len().iter_rows()
    )
    return [(rating, counts[rating]) for rating in RAG_ORDER if counts.get(rating)]


def milestone_table(
    milestones: pl.DataFrame, today: date, *, statuses: StatusList = DEFAULT_STATUSES
) -> Table:
    flagged = milestones_with_flags(milestones, today, statuses=statuses).sort(
        "due_date", nulls_last=True
    )
    frame = flagged.select(
        pl.col("title").alias("Milestone"),
        pl.col("owner").alias("Owner"),
        pl.col("due_date").cast(pl.Date).alias("Due"),
        pl.col("status").alias("Status"),
        pl.when(pl.col("overdue")).then(pl.lit("⚠ Overdue")).otherwise(pl.lit("")).alias("Overdue"),
        pl.col("completed_date").cast(pl.Date).alias("Completed"),
        pl.col("evidence").alias("Evidence"),
    )
    return Table.of("Milestones", frame, {"Due": Kind.DATE, "Completed": Kind.DATE})


def actions_table(actions: pl.DataFrame) -> Table:
    """Resolutions and agreed actions by meeting, as a committee reads them."""
    frame = actions.sort("meeting_date", "code").select(
        pl.col("meeting_date").cast(pl.Date).alias("Meeting"),
        pl.col("committee").alias("Committee"),
        pl.col("code").alias("Ref"),
        pl.col("kind").str.to_titlecase().alias("Kind"),
        pl.col("text").alias("Resolution or action"),
        pl.col("owner").fill_null("").alias("Owner"),
        pl.col("due_date").cast(pl.Date).alias("Due"),
        pl.col("status").alias("Status"),
    )
    return Table.of("Resolutions and agreed actions", frame, {"Due": Kind.DATE})


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
