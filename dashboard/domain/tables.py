"""Long lists shown to members: the first rows, and a sentence saying what was left out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import polars as pl

# enough to read in a meeting; the whole list stays available in the downloads and the CLI
SHOWN_ROWS = 50
# a source line names a few files; at national scale a figure can come from hundreds of them
SHOWN_NAMES = 5


def first_rows(
    frame: pl.DataFrame, *, what: str, limit: int = SHOWN_ROWS, by: str | None = None
) -> tuple[pl.DataFrame, str]:
    """``frame`` cut to ``limit`` rows, and a sentence with the count (per ``by`` value)."""
    counts = ""
    if by is not None and not frame.is_empty():
        parts = frame.group_by(by, maintain_order=True).len().iter_rows()
        counts = " (" + ", ".join(f"{n:,} {str(k).lower()}" for k, n in parts) + ")"
    if frame.height <= limit:
        return frame, f"{frame.height:,} {what}{counts}."
    return frame.head(limit), f"{frame.height:,} {what}{counts}; the first {limit} are shown."


def first_names(names: Iterable[str], *, limit: int = SHOWN_NAMES) -> str:
    """``a; b; c`` or, past ``limit`` names, ``a; b; c; d; e and 149 more``."""
    names = list(names)
    if len(names) <= limit:
        return "; ".join(names)
    return f"{'; '.join(names[:limit])} and {len(names) - limit:,} more"


def matching(frame: pl.DataFrame, text: str | None, columns: Sequence[str]) -> pl.DataFrame:
    """The rows where any of ``columns`` contains ``text``, ignoring case (all rows when
    ``text`` is blank). The text is matched literally: members type names, not patterns."""
    needle = (text or "").strip().lower()
    if not needle:
        return frame
    return frame.filter(
        pl.any_horizontal(
            pl.col(c).str.to_lowercase().str.contains(needle, literal=True) for c in columns
        )
    )
