"""The overview as the page and the briefing pack's summary and attention sections show it,
built once.

``overview`` gathers the headline figures a councillor reads first (the plan's statuses, the
MTFS figures, the savings totals and BRAG split, the backlog's latest months), what changed
since the last meeting and what needs attention. The page lays the parts out under its
headings; the pack prints the same parts, with a few words of its own for print.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from dashboard.domain import changes as changes_logic
from dashboard.domain import formatting, glossary, headlines, overview, savings
from dashboard.domain import mtfs as mtfs_logic
from dashboard.domain.changes import Change
from dashboard.domain.ratings import STATUS_AND_RATING
from dashboard.domain.reconciliation import Finding
from dashboard.domain.table import Table
from dashboard.domain.tables import first_rows
from dashboard.views.blocks import Block, Chart, Headline, Headlines, Paragraph
from data_access import papers

NO_FIGURES = (
    "No figures have been loaded yet. Officers and directors load them on the Load a file page."
)
NO_MEETING = "No committee meeting is recorded yet, so there is nothing to compare with."
# the tables the overview reads, under the names it dates them by
DATED = ("Improvement plan", "Savings lines", "MTFS requirement", "Backlog")
# the same in its first sentence, which comes before the savings block says what the MTFS is
SAID = dict(
    zip(DATED, ("improvement plan", "savings lines", "savings required", "backlog"), strict=True)
)


def meeting_choices(meetings: pl.DataFrame, today: date) -> dict[str, date]:
    """The meetings held on or before ``today`` that changes can be counted from, latest first
    (the default), by the label a member picks: ``{"12 Mar 2024: Health and ...": date}``;
    committees meeting on the same day share one."""
    held = meetings.filter(pl.col("meeting_date") <= today).sort("meeting_date", "committee")
    by_day: dict[date, list[str]] = {}
    for row in held.iter_rows(named=True):
        by_day.setdefault(row["meeting_date"], []).append(row["committee"])
    return {
        f"{formatting.day(when)}: {'; '.join(dict.fromkeys(names))}": when
        for when, names in sorted(by_day.items(), reverse=True)
    }


def since_heading(meeting: date | None, latest: date | None) -> str:
    """``Since the last meeting``, or the meeting chosen when it is an earlier one."""
    if meeting is None or meeting == latest:
        return "Since the last meeting"
    return f"Since the meeting on {formatting.day(meeting)}"


def dated_frames(
    areas: pl.DataFrame, lines: pl.DataFrame, mtfs: pl.DataFrame, backlog: pl.DataFrame
) -> dict[str, pl.DataFrame]:
    """The frames the overview dates its figures by, under the names it shows."""
    return dict(zip(DATED, (areas, lines, mtfs, backlog), strict=True))


@dataclass(frozen=True)
class ChangesPart:
    """What changed since the last meeting: a sentence, the changes (the first rows) and, when
    some are left out, a sentence saying so."""

    meeting: date
    summary: str
    changes: tuple[Change, ...]
    table: Table | None
    cut: str | None  # "120 changes (...); the first 50 are shown." when cut, else None
    sentence: str  # the count sentence, cut or not


def changes_part(changed: Sequence[Change], meeting: date, also: str | None = None) -> ChangesPart:
    """``also``: a sentence the summary ends with (the committee actions overdue now)."""
    table, sentence = None, ""
    cut = None
    if changed:
        whole = changes_logic.changes_table(list(changed))
        shown, sentence = first_rows(
            whole.frame, what=("change", "changes"), by="Kind", kinds=changes_logic.KIND_NOUNS
        )
        table = whole.head(shown.height)
        cut = sentence if shown.height < len(changed) else None
    summary = changes_logic.changes_summary(list(changed), meeting)
    return ChangesPart(
        meeting,
        summary if also is None else f"{summary} {also}",
        tuple(changed),
        table,
        cut,
        sentence,
    )


@dataclass(frozen=True)
class AttentionPart:
    sentence: str  # "3 items need attention (1 red area, ...)."
    table: Table  # the first rows
    count: int  # every item, shown or not


def attention_items(
    areas: pl.DataFrame,
    milestones: pl.DataFrame,
    *,
    today: date,
    rated: pl.DataFrame,
    findings: list[Finding],
    statuses,
    actions: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The red items a member should ask about (the rows the attention table is made of)."""
    from dashboard.domain.ratings import RED

    return headlines.attention_items(
        areas,
        milestones,
        today=today,
        red_lines=rated.filter(pl.col("rating") == RED),
        differing=overview.differing_labels(findings),
        statuses=statuses,
        actions=actions,
    )


def attention_part(items: pl.DataFrame) -> AttentionPart:
    shown, sentence = first_rows(
        items, what=headlines.ATTENTION, by="Kind", kinds=headlines.ATTENTION_NOUNS
    )
    return AttentionPart(sentence, Table.of("Needs attention", shown), items.height)


@dataclass(frozen=True)
class MtfsFigures:
    headlines: Headlines
    source: str
    coverage: str  # how the savings lines stand against the requirement


