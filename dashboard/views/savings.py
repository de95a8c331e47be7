"""The savings programme as the page and the briefing pack show it, built once.

``mtfs_parts`` is the MTFS gap (one part per requirement), ``lines_part`` the savings lines a
member has filtered to, with their BRAG split, bridge, totals and findings. The page lays the
parts out with its filters, tabs and keys; the pack prints the same parts as blocks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from dashboard.domain import formatting, glossary, savings
from dashboard.domain import mtfs as mtfs_logic
from dashboard.domain.ratings import BRAG_STYLES, Thresholds, rule_text
from dashboard.domain.reconciliation import Finding
from dashboard.domain.table import Table
from dashboard.views.blocks import Block, Chart, Heading, Headline, Headlines, Paragraph
from dashboard.views.findings import finding_blocks

# the savings lines in print: the key columns (``savings.key_lines``), as on screen
PRINTED_LINE_WIDTHS = (1.3, 3, 0.9, 1, 1, 0.9, 1, 0.9, 3.2)
_MORE = "Workstream, cohort, owner, source, as-at date and who set each rating are in"
IN_THE_DOWNLOAD = f"{_MORE} this table's downloads."
IN_PRINT = f"{_MORE} the dashboard's download of this table."
NO_FORECAST = "None of these lines reports a forecast yet, so nothing can be bridged."
BRAG_KEY = tuple(BRAG_STYLES.values())
# the key is where the savings page first says BRAG, and its heading where it first says MTFS
BRAG_KEY_TITLE = f"{glossary.spelt_out('BRAG')} ratings"
MTFS_HEADING = glossary.first_spelt_out("The MTFS gap", "MTFS")
# the filters kept in the URL: (query parameter, label, column filtered)
FILTERS = savings.FILTERS
filter_options = savings.options


def bridge_chart(key: str, bridge: savings.Bridge, height: int = 420) -> Chart:
    return Chart(
        key, bridge.title, savings.bridge_figure(bridge), bridge.summary, bridge.table(), height
    )


@dataclass(frozen=True)
class MtfsPart:
    """One MTFS requirement: its three figures, how the savings lines stand against it, the
    gap as a bridge, the checks, the source."""

    code: str
    headlines: Headlines
    coverage: Paragraph
    bridge: Chart
    findings: tuple[Paragraph, ...]
    source: str

    def blocks(self) -> tuple[Block, ...]:
        return (
            self.headlines,
            self.coverage,
            self.bridge,
            *self.findings,
            Paragraph(self.source, "note"),
        )


NO_BRIDGES = "No budget-monitoring bridge has been loaded."


@dataclass(frozen=True)
class BudgetBridgePart:
    """One budget-monitoring report's bridge as it states it, with the check of its result."""

    report: str
    bridge: Chart
    findings: tuple[Paragraph, ...]
    source: str

    def blocks(self) -> tuple[Block, ...]:
        return (self.bridge, *self.findings, Paragraph(self.source, "note"))


def budget_bridge_parts(
    steps: pl.DataFrame, placed: Sequence[savings.Placed]
) -> tuple[BudgetBridgePart, ...]:
    """Each report's bridge (chart and table) and its reconciliation finding."""
    parts = []
    for index, bridge in enumerate(savings.budget_bridges(steps)):
        first = steps.filter(pl.col("report") == bridge.title).row(0, named=True)
        parts.append(
            BudgetBridgePart(
                bridge.title,
                bridge_chart(f"budget-bridge-{index}", bridge),
                finding_blocks(savings.findings_about(list(placed), "bridges", code=bridge.title)),
                savings.source_note(first),
            )
        )
    return tuple(parts)


def budget_bridge_blocks(parts: Sequence[BudgetBridgePart]) -> tuple[Block, ...]:
    """The bridges in print, under their heading."""
    blocks: list[Block] = [Heading("Budget-monitoring bridges")]
    if not parts:
        return (*blocks, Paragraph(NO_BRIDGES))
    for part in parts:
        blocks += part.blocks()
    return tuple(blocks)


@dataclass(frozen=True)
class StoppedPart:
    """The savings withdrawn, deferred or replaced: out of the totals tracked, listed here
    with their value and reason."""

    sentences: tuple[str, ...]
    table: Table

    def blocks(self) -> tuple[Block, ...]:
        return (
            Heading("Savings withdrawn, deferred or replaced"),
            Paragraph(STOPPED_NOTE, "note"),
            *(Paragraph(sentence) for sentence in self.sentences),
            self.table,
        )


