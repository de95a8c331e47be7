"""The body of a regular CSV file, read by polars.

The general reader (``files._csv_cells`` and ``files._locate``) reads a CSV with Python's csv
module row by row: a million-row file takes seconds. Most large files are regular below their
header: every row has at most the header's cells, no cell runs past the cell limit, no row is a
totals row or a note stating a unit. polars reads such a body a column at a time, to the same
cells (blank text as None, rows numbered as the csv module counts them). Anything else in the
body, or anything polars cannot parse as the csv module would, sends the whole file back to the
general reader (``None`` here), which says what it found. The tests compare the two readers over
the import corpus (tests/test_csv_body.py).
"""

from __future__ import annotations

import polars as pl

from data_access.limits import CELL_CHARS

# every character Python's str.isspace() takes: a cell of only these is blank to the csv reader
_PYTHON_SPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)
_BLANK = f"^[{_PYTHON_SPACE}]*$"
# a superset of files._TOTALS (any of a row's first three cells, not only the first filled)
_TOTALS_LIKE = r"(?i)^\s*(?:grand\s+|sub-?\s*)?totals?\b"


def body_frame(text: str, delimiter: str, width: int, columns: int, first_row: int):
    """The rows of ``text`` (a CSV body, no header) as a frame of ``columns`` text columns
    named c0, c1, ... and a ``row`` number from ``first_row``, with the extent of its values as
    (last row, last column); or None where the general reader must read it.

    ``width``: the cells a row may have (the header row's); ``columns``: the header's named
    columns, the ones kept.
    """
    if not text:
        return _empty(columns), (0, 0)
    names = [f"c{i}" for i in range(width)]
    try:
        raw = pl.read_csv(
            text.encode("utf-8"),
            has_header=False,
            separator=delimiter,
            schema=dict.fromkeys(names, pl.String),
            quote_char='"',
            raise_if_empty=False,
            missing_columns="insert",
        )
    except (pl.exceptions.PolarsError, OSError):
        return None  # a row longer than the header, a quote the csv module reads otherwise
    frame = raw.with_columns(
        pl.when(pl.col(n).str.contains(_BLANK)).then(None).otherwise(pl.col(n)).alias(n)
        for n in names
    ).with_row_index("row", offset=first_row)
    filled = [pl.col(n).is_not_null() for n in names]
    checks = frame.select(
        pl.any_horizontal(pl.col(n).str.len_chars() > CELL_CHARS for n in names)
        .any()
        .alias("long"),
        pl.any_horizontal(pl.col(n).is_not_null() for n in names[columns:]).any().alias("beyond")
        if width > columns
        else pl.lit(False).alias("beyond"),
        pl.any_horizontal(pl.col(n).str.contains(_TOTALS_LIKE) for n in names[: min(3, columns)])
        .any()
        .alias("totals"),
        # a lone cell with a pound sign: maybe a note stating a unit below the header
        (
            (pl.sum_horizontal(filled) == 1)
            & pl.any_horizontal(pl.col(n).str.contains("£") for n in names)
        )
        .any()
        .alias("note"),
        pl.when(pl.any_horizontal(filled)).then(pl.col("row")).max().alias("last_row"),
        pl.max_horizontal(
            pl.when(pl.col(n).is_not_null()).then(pl.lit(i + 1)).otherwise(pl.lit(0))
            for i, n in enumerate(names)
        )
        .max()
        .alias("last_column"),
    ).row(0, named=True)
    if checks["long"] or checks["beyond"] or checks["totals"] or checks["note"]:
        return None
    kept = frame.filter(pl.any_horizontal(filled)).select("row", *names[:columns])
    return kept.with_columns(pl.col("row").cast(pl.Int64)), (
        checks["last_row"] or 0,
        checks["last_column"] or 0,
    )


def _empty(columns: int) -> pl.DataFrame:
    return pl.DataFrame(schema={"row": pl.Int64, **{f"c{i}": pl.String for i in range(columns)}})