@dataclass(frozen=True)
class Overview:
    latest: date | None  # the latest as-at date of any figure; None when nothing is loaded
    dates: tuple[tuple[str, str], ...]  # each set of figures shown and the date it describes
    areas: int
    plan: Headlines  # areas in each status
    mtfs: tuple[MtfsFigures, ...]
    savings_sentence: str | None
    split: Chart | None
    # how a savings line's status and its BRAG rating go together (None: no lines)
    status_and_rating: str | None
    backlog: Headlines  # on screen: each with its change as a delta, month and source as note
    backlog_printed: Headlines  # in print: month, basis and the change written as the note
    changes: ChangesPart | None  # None: no meeting recorded
    attention: AttentionPart
    sources: Table

    @property
    def empty(self) -> bool:
        return self.latest is None

    @property
    def dates_sentence(self) -> str:
        """The date each set of figures describes (not the day they were loaded or last
        edited): ``Figures as at: improvement plan 23 Jan 2024, ..., backlog Nov 2023.``"""
        if not self.dates:
            return NO_FIGURES
        dated = ", ".join(f"{SAID[name]} {when}" for name, when in self.dates)
        return f"Figures as at: {dated}."

    @property
    def as_at_sentence(self) -> str:
        return f"{self.dates_sentence} Each figure's source is shown with it."

    @property
    def plan_sentence(self) -> str:
        # a status may name the MTFS ("Part of MTFS project plans"): spelt out before the cards
        words = glossary.defined(item.label for item in self.plan.items)
        return f"{formatting.counted(self.areas, 'accountability area')}. {words}".rstrip()

    @property
    def backlog_words(self) -> str:
        """What an abbreviation in a backlog card's label stands for ("OT"), said before the
        cards (empty when none uses one)."""
        return glossary.defined(item.label for item in self.backlog.items)

    def mtfs_blocks(self) -> list[Block]:
        blocks: list[Block] = []
        for part in self.mtfs:
            blocks += [part.headlines, Paragraph(part.source, "note"), Paragraph(part.coverage)]
        return blocks


def mtfs_figures(mtfs: pl.DataFrame, lines: pl.DataFrame) -> tuple[MtfsFigures, ...]:
    """Each requirement's figures, and how the savings lines still tracked stand against it
    (``lines``: every line and year)."""
    tracked = savings.tracked(lines)
    return tuple(
        MtfsFigures(
            Headlines(
                tuple(Headline(k, formatting.money(v)) for k, v in savings.mtfs_headlines(row))
            ),
            f"{row['period']}. Source: {papers.titled(row['source'])}, "
            f"as at {formatting.day(row['as_at'])}.",
            mtfs_logic.coverage(row, tracked).sentence(),
        )
        for row in mtfs.iter_rows(named=True)
    )


def _sentence(words: str) -> str:
    """``no change since ... 12 Mar 2024`` as a sentence: its first letter up, a full stop."""
    return f"{words[:1].upper()}{words[1:]}."


def backlog_headlines(latest: Sequence[headlines.Latest]) -> tuple[Headlines, Headlines]:
    """The latest backlog figures on screen (the change as a delta) and in print (the change
    in words)."""
    screen = Headlines(
        tuple(
            Headline(
                item.label,
                formatting.count(item.value),
                # the comparison with the meeting is a sentence under the figure: as a delta
                # it was cut off at 1366 pixels ("up 24 on the month bef...")
                (f"{_sentence(item.meeting_change())} " if item.meeting_change() else "")
                + f"{formatting.month(item.month)} ({item.basis}). Source: {item.source}",
                delta=item.month_change() or None,
                rise_is_good=item.higher_is_better,
            )
            for item in latest
        )
    )
    printed = Headlines(
        tuple(
            Headline(
                item.label,
                formatting.count(item.value),
                f"{formatting.month(item.month)} ({item.basis}); {item.direction()}".rstrip("; "),
            )
            for item in latest
        )
    )
    return screen, printed


def brag_split_chart(rated: pl.DataFrame) -> Chart | None:
    if rated.is_empty():
        return None
    split = savings.brag_split(savings.tracked(rated))
    figure = savings.brag_split_figure(split)
    return Chart(
        "overview-brag",
        figure.layout.title.text or "",
        figure,
        savings.brag_split_summary(split),
        savings.brag_split_table(split),
    )


def savings_sentence(rated: pl.DataFrame, split: Chart | None) -> str | None:
    """The savings lines' totals, and what the ratings of the chart below it stand for."""
    if rated.is_empty():
        return None
    words = glossary.defined([split.title]) if split is not None else ""
    return f"{overview.savings_totals(rated).sentence()} {words}".rstrip()


def build(
    *,
    areas: pl.DataFrame,
    lines: pl.DataFrame,
    rated: pl.DataFrame,
    mtfs: pl.DataFrame,
    backlog: pl.DataFrame,
    area_statuses: Sequence[str],
    latest_backlog: Sequence[headlines.Latest],
    meeting: date | None,
    changed: Sequence[Change],
    attention: pl.DataFrame,
    actions: pl.DataFrame | None = None,
    today: date | None = None,
) -> Overview:
    """``lines``: the savings lines as loaded (dated by their as-at); ``rated``: with their BRAG
    ratings; ``changed``: the changes since ``meeting`` (None: no meeting recorded);
    ``attention``: the items needing attention (``attention_items``); ``actions``: committee
    actions flagged as at ``today`` (``committee_actions.flag_actions``), whose overdue count
    the changes since the meeting end with."""
    from dashboard.domain.committee_actions import overdue_sentence

    also = None if actions is None or today is None else overdue_sentence(actions, today)
    frames = dated_frames(areas, lines, mtfs, backlog)
    screen, printed = backlog_headlines(latest_backlog)
    counts = headlines.areas_by_status(areas, area_statuses)
    split = brag_split_chart(rated)
    return Overview(
        latest=overview.latest_as_at(frames),
        dates=overview.figures_dates(frames),
        areas=areas.height,
        plan=Headlines(tuple(Headline(s, formatting.count(n)) for s, n in counts)),
        mtfs=mtfs_figures(mtfs, lines),
        savings_sentence=savings_sentence(rated, split),
        split=split,
        status_and_rating=None if rated.is_empty() else STATUS_AND_RATING,
        backlog=screen,
        backlog_printed=printed,
        changes=None if meeting is None else changes_part(changed, meeting, also),
        attention=attention_part(attention),
        sources=overview.figures_as_at_table(frames),
    )
