"""Text columns written by Python functions, without running Python inside polars.

A Python function that polars runs (``map_elements``, ``map_batches`` ...) runs on polars' thread
pool and needs the GIL. With several Streamlit sessions, a script thread holding the GIL while
it waited for that pool (converting a multi-chunk frame for display) and a pool thread waiting
for the GIL deadlocked the server (issue 9; ``tests/test_no_polars_callbacks.py`` keeps them
out). ``text_per_value`` calls the function here, in Python, once per distinct value, and gives
polars only the finished mapping.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl


def text_per_value(
    frame: pl.DataFrame, column: str, show: Callable[[Any], str], *, skip_nulls: bool = True
) -> pl.Expr:
    """``column`` written by ``show``, as ``pl.col(column).map_elements(show, skip_nulls=...)``
    would write it, with ``show`` called once per distinct value of ``frame[column]`` (at
    national scale a table has 150,000 rows but a few thousand distinct amounts).

    Use the expression on ``frame`` or on a frame filtered or sorted from it: a value that is not
    in ``frame[column]`` would become null.

    >>> frame = pl.DataFrame({"n": [3, 1, 3, None]})
    >>> frame.select(text_per_value(frame, "n", lambda n: f"#{n}"))["n"].to_list()
    ['#3', '#1', '#3', None]
    >>> frame.select(text_per_value(frame, "n", str, skip_nulls=False))["n"].to_list()
    ['3', '1', '3', 'None']
    """
    distinct = frame.get_column(column).drop_nulls().unique()
    texts = pl.Series([show(value) for value in distinct.to_list()], dtype=pl.String)
    shown = pl.col(column).replace_strict(distinct, texts, default=None, return_dtype=pl.String)
    return shown if skip_nulls else shown.fill_null(pl.lit(show(None), dtype=pl.String))
