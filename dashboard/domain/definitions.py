"""What each measure means, where it comes from and who owns it: the rules as data.

Members ask "where does this number come from?"; the Definitions page and the briefing pack both
answer from this one registry, with refresh dates read from the figures themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import polars as pl

from dashboard.domain.ratings import RAG, Thresholds, rule_text
from dashboard.domain.reconciliation import AGREES
from dashboard.domain.table import Kind, Table
from dashboard.domain.tables import first_names, matching
from data_access import days
from data_access.measures import BACKLOG, BRAG_RULE, RAG_RATINGS, Registry

# a handful of warnings reads as a list to act on; a national store has thousands of checks
SHOWN_WARNINGS = 10
NEED_ATTENTION, AGREE = "Need attention", "Agree"
CHECK_CHOICES = [NEED_ATTENTION, AGREE]
AREA, LINE = "Accountability area", "Savings line"
STALE_KINDS = [AREA, LINE]
STALE_NOUNS = {
    AREA: ("accountability area", "accountability areas"),
    LINE: ("savings line", "savings lines"),
}


@dataclass(frozen=True)
class Definition:
    label: str
    meaning: str
    unit: str
    table: str  # the frame the figures live in
    measure: str | None  # backlog measure code, where the table holds several
    owner: str
    rise_is_good: bool | None


def registry(thresholds: Thresholds, measures: Registry) -> tuple[Definition, ...]:
    """The rows of ``measures``, the registry in force (``data_access.measures``: the built-in
    measures and those an administrator added), in its order, with the BRAG rule and the RAG
    ratings in force written into their meanings."""
    facts = {
        BRAG_RULE: rule_text(thresholds),
        RAG_RATINGS: ", ".join(f"{s.name} {s.meaning.lower()}" for s in RAG.rated),
    }
    return tuple(
        Definition(
            m.label,
            _filled(m.meaning, facts),
            m.unit,
            m.table,
            m.code if m.table == BACKLOG else None,
            m.owner,
            m.rise_is_good,
        )
        for m in measures
    )


def _filled(meaning: str, facts: dict[str, str]) -> str:
    for placeholder, text in facts.items():
        meaning = meaning.replace(placeholder, text)
    return meaning


def definitions_table(
    definitions: tuple[Definition, ...], frames: dict[str, pl.DataFrame]
) -> Table:
    """One row per measure: meaning, sources (the first few, and how many more), the latest
    as-at and load days, owner."""
    rows = []
    for item in definitions:
        frame = frames.get(item.table, pl.DataFrame())
        if item.measure is not None and not frame.is_empty():
            frame = frame.filter(pl.col("measure") == item.measure)
        loaded = not frame.is_empty()
        rows.append(
            {
                "Measure": item.label,
                "What it means": item.meaning,
                "Unit": item.unit,
                "Source": first_names(frame["source"].unique().sort())
                if loaded
                else "no figures loaded",
                "Figures as at": frame["as_at"].max() if loaded else None,
                "Last refreshed": days.day_of(frame["loaded_at"].max()) if loaded else None,
                "Owner": item.owner,
            }
        )
    schema = {c: pl.String for c in ("Measure", "What it means", "Unit", "Source", "Owner")}
    schema |= {"Figures as at": pl.Date, "Last refreshed": pl.Date}
    frame = pl.DataFrame(rows, schema=schema).select(
        "Measure", "What it means", "Unit", "Source", "Figures as at", "Last refreshed", "Owner"
    )
    return Table.of("Definitions", frame, {"Source": Kind.SOURCE})


def stale_items(
    areas: pl.DataFrame, savings: pl.DataFrame, *, today: date, after_days: int
) -> pl.DataFrame:
    """Areas and savings lines whose latest update is more than ``after_days`` before today:
    values (the last update a day, the days since a count), made a table by ``stale_table``."""
    area_updates = areas.select(
        pl.lit(AREA).alias("Kind"),
        pl.col("code").alias("Code"),
        pl.col("title").alias("Title"),
        pl.coalesce("last_updated", "as_at").alias("updated"),
    )
    line_updates = (
        savings.group_by("code")
        .agg(pl.col("title").first(), pl.col("as_at").max().alias("updated"))
        .select(
            pl.lit(LINE).alias("Kind"),
            pl.col("code").alias("Code"),
            pl.col("title").alias("Title"),
            "updated",
        )
    )
    both = pl.concat([area_updates, line_updates]) if not savings.is_empty() else area_updates
    return (
        both.with_columns((pl.lit(today) - pl.col("updated")).dt.total_days().alias("Days since"))
        .filter(pl.col("Days since") > after_days)
        .sort("Days since", "Code", descending=[True, False])
        .select("Kind", "Code", "Title", pl.col("updated").alias("Last update"), "Days since")
    )


def more_warnings(problems: int, shown: int = SHOWN_WARNINGS) -> str | None:
    """The sentence under the warnings when only the first ``shown`` of ``problems`` are."""
    if problems <= shown:
        return None
    return (
        f"The first {shown} checks that need attention are shown above; the other "
        f"{problems - shown:,} are in the table below."
    )


def checks(table: Table, *, show: str | None, text: str | None) -> Table:
    """The rows of ``reconciliation.findings_table`` a member asked for: those that need
    attention or those that agree (all for None), with ``text`` in the figure, how it was
    checked or the source."""
    frame = table.frame
    if show is not None:
        agrees = pl.col("status") == AGREES
        frame = frame.filter(agrees if show == AGREE else ~agrees)
    return replace(table, frame=matching(frame, text, ("figure", "how", "source")))


def stale_table(stale: pl.DataFrame) -> Table:
    """``stale_items`` (or the rows of it shown) as a table."""
    return Table.of("Items with no recent update", stale)


def stale_shown(stale: pl.DataFrame, *, kind: str | None, text: str | None) -> pl.DataFrame:
    """The rows of ``stale_items`` of ``kind`` (all for None) with ``text`` in code or title."""
    if kind is not None:
        stale = stale.filter(pl.col("Kind") == kind)
    return matching(stale, text, ("Code", "Title"))
