"""The improvement plan as the page and the briefing pack show it, built once.

``tracker`` is every accountability area with the RAG counts; ``areas_part`` the areas a member
has filtered to; ``area_detail`` one area with its milestones' timeline; ``history`` an item's
changes. ``actions_blocks`` is the committee's resolutions and actions in the pack.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from dashboard.charts import figures as charts
from dashboard.domain import formatting, glossary, plan
from dashboard.domain.history import history_table
from dashboard.domain.ratings import RAG_STYLES
from dashboard.domain.table import Table
from dashboard.views.blocks import Block, Chart, Heading, Headline, Headlines, Paragraph
from data_access import papers
from data_access.statuses import STILL_OPEN, StatusList

RAG_KEY = tuple(RAG_STYLES.values())
RAG_KEY_NOTE = "RAG key: " + "; ".join(style.label for style in RAG_KEY) + "."
TRACKER_WIDTHS = (0.8, 2.6, 1.6, 1.4, 1.6, 1.1, 1, 0.9, 3)
NO_AREAS = "No accountability areas have been loaded yet."
# how an area's status and its RAG rating relate: each is set on its own
STATUS_AND_RAG = (
    "An area's status says where its work has got to; its RAG rating is the council's own "
    "judgement of how well it is going. They are set separately, so an area in progress can "
    "be rated Green, Amber or Red."
)
CHOOSE_AN_AREA = "Choose an area to see its commentary, milestones and timeline."


@dataclass(frozen=True)
class Tracker:
    """Every area: the RAG counts, the rows members filter, the filters' choices, the source."""

    rows: pl.DataFrame  # one row per area with its milestone counts (plan.area_rows)
    table: Table  # every area
    counts: Headlines
    source: str
    statuses: tuple[str, ...]
    ratings: tuple[str, ...]
    leads: tuple[str, ...]

    @property
    def titles(self) -> dict[str, str]:
        return dict(zip(self.rows["code"], self.rows["title"], strict=True))

    @property
    def words(self) -> str:
        """What an abbreviation in a status stands for ("Part of MTFS project plans"), said
        before the filters and the table use it (empty when no status uses one)."""
        return glossary.defined(self.statuses)

    def blocks(self) -> tuple[Block, ...]:
        """The tracker in print: every area."""
        words = (Paragraph(self.words, "note"),) if self.words else ()
        return (
            self.counts,
            Paragraph(RAG_KEY_NOTE, "note"),
            Paragraph(STATUS_AND_RAG, "note"),
            *words,
            self.table.select(self.table.frame.columns, widths=TRACKER_WIDTHS),
            Paragraph(self.source, "note"),
        )


def tracker(
    areas: pl.DataFrame, milestones: pl.DataFrame, today: date, *, statuses: StatusList
) -> Tracker:
    rows = plan.area_rows(areas, milestones, today, statuses=statuses)
    counts = plan.rag_counts(areas)
    present = set(rows["rag"])
    return Tracker(
        rows=rows,
        table=plan.tracker_table(rows),
        counts=Headlines(
            tuple(Headline(RAG_STYLES[r].label, formatting.count(n)) for r, n in counts)
        ),
        source="Source: " + papers.titled("; ".join(sorted(set(areas["source"])))),
        statuses=tuple(sorted(rows["status"].unique())),
        ratings=tuple(r for r in RAG_STYLES if r in present),
        leads=tuple(sorted(rows["lead"].drop_nulls().unique())),
    )


@dataclass(frozen=True)
class AreasPart:
    showing: str
    table: Table


def areas_part(
    rows: pl.DataFrame, *, status: str | None, rag: str | None, lead: str | None
) -> AreasPart:
    shown = plan.filter_areas(rows, status=status, rag=rag, lead=lead)
    return AreasPart(
        f"Showing {shown.height} of {rows.height} accountability areas.", plan.tracker_table(shown)
    )


@dataclass(frozen=True)
class AreaDetail:
    code: str
    heading: str
    status: str
    commentary: str
    summary: str  # the timeline in one sentence (or that there are no milestones)
    timeline: Chart | None
    milestones: tuple[str, ...]  # the codes of its milestones, for their histories

    def blocks(self) -> tuple[Block, ...]:
        """The area's heading, status and commentary (its text shown literally)."""
        return (
            Heading(self.heading),
            Paragraph(self.status),
            Paragraph(self.commentary, lead="Commentary:"),
        )


def area_detail(
    rows: pl.DataFrame,
    milestones: pl.DataFrame,
    code: str,
    today: date,
    *,
    statuses: StatusList,
    live: bool = True,
) -> AreaDetail:
    """``today``: the day the figures are shown as at; ``live``: False when a past day was
    chosen, which the timeline's line is then named by."""
    area = rows.filter(pl.col("code") == code).row(0, named=True)
    own = milestones.filter(pl.col("area_code") == code)
    summary = plan.timeline_summary(own, today, statuses=statuses)
    timeline = None
    if not own.is_empty():
        title = f"Milestones of {code} by due date"
        figure = charts.timeline_chart(
            own,
            today=today,
            title=title,
            statuses=statuses,
            today_label="Today" if live else f"As at {formatting.day(today)}",
        )
        table = plan.milestone_table(own, today, statuses=statuses).titled(title)
        timeline = Chart("timeline", title, figure, summary, table)
    return AreaDetail(
        code=code,
        heading=f"{code}: {area['title']}",
        status=(
            f"{area['status']}. Lead: {area['lead'] or formatting.NOT_STATED}. "
            f"Last update {formatting.day(area['last_updated'])}."
        ),
        commentary=area["commentary"] or "none recorded",
        summary=summary,
        timeline=timeline,
        milestones=tuple(own["code"].to_list()),
    )


def history(label: str, events: pl.DataFrame) -> Table:
    """An item's changes, newest first: ``label`` names it (``Area IP09``)."""
    return history_table(events, f"History of {label}")


def actions_blocks(actions: pl.DataFrame, statuses: StatusList) -> tuple[Block, ...]:
    """The committee's resolutions and agreed actions, with how many are still open."""
    still_open = statuses.having(*STILL_OPEN)
    open_count = actions.filter(pl.col("status").is_in(still_open)).height
    table = plan.actions_table(actions)
    return (
        Paragraph(f"{actions.height} resolutions and actions; {open_count} open."),
        table.select(table.frame.columns, widths=(1, 2, 1.1, 1, 4, 2, 1, 0.9)),
    )
