"""Younger and older adults as the page and the briefing pack show them, built once per
workstream: savings by year (£000s) with their chart, the components behind each line, the
posts funded to deliver them and the savings net of what those posts cost, with the checks of
each against what the paper printed. The page lays the view out with its workstream filter; the
pack prints the same view as blocks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from dashboard.domain import adults, savings
from dashboard.domain.table import Table
from dashboard.views.blocks import Block, Chart, Heading, Headline, Headlines, Paragraph
from dashboard.views.findings import finding_blocks

NO_WORKSTREAM = (
    "No workstream has savings lines for both younger and older adults yet. Officers "
    "and directors load savings lines, with their cohort, on the Load a file page."
)
NO_COMPONENTS = "No components are recorded for these savings lines."
NO_POSTS = (
    "No funded posts are recorded for this workstream, so savings net of implementation "
    "cost cannot be worked out."
)
# in print: the savings table's title says its unit, and the columns fit the page
PRINTED_BY_YEAR = "Savings by financial year (£000s)"
PRINTED_COMPONENT_WIDTHS = (1, 2.6, 0.8, 2.4, 2)

workstreams_with_both = adults.workstreams_with_both


@dataclass(frozen=True)
class WorkstreamView:
    """One workstream's figures, sentences, tables and charts."""

    workstream: str
    by_year: Table
    by_year_summary: str
    by_year_chart: Chart
    savings_findings: tuple[Paragraph, ...]
    components: Table
    component_notes: tuple[Paragraph, ...]
    components_findings: tuple[Paragraph, ...]
    posts: Table | None  # None: no funded posts are recorded, so there is no net of cost
    posts_findings: tuple[Paragraph, ...]
    net: Headlines | None
    net_chart: Chart | None
    sources: str

    def blocks(self) -> tuple[Block, ...]:
        """The workstream in print: the tables say what the page's savings chart shows."""
        blocks: list[Block] = [
            Heading(self.workstream),
            self.by_year.titled(PRINTED_BY_YEAR),
            Paragraph(self.by_year_summary),
        ]
        if not self.components.is_empty():
            blocks.append(
                self.components.titled("What each line is made of").select(
                    self.components.frame.columns, widths=PRINTED_COMPONENT_WIDTHS
                )
            )
        blocks += self.component_notes
        if self.posts is None or self.net is None or self.net_chart is None:
            return (*blocks, Paragraph("No funded posts are recorded for this workstream."))
        return (
            *blocks,
            self.posts.titled("Posts funded to deliver the savings"),
            Heading("Savings net of implementation cost"),
            self.net,
            Paragraph(self.net_chart.alt),
            Paragraph(self.sources, "note"),
        )


def workstream_view(
    lines: pl.DataFrame,
    components: pl.DataFrame,
    posts: pl.DataFrame,
    placed: Sequence[savings.Placed],
    workstream: str,
) -> WorkstreamView:
    """``lines``: every savings line; ``components`` and ``posts``: as stored; ``placed``: the
    reconciliation findings placed beside the figures they concern."""
    placed = list(placed)
    by_year = adults.cohort_years(lines, workstream)
    table = adults.savings_table(by_year)
    summary = adults.savings_summary(by_year)
    funded = adults.posts_for(posts, workstream)

    def about(dataset: str) -> tuple[Paragraph, ...]:
        return finding_blocks(savings.findings_about(placed, dataset, workstream=workstream))

    net = net_chart = None
    if not funded.is_empty():
        bridge = adults.net_of_cost(adults.grand_total(by_year), adults.implementation_cost(funded))
        net = Headlines(tuple(Headline(k, v) for k, v in adults.net_headlines(bridge)))
        net_chart = Chart(
            "net", bridge.title, savings.bridge_figure(bridge), bridge.summary, bridge.table()
        )
    return WorkstreamView(
        workstream=workstream,
        by_year=table,
        by_year_summary=summary,
        by_year_chart=Chart(
            "savings-by-year",
            "Savings targeted by financial year, younger and older adults (£000s)",
            adults.savings_figure(by_year),
            summary,
            table,
        ),
        savings_findings=about("savings_target"),
        components=adults.components_table(components, lines, workstream),
        component_notes=tuple(
            Paragraph(note) for note in adults.component_notes(components, lines, workstream)
        ),
        components_findings=about("components"),
        posts=None if funded.is_empty() else adults.posts_table(funded),
        posts_findings=about("posts_cost"),
        net=net,
        net_chart=net_chart,
        sources=adults.sources(lines, funded, workstream),
    )
