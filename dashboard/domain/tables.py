"""Long lists shown to members: the first rows, and a sentence saying what was left out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import polars as pl

from dashboard.domain.formatting import counted

# a noun as a count takes it: (one, many), e.g. ("red area", "red areas")
Noun = tuple[str, str]

# enough to read in a meeting; the whole list stays available in the downloads and the CLI
SHOWN_ROWS = 50
# a source line names a few files; at national scale a figure can come from hundreds of them
SHOWN_NAMES = 5


def first_rows(
    frame: pl.DataFrame,
    *,
    what: Noun,
    limit: int = SHOWN_ROWS,
    by: str | None = None,
    kinds: Mapping[str, Noun] | None = None,
) -> tuple[pl.DataFrame, str]:
    """``frame`` cut to ``limit`` rows, and a sentence with the count of ``what`` (one, many),
    and per ``by`` value with that value's noun in ``kinds``.

    >>> frame = pl.DataFrame({"Kind": ["Red area", "Red area", "Late"]})
    >>> kinds = {"Red area": ("red area", "red areas")}
    >>> first_rows(frame, what=("item is due", "items are due"), by="Kind", kinds=kinds)[1]
    '3 items are due (2 red areas, 1 late).'
    """
    counts = ""
    if by is not None and not frame.is_empty():
        parts = frame.group_by(by, maintain_order=True).len().iter_rows()
        nouns = kinds or {}
        counts = " (" + ", ".join(counted(n, *_noun(nouns, str(k))) for k, n in parts) + ")"
    said = counted(frame.height, *what) + counts
    if frame.height <= limit:
        return frame, f"{said}."
    return frame.head(limit), f"{said}; the first {limit} are shown."


def _noun(kinds: Mapping[str, Noun], kind: str) -> Noun:
    # a kind with no noun given reads as itself, lower case, with an "s" for many
    return kinds.get(kind) or (kind.lower(), f"{kind.lower()}s")


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
