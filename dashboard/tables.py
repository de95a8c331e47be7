"""Long lists shown to members: the first rows, and a sentence saying what was left out."""

from __future__ import annotations

import polars as pl

# enough to read in a meeting; the whole list stays available in the downloads and the CLI
SHOWN_ROWS = 50


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
