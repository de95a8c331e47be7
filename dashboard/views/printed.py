"""Long tables in print: a briefing pack prints a sentence and a short table where the page has
a long one (every month of a projection, every savings line of a national council), and says
where the whole table is: in its page's downloads.

A table of months keeps evenly spaced months counted back from the latest, and each series'
last month (so the last recorded month and the month a projection ends are there); any other
table keeps its first rows, its red and amber ratings first where it has ratings.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from dashboard.domain.formatting import counted
from dashboard.domain.table import Kind, Table
from dashboard.views.blocks import Block, Chart, Paragraph, Section

PRINT_ROWS = 25  # about half an A4 page of a table's small print
MONTH_POINTS = 12
MONTH = "Month"
SERIES = "Figure"
# the order ratings are printed in when a long table is cut: those needing attention first
_RATED_FIRST = ("Red", "Amber", "Green", "Blue")


def for_print(section: Section, page: str) -> Section:
    """``section`` with each long table (a chart's included) cut for print, each followed by
    the sentence saying what was left out and that ``page``'s downloads hold it all."""
    blocks: list[Block] = []
    for block in section.blocks:
        if isinstance(block, Table) and block.height > PRINT_ROWS:
            short, sentence = cut(block, page)
            blocks += [Paragraph(sentence, "note"), short]
        elif isinstance(block, Chart) and block.table.height > PRINT_ROWS:
            short, sentence = cut(block.table, page)
            blocks += [replace(block, table=short), Paragraph(sentence, "note")]
        else:
            blocks.append(block)
    return replace(section, blocks=tuple(blocks))


def cut(table: Table, page: str) -> tuple[Table, str]:
    """The short table and the sentence that goes with it."""
    where = f"every row is in the table's downloads on the dashboard's {page} page."
    frame = table.frame
    if MONTH in frame.columns and frame.schema[MONTH] == pl.Date:
        months = frame.get_column(MONTH).unique().sort()
        step = -(-months.len() // MONTH_POINTS)  # ceiling: at most MONTH_POINTS months
        chosen = months.reverse().gather_every(step)
        if SERIES in frame.columns:  # and each series' last month (the last one recorded)
            ends = frame.group_by(SERIES).agg(pl.col(MONTH).max()).get_column(MONTH)
            chosen = pl.concat([chosen, ends]).unique()
        which = "evenly spaced up to the latest"
        if frame.filter(pl.col(MONTH).is_in(chosen.implode())).height > PRINT_ROWS * 2:
            # many figures a month: the latest months alone
            chosen = months.tail(max(1, PRINT_ROWS * months.len() // frame.height))
            which = "the latest"
        short = replace(table, frame=frame.filter(pl.col(MONTH).is_in(chosen.implode())))
        return short, (
            f"The table gives {chosen.len()} of the {counted(months.len(), 'month')} "
            f"({which}), {counted(short.height, 'row')} of {frame.height:,}; {where}"
        )
    ordered, first = _rated_first(table)
    short = ordered.head(PRINT_ROWS)
    return short, (f"The first {PRINT_ROWS} of {frame.height:,} rows are shown{first}; {where}")


def _rated_first(table: Table) -> tuple[Table, str]:
    rating = next((c.name for c in table.columns if c.kind == Kind.RATING), None)
    if rating is None:
        return table, ""
    rank = pl.col(rating).cast(pl.String).str.extract(r"^(\w+)")
    order = pl.when(rank.is_in(_RATED_FIRST)).then(
        rank.replace_strict(_RATED_FIRST, range(len(_RATED_FIRST)), default=None)
    )
    frame = table.frame.with_row_index("_at").sort(order.fill_null(len(_RATED_FIRST)), "_at")
    return replace(table, frame=frame.drop("_at")), ", Red and Amber first"


def _ordinal(n: int) -> str:
    """``2nd``, ``3rd``, ``11th``.

    >>> [_ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd']
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
