"""The body of a regular CSV file, read by polars.

The general reader (``files._csv_cells`` and ``files._locate``) reads a CSV with Python's csv
module row by row: a million-row file takes seconds. Most large files are regular below their
header: every row has at most the header's cells, no cell runs past the cell limit, no row is a
totals row or a note stating a unit. polars reads such a body a column at a time, to the same
cells (blank text as None, rows numbered as the csv module counts them). Anything else in the
body, or anything polars cannot parse as the csv module would, sends the whole file back to the
general reader (``None`` here), which says what it found. The tests compare the two readers over
the import corpus (tests/test_csv_body.py).

The body is read from the file's bytes as they are (UTF-8), past its head: a large file is never
copied as text. A dataset that drops some columns unread (CLD's direct identifiers and the
Release 2 columns it does not use: ``cld_columns.left_out``) names the columns to ``read``;
polars then parses the others' cells without keeping them, and nothing of them is checked: not
their length, and not whether a row runs past the header's width (such cells are never part of
the table). A row with at most one read cell filled may be a note below the table or a line
with only left-out cells: the general reader reads that file.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from data_access.limits import CELL_CHARS

# every character Python's str.isspace() takes: a cell of only these is blank to the csv reader
_PYTHON_SPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)
_BLANK = f"^[{_PYTHON_SPACE}]*$"
# a superset of files._TOTALS (any of a row's first three cells, not only the first filled)
_TOTALS_LIKE = r"(?i)^\s*(?:grand\s+|sub-?\s*)?totals?\b"
# the row's cells a totals row is found by (files._is_totals): always read
_TOTALS_CELLS = 3


def body_frame(
    data: bytes,
    skip_lines: int,
    delimiter: str,
    width: int,
    columns: int,
    first_row: int,
    read: Sequence[int] | None = None,
):
    """The rows of ``data`` (CSV text as UTF-8 bytes) after its first ``skip_lines`` lines as
    a frame of text columns named c0, c1, ... (one for each of the ``columns`` read) and a
    ``row`` number from ``first_row``, with the extent of its values as (last row, last
    column); or None where the general reader must read it.

    ``width``: the cells a row may have (the header row's); ``columns``: the header's named
    columns, the ones kept. ``read``: the positions of the columns whose cells are read (None:
    every one); the others are left out of the frame.
    """
    names = [f"c{i}" for i in range(width)]
    if read is None:
        wanted = list(range(width))
    else:
        wanted = sorted({*read, *range(min(_TOTALS_CELLS, columns))} & set(range(columns)))
    kept = [names[i] for i in wanted]
    try:
        raw = pl.read_csv(
            data,
            has_header=False,
            skip_lines=skip_lines,
            separator=delimiter,
            schema=dict.fromkeys(names, pl.String),
            columns=None if read is None else wanted,
            quote_char='"',
            raise_if_empty=False,
            missing_columns="insert",
        )
    except (pl.exceptions.PolarsError, OSError):
        return None  # a row longer than the header, a quote the csv module reads otherwise
    if raw.height == 0:
        return empty_body(columns), (0, 0)
    raw = _numbered(raw, first_row)
    # a cell of spaces is blank; the few columns holding one are rewritten, the rest kept as read
    maybe = _maybe_blank(raw, kept)
    blank = raw.select(pl.col(n).str.contains(_BLANK).any() for n in maybe).row(0) if maybe else ()
    frame = raw.with_columns(
        pl.when(pl.col(n).str.contains(_BLANK)).then(None).otherwise(pl.col(n)).alias(n)
        for n, held in zip(maybe, blank, strict=True)
        if held
    )
    if _long(frame, kept):
        return None
    if read is None and any(frame[n].null_count() < frame.height for n in names[columns:]):
        return None  # a cell past the header's named columns
    filled = pl.sum_horizontal(pl.col(n).is_not_null() for n in kept).alias("_filled")
    counted = frame.with_columns(filled)
    totals = pl.any_horizontal(
        pl.col(n).str.contains(_TOTALS_LIKE) for n in names[: min(_TOTALS_CELLS, columns)]
    )
    few = counted.filter(pl.col("_filled") <= 1)
    if counted.select(totals.any()).item():
        return None
    if read is not None and not few.is_empty():
        return None  # a note, or a line with only left-out cells: the general reader says
    # a lone cell with a pound sign: maybe a note stating a unit below the header
    lone = few.filter(pl.col("_filled") == 1)
    if lone.select(pl.any_horizontal(pl.col(n).str.contains("£") for n in kept).any()).item():
        return None
    rows = counted.filter(pl.col("_filled") > 0)
    last_row = rows["row"].max() if rows.height else 0
    last_column = max(
        (i + 1 for i, n in zip(wanted, kept, strict=True) if rows[n].null_count() < rows.height),
        default=0,
    )
    body = rows.select(pl.col("row").cast(pl.Int64), *(n for n in names[:columns] if n in kept))
    return body, (last_row or 0, last_column)


def _maybe_blank(frame: pl.DataFrame, names: list[str]) -> list[str]:
    """Of ``names``, the columns that may hold a cell of spaces (or an empty one): those with
    a cell starting below "!" or at U+0080 and above. In UTF-8 each space str.isspace() takes
    starts with a byte below "!" or from 0xC2 to 0xE3, so a column whose cells all start with
    a visible ASCII character holds none; comparing cells costs a third of matching _BLANK."""
    starts = frame.select(((pl.col(n) < "!") | (pl.col(n) >= "\u0080")).any() for n in names)
    return [n for n, unsure in zip(names, starts.row(0), strict=True) if unsure]


def _numbered(frame: pl.DataFrame, first_row: int) -> pl.DataFrame:
    """``frame`` with a ``row`` number from ``first_row`` first, held in chunks of the same
    sizes as the cells': polars reads a large file in many chunks but numbers it (row_index_name)
    in one, and every later select of a frame so mixed copies each column into one chunk."""
    parts = []
    start = first_row
    for chunk in frame.to_series(0).get_chunks():
        parts.append(pl.int_range(start, start + chunk.len(), dtype=pl.Int64, eager=True))
        start += chunk.len()
    return frame.insert_column(0, pl.concat(parts, rechunk=False).alias("row"))


def _long(frame: pl.DataFrame, names: list[str]) -> bool:
    """Whether a cell is longer than the cell limit (in characters, as the csv reader counts)."""
    longest = frame.select(pl.col(n).str.len_bytes().max() for n in names).row(0)
    wide = [n for n, most in zip(names, longest, strict=True) if (most or 0) > CELL_CHARS]
    if not wide:
        return False  # a cell's characters are never more than its bytes
    chars = frame.select(pl.col(n).str.len_chars().max() for n in wide).row(0)
    return any((most or 0) > CELL_CHARS for most in chars)


def empty_body(columns: int) -> pl.DataFrame:
    return pl.DataFrame(schema={"row": pl.Int64, **{f"c{i}": pl.String for i in range(columns)}})
