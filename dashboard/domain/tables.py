"""Long lists shown to members: the first rows, and a sentence saying what was left out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import polars as pl

from dashboard.domain.formatting import counted

# a noun as (one, many): ("item needs attention", "items need attention")
Noun = tuple[str, str]

# enough to read in a meeting; the whole list stays available in the downloads and the CLI
SHOWN_ROWS = 50
# a source line names a few files; at national scale a figure can come from hundreds of them
SHOWN_NAMES = 5


def first_rows(
    frame: pl.DataFrame,
    *,
    what: str | Noun,
    limit: int = SHOWN_ROWS,
    by: str | None = None,
    nouns: Mapping[str, Noun] | None = None,
) -> tuple[pl.DataFrame, str]:
    """``frame`` cut to ``limit`` rows, and a sentence with the count (per ``by`` value, each
    named by ``nouns`` when it is there, else in lower case with an s). ``what`` is the
    plural, or (one, many) when one reads differently.

    >>> frame = pl.DataFrame({"Kind": ["Red area", "Savings at risk", "Savings at risk"]})
    >>> first_rows(frame, what=("item needs attention", "items need attention"), by="Kind",
    ...            nouns={"Savings at risk": ("savings line at risk", "savings lines at risk")})[1]
    '3 items need attention (1 red area, 2 savings lines at risk).'
    """
    one, many = (what, what) if isinstance(what, str) else what
    counts = ""
    if by is not None and not frame.is_empty():
        parts = frame.group_by(by, maintain_order=True).len().iter_rows()
        named = nouns or {}
        counts = " (" + ", ".join(_counted(n, named.get(str(k)), str(k)) for k, n in parts) + ")"
    total = counted(frame.height, one, many)
    if frame.height <= limit:
        return frame, f"{total}{counts}."
    return frame.head(limit), f"{total}{counts}; the first {limit} are shown."


def _counted(number: int, noun: Noun | None, kind: str) -> str:
    return counted(number, *(noun or (kind.lower(), None)))


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
