"""Small-number suppression: counts below a threshold are not shown to members.

Small counts about a team or a priority band could identify the people behind them, so the
threshold (``small_number_threshold`` in settings, 0 for off) hides the exact figure.
"""

from __future__ import annotations

import polars as pl

from dashboard.domain.formatting import count
from data_access.text_columns import text_per_value


def is_suppressed(value: int | None, threshold: int) -> bool:
    """True when ``value`` must not be shown.

    >>> is_suppressed(4, 5), is_suppressed(5, 5), is_suppressed(0, 0)
    (True, False, False)
    """
    return value is not None and threshold > 0 and value < threshold


def shown_count(value: int | None, threshold: int) -> str:
    """A count as members may read it: ``1,234``, or ``fewer than 5`` when suppressed.

    >>> shown_count(1234, 5), shown_count(3, 5)
    ('1,234', 'fewer than 5')
    """
    if is_suppressed(value, threshold):
        return f"fewer than {threshold:,}"
    return count(value)


def hide_small(column: str, threshold: int) -> pl.Expr:
    """``column`` with suppressed counts made null, so a chart does not plot them."""
    values = pl.col(column)
    if threshold <= 0:
        return values
    return pl.when(values < threshold).then(None).otherwise(values).alias(column)


def shown_counts(frame: pl.DataFrame, column: str, threshold: int) -> pl.Expr:
    """``frame[column]`` as text for a table, suppressed counts written ``fewer than N``."""
    return text_per_value(frame, column, lambda v: shown_count(v, threshold), skip_nulls=False)
