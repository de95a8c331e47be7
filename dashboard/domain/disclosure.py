"""Disclosure control: the one rule for counts of people that members see.

By default NHS England's rule for sub-national counts about people (``../shared/CASE-DATA.md``):

- a count of 0 stays 0;
- a count of 1 to 7 is suppressed, written in words: ``fewer than 8`` (never a symbol, for
  screen readers; the number is the rule's threshold);
- a count of 8 or more is rounded to the nearest 5. A half cannot occur with a base of 5 and
  whole counts (12 -> 10, 13 -> 15); with an even base a half rounds up (base 10: 15 -> 20);
- a median or mean over 1 to 7 people is suppressed (``statistic``);
- a percentage is worked out from the disclosed (rounded) figures (``percentage``);
- a table with row and column totals has secondary suppression (``protect``), so that no
  suppressed cell can be worked out from its row or column total.

The threshold (``ASCGOV_DISCLOSURE_THRESHOLD``, 8) and the rounding base
(``ASCGOV_DISCLOSURE_ROUND_TO``, 5) are settings (``DisclosureRule.from_settings``).

Who sees exact counts is the caller's decision: ``rule.for_viewer(exact)`` is ``EXACT`` (nothing
suppressed, nothing rounded) for an officer or director looking at their own work, and the rule
otherwise. Every function here takes the rule in force for the viewer, so one code path serves
both. A rounded count is marked where it is shown in a table by the rule's ``note`` (on the page
under the tables, in the pack and in a download's notes).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from dashboard.domain.formatting import count

if TYPE_CHECKING:
    from data_access.settings import Settings


@dataclass(frozen=True)
class DisclosureRule:
    """Counts of 1 to ``threshold - 1`` are suppressed; others are rounded to the nearest
    ``round_to`` (half up). ``threshold`` 0 suppresses nothing; ``round_to`` 1 rounds nothing.

    >>> rule = DisclosureRule()
    >>> [rule.disclosed(v) for v in (0, 1, 7, 8, 12, 13, 1_234)]
    [0, None, None, 10, 10, 15, 1235]
    >>> rule.words(7), rule.words(13), rule.words(0)
    ('fewer than 8', '15', '0')
    """

    threshold: int = 8
    round_to: int = 5

    def __post_init__(self) -> None:
        if self.threshold < 0:
            raise ValueError(f"the suppression threshold must be 0 or more, not {self.threshold}")
        if self.round_to < 1:
            raise ValueError(f"the rounding base must be 1 or more, not {self.round_to}")
        # a count that is not suppressed must never round to 0 (1 would read as none)
        smallest = (self.round_to + 1) // 2
        if self.round_to > 1 and self.threshold < smallest:
            raise ValueError(
                f"counts rounded to the nearest {self.round_to} need a suppression threshold of "
                f"at least {smallest} (below it a count of people would be shown as 0), "
                f"not {self.threshold}"
            )

    @classmethod
    def from_settings(cls, settings: Settings) -> DisclosureRule:
        """The rule in force (the settings check their values once, at start-up)."""
        return cls(settings.disclosure_threshold, settings.disclosure_round_to)

    @property
    def is_exact(self) -> bool:
        return self.threshold <= 1 and self.round_to == 1

    def for_viewer(self, exact: bool) -> DisclosureRule:
        """``EXACT`` for a viewer who may see exact counts (the caller decides who), else this
        rule."""
        return EXACT if exact else self

    @property
    def suppressed_words(self) -> str:
        """The one wording for a suppressed value: ``fewer than 8``."""
        return f"fewer than {self.threshold:,}"

    @property
    def note(self) -> str | None:
        """What a reader of a table of disclosed counts is told (None when exact)."""
        parts = []
        if self.round_to > 1:
            parts.append(f"Counts of people are rounded to the nearest {self.round_to:,}")
        if self.threshold > 1:
            parts.append(
                f"counts from 1 to {self.threshold - 1:,} are shown as "
                f"'{self.suppressed_words}', as are counts that would let one be worked out "
                "from a total"
            )
        if not parts:
            return None
        text = "; ".join(parts)
        return text[0].upper() + text[1:] + "."

    # one value ----------------------------------------------------------------------------------

    def suppressed(self, value: int | None) -> bool:
        """True when ``value`` must not be shown (1 to ``threshold - 1``)."""
        return value is not None and 0 < value < self.threshold

    def rounded(self, value: int) -> int:
        """``value`` to the nearest ``round_to``, a half up (13 -> 15, 12 -> 10)."""
        return (value + self.round_to // 2) // self.round_to * self.round_to

    def disclosed(self, value: int | None) -> int | None:
        """The figure a viewer may see: None when suppressed (or missing), else rounded."""
        if value is None or self.suppressed(value):
            return None
        return self.rounded(value)

    def words(self, value: int | None) -> str:
        """A count as the viewer reads it: ``1,235``, ``fewer than 8``, or ``not published``
        when missing."""
        if self.suppressed(value):
            return self.suppressed_words
        return count(None if value is None else self.rounded(value))

    def statistic(self, value: float | None, people: int) -> float | None:
        """A median or mean over ``people`` people: None (suppressed) over 1 to
        ``threshold - 1`` people; otherwise the value unchanged (it is not a count)."""
        if value is None or self.suppressed(people):
            return None
        return value

    def statistic_words(self, text: str, people: int) -> str:
        """A median or mean already written (``42 days``), or the suppressed wording."""
        return self.suppressed_words if self.suppressed(people) else text

    def percentage(self, part: int, whole: int) -> float | None:
        """``part`` as a percentage of ``whole``, from the disclosed figures (None when either
        is suppressed or the whole is 0)."""
        shown_part, shown_whole = self.disclosed(part), self.disclosed(whole)
        if shown_part is None or not shown_whole:
            return None
        return 100 * shown_part / shown_whole

    # frames -------------------------------------------------------------------------------------

    def expr(self, column: str) -> pl.Expr:
        """``column`` as disclosed: suppressed counts null, the others rounded."""
        values = pl.col(column)
        if self.is_exact:
            return values
        if self.round_to > 1:
            values = (values + self.round_to // 2) // self.round_to * self.round_to
        hidden = (pl.col(column) > 0) & (pl.col(column) < self.threshold)
        return pl.when(hidden).then(None).otherwise(values).alias(column)

    def suppressed_expr(self, column: str) -> pl.Expr:
        return ((pl.col(column) > 0) & (pl.col(column) < self.threshold)).fill_null(False)


EXACT = DisclosureRule(0, 1)
NHS_ENGLAND = DisclosureRule(8, 5)


def disclose(
    frame: pl.DataFrame, rule: DisclosureRule, *, exact: bool, columns: Sequence[str]
) -> pl.DataFrame:
    """``frame`` with its count ``columns`` as the viewer may see them: unchanged when
    ``exact`` (an officer or director on their own work), else suppressed (null) and rounded
    by ``rule``. No secondary suppression: for a table with totals, use ``protect``."""
    shown = rule.for_viewer(exact)
    if shown.is_exact:
        return frame
    return frame.with_columns(shown.expr(c) for c in columns)


# secondary suppression ---------------------------------------------------------------------------


def protect(
    cells: pl.DataFrame,
    rule: DisclosureRule,
    *,
    exact: bool,
    row: str,
    column: str,
    value: str = "value",
    hidden: Collection[tuple[object, object]] = (),
) -> pl.DataFrame:
    """A table of counts (long: one row per ``row`` x ``column`` cell, whole ``value``s) with its
    row and column totals and the grand total, disclosed with secondary suppression.

    Returns ``row, column, value, shown, suppressed``: the interior cells in the order given,
    then each row's total (``column`` null), each column's total (``row`` null) and the grand
    total (both null). ``value`` is exact; ``shown`` is what the viewer sees (null when
    ``suppressed``, else rounded).

    The algorithm: the totals are cells like any other. Each row of the table, with its total,
    is a line, as is each column with its total, and the column of row totals with the grand
    total, and the row of column totals with it. Primary suppression hides every cell (and
    total) of 1 to ``threshold - 1``. Then, until nothing changes: in any line with exactly one
    hidden cell (which its other cells and total would give away), hide the smallest non-zero
    visible cell of that line too (ties: the first in the line's order). A zero is never hidden
    as a second cell (it protects nothing), and a cell hidden for one line may make another line
    need one, hence the repeat; it stops because each pass hides at least one more cell. A
    line whose other cells are all 0 cannot hide its one cell by a second cell: then its total
    equals that cell and is itself below the threshold, so it is hidden too.

    ``hidden``: cells (``(row, column)`` keys, None for a total) to hide from the start, whatever
    their size: a total this table shares with another table (the same column totals by team and
    by age band) must be hidden in both when either hides it, or the other would give it away.
    """
    cells = cells.select(row, column, pl.col(value).cast(pl.Int64))
    totals = pl.concat(
        [
            cells,
            cells.group_by(row, maintain_order=True).agg(
                pl.lit(None, cells.schema[column]).alias(column), pl.col(value).sum()
            ),
            cells.group_by(column, maintain_order=True).agg(
                pl.lit(None, cells.schema[row]).alias(row), pl.col(value).sum()
            ),
            cells.select(
                pl.lit(None, cells.schema[row]).alias(row),
                pl.lit(None, cells.schema[column]).alias(column),
                pl.col(value).sum(),
            ),
        ],
        how="diagonal_relaxed",
    ).select(row, column, value)
    shown = rule.for_viewer(exact)
    if shown.is_exact:
        return totals.with_columns(pl.col(value).alias("shown"), suppressed=pl.lit(False))
    table = totals.with_row_index("_cell").with_columns(suppressed=shown.suppressed_expr(value))
    forced = set(hidden)
    hidden = set(table.filter("suppressed")["_cell"].to_list())
    if forced:
        keys = zip(table[row].to_list(), table[column].to_list(), strict=True)
        hidden |= {i for i, key in enumerate(keys) if key in forced}
    if hidden:
        lines = _lines(table, row, column)
        sizes = dict(zip(table["_cell"].to_list(), table[value].to_list(), strict=True))
        changed = True
        while changed:
            changed = False
            for line in lines:
                if sum(cell in hidden for cell in line) != 1:
                    continue
                visible = [c for c in line if c not in hidden and sizes[c] > 0]
                if visible:
                    hidden.add(min(visible, key=lambda c: (sizes[c], line.index(c))))
                    changed = True
    return table.with_columns(
        suppressed=pl.col("_cell").is_in(sorted(hidden)),
    ).select(
        row,
        column,
        value,
        pl.when(pl.col("suppressed")).then(None).otherwise(shown.expr(value)).alias("shown"),
        "suppressed",
    )


def _lines(table: pl.DataFrame, row: str, column: str) -> list[list[int]]:
    """The cells (by index) of each line that adds up: every row with its total (``column``
    null), every column with its total (``row`` null), the row totals with the grand total and
    the column totals with it (those two are the null row's and null column's groups)."""
    lines = []
    for key in (row, column):
        groups = table.group_by(key, maintain_order=True).agg(pl.col("_cell"))
        lines += [list(cells) for cells in groups["_cell"].to_list()]
    return [line for line in lines if len(line) > 1]
