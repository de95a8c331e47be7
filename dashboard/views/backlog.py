"""The backlog page as the page and the briefing pack show it, built once.

``view`` is each measure's trend (headline card, chart with its table, breakdown by team and
priority band) and the projection of the review waiting list for one team and band;
``programme`` is the reviews programme's cost and the what-if's inputs; ``what_if`` is the
projection with extra reviewers. The page lays them out with its filters and inputs; the pack
prints the same parts as blocks, with the what-if's starting inputs.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dashboard.charts import figures as charts
from dashboard.domain import backlog, glossary
from dashboard.domain.disclosure import DisclosureRule
from dashboard.views.blocks import Block, Chart, Heading, Headline, Headlines, Paragraph
from data_access.measures import Registry

measure_choices = backlog.measure_choices
words = glossary.defined  # what an abbreviation in the measures' labels stands for
NO_FIGURES = backlog.NO_FIGURES
MARKER_KEY = backlog.MARKER_KEY
PROJECTION_HEADING = "When will the review waiting list clear?"
WHAT_IF_HEADING = "What if we added reviewers?"
NO_WHAT_IF = "The what-if needs a projection of the review waiting list (see above)."
# the pack cannot take inputs: it says which ones it used
WHAT_IF_IN_PRINT = "What if we added reviewers? With the dashboard's starting inputs:"


# each measure -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPart:
    """One measure: its headline card, its monthly chart (or why there is none), its sources
    and its latest month by team and priority band."""

    measure: str
    label: str
    definition: str
    headline: Headline
    message: str | None = None  # why there is no chart
    chart: Chart | None = None
    sources: str = ""
    breakdown: Chart | None = None
    breakdown_note: str | None = None  # which teams were left out of the breakdown

    def blocks(self) -> tuple[Block, ...]:
        blocks: list[Block] = [Heading(self.label), Paragraph(self.definition, "note")]
        if self.message:
            return (*blocks, Paragraph(self.message))
        blocks += [self.chart, Paragraph(self.sources, "note")]
        if self.breakdown is not None:
            blocks.append(self.breakdown)
        if self.breakdown_note:
            blocks.append(Paragraph(self.breakdown_note, "note"))
        return tuple(blocks)


def trend_chart(item: backlog.Trend) -> Chart:
    figure = charts.count_trend_chart(
        item.chart, title=item.title, subtitle=item.subtitle, y_title=item.unit
    )
    return Chart(f"trend-{item.measure}", item.title, figure, item.summary, item.table)


def breakdown_chart(item: backlog.Trend, parts: backlog.Breakdown) -> Chart:
    figure = charts.bar_chart(
        parts.chart,
        x="team",
        y="value",
        series="priority_band",
        title=parts.title,
        y_title=item.unit,
    )
    return Chart(f"parts-{item.measure}", parts.title, figure, parts.summary, parts.table)


def trend_part(item: backlog.Trend, parts: backlog.Breakdown | None) -> TrendPart:
    headline = Headline(
        item.label,
        item.headline,
        item.definition,
        delta=item.change,
        rise_is_good=item.rise_is_good,
    )
    if item.message:
        return TrendPart(item.measure, item.label, item.definition, headline, item.message)
    return TrendPart(
        item.measure,
        item.label,
        item.definition,
        headline,
        chart=trend_chart(item),
        sources=item.sources,
        breakdown=None if parts is None else breakdown_chart(item, parts),
        breakdown_note=None if parts is None else parts.note,
    )


# the review waiting list --------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectionPart:
    projection: backlog.Projection
    sentence: str

    def blocks(self) -> tuple[Block, ...]:
        return (Heading(PROJECTION_HEADING), Paragraph(self.sentence))


@dataclass(frozen=True)
class View:
    """Everything the page shows for one team and band, before the what-if."""

    trends: tuple[TrendPart, ...]
    projection: ProjectionPart
    # how the counts are disclosed to this viewer (rounded, small ones suppressed); None: exact
    note: str | None = None

    @property
    def headlines(self) -> Headlines:
        return Headlines(tuple(t.headline for t in self.trends))

    def chosen(self, label: str | None) -> tuple[TrendPart, ...]:
        """The trends the measure filter asks for (all of them when it is unset)."""
        return tuple(backlog.chosen(self.trends, label))

    def blocks(self) -> tuple[Block, ...]:
        blocks: list[Block] = [Paragraph(MARKER_KEY, "note")]
        if self.note:
            blocks.append(Paragraph(self.note, "note"))
        for item in self.trends:
            blocks += item.blocks()
        return (*blocks, *self.projection.blocks())


def view(
    figures: pl.DataFrame,
    *,
    team: str | None,
    band: str | None,
    rule: DisclosureRule,
    measures: Registry,
) -> View:
    """What the page shows for ``team`` and ``band``, in one pass per measure of ``measures``
    (the registry in force: built in and added by an administrator): a national store has
    2.2M rows, and each measure's figures are read once rather than once per use."""
    items, projection = [], None
    shown = {"team": team, "band": band, "rule": rule, "measures": measures}
    for measure in backlog.shown_measures(figures, measures):
        rows = figures.filter(pl.col("measure") == measure)
        item = backlog.trend(rows, measure, **shown)
        parts = backlog.breakdown(rows, measure, **shown)
        items.append(trend_part(item, parts))
        if measure == backlog.WAITING:
            projection = backlog.project(rows, team=team, band=band)
    sentence = backlog.projection_sentence(projection, rule)
    return View(tuple(items), ProjectionPart(projection, sentence), rule.note)


# the what-if -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Programme:
    """The reviews programme's cost (the what-if's starting cost) and the what-if's inputs."""

    sentence: str
    inputs: tuple[backlog.NumberInput, ...]

    @property
    def defaults(self) -> tuple[int, ...]:
        return tuple(spec.default for spec in self.inputs)


def programme(programmes: pl.DataFrame) -> Programme:
    cost = backlog.programme_cost(programmes)
    return Programme(backlog.programme_sentence(cost), tuple(backlog.what_if_inputs(cost)))


@dataclass(frozen=True)
class WhatIfPart:
    sentence: str
    headlines: Headlines
    chart: Chart

    def blocks(self) -> tuple[Block, ...]:
        return (Paragraph(self.sentence), self.headlines, self.chart)


def what_if(
    projection: backlog.Projection,
    extra_reviewers: int,
    reviews_each: int,
    cost_each_pence: int,
    *,
    rule: DisclosureRule,
) -> WhatIfPart | None:
    """The projection with the extra reviewers (None when there is no projection)."""
    scenario = backlog.what_if(projection, extra_reviewers, reviews_each, cost_each_pence)
    if scenario is None:
        return None
    shown = backlog.projection_chart(scenario, rule)
    figure = charts.count_trend_chart(
        shown.chart, title=shown.title, subtitle=shown.subtitle, y_title="People"
    )
    return WhatIfPart(
        backlog.what_if_sentence(scenario),
        Headlines(tuple(Headline(k, v) for k, v in backlog.what_if_figures(scenario))),
        Chart("projection", shown.title, figure, shown.summary, shown.table),
    )


# the pack ----------------------------------------------------------------------------------------


def pack_blocks(shown: View, costs: Programme, rule: DisclosureRule) -> tuple[Block, ...]:
    """The page for all teams and bands, with the what-if at its starting inputs."""
    blocks = [*shown.blocks(), Paragraph(costs.sentence)]
    scenario = what_if(shown.projection.projection, *costs.defaults, rule=rule)
    if scenario is None:
        return tuple(blocks)
    return (*blocks, Paragraph(WHAT_IF_IN_PRINT), *scenario.blocks())
