"""What the PDF and Word layouts share: which columns are figures, what the pack says about
its charts."""

from __future__ import annotations

import polars as pl

from dashboard.briefing.images import Drawn
from dashboard.downloads import typed


def alignments(frame: pl.DataFrame) -> tuple[str, ...]:
    """``R`` for columns of figures (money, counts), ``L`` for words: as a printed table."""
    kinds = typed(frame).schema
    return tuple("R" if kinds[name].is_numeric() else "L" for name in frame.columns)


def charts_note(drawn: Drawn) -> str:
    if drawn.reason:
        return (
            f"Charts are not drawn in this pack: {drawn.reason}. Each chart's figures are "
            "given as a table in its place."
        )
    return (
        "Each chart is followed by a sentence saying what it shows and by its figures as a "
        "table. Ratings are named in words, never shown by colour alone."
    )
