"""Definitions and data quality as the page and the briefing pack show them: what each measure
means, the reported totals checked against their parts, and the items with no recent update.

``checks_view`` and ``stale_view`` hold whole lists; the page cuts them to the rows a member
asked for (``checks_shown``, ``stale_shown``), the pack prints them whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from dashboard.domain import definitions, formatting, glossary, tables
from dashboard.domain.ratings import Thresholds
from dashboard.domain.reconciliation import Finding, counts, findings_table, needing_attention
from dashboard.domain.table import Table
from dashboard.views.blocks import Paragraph
from data_access import papers
from data_access.measures import Registry

SHOWN_WARNINGS = definitions.SHOWN_WARNINGS
SHOWN_ROWS = tables.SHOWN_ROWS
CHECK_CHOICES = definitions.CHECK_CHOICES
STALE_KINDS = definitions.STALE_KINDS
DEFINITION_TABLES = ("backlog", "mtfs_requirements", "areas", "posts", "committee_actions")
PRINTED_DEFINITION_WIDTHS = (1.6, 3.2, 0.7, 2, 1, 1, 1.2)
PRINTED_CHECK_WIDTHS = (1, 2.4, 1.2, 1.2, 1, 2.4, 1.6)


def definitions_view(
    thresholds: Thresholds, frames: dict[str, pl.DataFrame], measures: Registry
) -> Table:
    """What each measure of ``measures`` (the registry in force) means; ``frames``: the
    ``DEFINITION_TABLES`` and ``savings``."""
    return definitions.definitions_table(definitions.registry(thresholds, measures), frames)


def words(table: Table) -> str:
    """What the abbreviations ``table`` uses stand for, said before it."""
    return glossary.defined_in(table.shown())


def _warning(finding: Finding) -> Paragraph:
    text = f"{finding.describe()}. Source: {papers.titled(finding.source)}"
    return Paragraph(text, "warning", lead=f"{finding.status.capitalize()}:")


def counts_sentence(findings: Sequence[Finding], of: str = "") -> str:
    """``12 checks: 3 need attention, 9 agree.`` (``of`` says what was checked)."""
    return counts(list(findings)).sentence(of)


@dataclass(frozen=True)
class ChecksView:
    """Every reconciliation check: the count, a warning per check that needs attention, and
    the table of all of them."""

    sentence: str
    warnings: tuple[Paragraph, ...]
    table: Table

    @property
    def shown_warnings(self) -> tuple[Paragraph, ...]:
        """The first warnings, as a list to act on."""
        return self.warnings[:SHOWN_WARNINGS]

    @property
    def more(self) -> str | None:
        return definitions.more_warnings(len(self.warnings))

    @property
    def filtered(self) -> bool:
        """Whether the list is long enough to be cut and offered with filters."""
        return self.table.height > SHOWN_ROWS


def checks_view(findings: Sequence[Finding]) -> ChecksView:
    findings = list(findings)
    return ChecksView(
        counts_sentence(findings),
        tuple(_warning(f) for f in needing_attention(findings)),
        findings_table(findings),
    )


def checks_shown(
    view: ChecksView, *, show: str | None, text: str | None
) -> tuple[Table, Table, str]:
    """The checks a member asked for (all of them, and the first), and the sentence."""
    chosen = definitions.checks(view.table, show=show, text=text)
    _, sentence = tables.first_rows(chosen.frame, what=("check", "checks"))
    return chosen, chosen.head(SHOWN_ROWS), sentence + " The downloads hold all of them."


@dataclass(frozen=True)
class StaleView:
    after_days: int
    items: pl.DataFrame  # values: ``definitions.stale_items``

    @property
    def filtered(self) -> bool:
        return self.items.height > SHOWN_ROWS


def stale_view(
    areas: pl.DataFrame, lines: pl.DataFrame, *, today: date, after_days: int
) -> StaleView:
    items = definitions.stale_items(areas, lines, today=today, after_days=after_days)
    return StaleView(after_days, items)


def stale_shown(
    view: StaleView, *, kind: str | None = None, text: str | None = None
) -> tuple[Table, Table, str]:
    """The items a member asked for (all of them, and the first), and the sentence."""
    chosen = definitions.stale_shown(view.items, kind=kind, text=text)
    since = f"with no update for more than {formatting.counted(view.after_days, 'day')}"
    first, sentence = tables.first_rows(
        chosen,
        what=(f"item {since}", f"items {since}"),
        by="Kind",
        kinds=definitions.STALE_NOUNS,
    )
    note = " (The number of days is one of the dashboard's settings.)"
    return definitions.stale_table(chosen), definitions.stale_table(first), sentence + note