STOPPED_NOTE = (
    "These are kept out of the totals, the BRAG split and the bridge above, and are not rated."
)


def stopped_part(shown: pl.DataFrame) -> StoppedPart | None:
    stopped = savings.stopped(shown)
    if stopped.is_empty():
        return None
    return StoppedPart(tuple(savings.stopped_sentences(stopped)), savings.stopped_table(stopped))


def mtfs_parts(
    mtfs: pl.DataFrame, placed: Sequence[savings.Placed], lines: pl.DataFrame
) -> tuple[MtfsPart, ...]:
    """``lines``: every savings line and year; the years still tracked are set against each
    requirement."""
    tracked = savings.tracked(lines)
    parts = []
    for row in mtfs.iter_rows(named=True):
        figures = savings.mtfs_headlines(row)
        parts.append(
            MtfsPart(
                row["code"],
                Headlines(tuple(Headline(k, formatting.money(v)) for k, v in figures)),
                Paragraph(mtfs_logic.coverage(row, tracked).sentence()),
                bridge_chart(f"mtfs-{row['code']}", savings.mtfs_bridge(row)),
                finding_blocks(savings.findings_about(list(placed), "mtfs", code=row["code"])),
                savings.source_note(row),
            )
        )
    return tuple(parts)


@dataclass(frozen=True)
class LinesPart:
    """The savings lines shown, and what the page and the pack say about them."""

    rule: str  # how the BRAG rule reads with the thresholds in force
    showing: str
    lines: Table  # every column, worst rating first: the download
    split: Chart
    progress: Chart | None
    totals: dict[str, Table]
    findings: tuple[Paragraph, ...]
    stopped: StoppedPart | None = None
    shares: str = savings.SHARES_NOTE

    @property
    def on_screen(self) -> Table:
        """The lines in the columns a committee reads (``savings.key_lines``)."""
        return savings.key_lines(self.lines)

    def blocks(self) -> tuple[Block, ...]:
        """The part in print: the lines with the columns a committee reads."""
        printed = savings.key_lines(self.lines, widths=PRINTED_LINE_WIDTHS)
        blocks: list[Block] = [
            Heading("Savings lines"),
            Paragraph(self.rule, "note"),
            Paragraph(self.showing),
            printed.titled("Savings lines with their BRAG ratings, worst first"),
            Paragraph(self.shares, "note"),
            Paragraph(IN_PRINT, "note"),
            Heading("BRAG split by value"),
            self.split,
        ]
        if self.progress is not None:
            blocks += [Heading("From target to forecast to delivered"), self.progress]
        blocks.append(Heading("Totals by workstream, cohort and year"))
        blocks += [
            table.titled(f"Totals by {heading.lower()}") for heading, table in self.totals.items()
        ]
        if self.stopped is not None:
            blocks += self.stopped.blocks()
        return (*blocks, *self.findings)


def lines_part(
    shown: pl.DataFrame,
    rated: pl.DataFrame,
    placed: Sequence[savings.Placed],
    thresholds: Thresholds,
    *,
    workstream: str | None = None,
) -> LinesPart:
    """``shown``: the rated lines a member filtered to, out of all ``rated`` lines. The lines
    table, split, bridge and totals count the years still tracked; the years withdrawn,
    deferred or replaced are ``stopped``, listed on their own."""
    tracked = savings.tracked(shown)
    split = savings.brag_split(tracked)
    progress = savings.programme_bridge(tracked)
    findings: list[Finding] = savings.findings_about(
        list(placed), "savings_target", workstream=workstream
    )
    return LinesPart(
        rule=rule_text(thresholds),
        showing=savings.showing(shown, rated),
        lines=savings.lines_table(tracked),
        split=Chart(
            "brag-split",
            "Value of savings targeted, by BRAG rating",
            savings.brag_split_figure(split),
            savings.brag_split_summary(split),
            savings.brag_split_table(split),
            120 + 50 * max(split.height, 1),
        ),
        progress=None if progress is None else bridge_chart("progress", progress),
        totals=savings.totals_tables(tracked),
        findings=finding_blocks(findings),
        stopped=stopped_part(shown),
    )
