"""Which savings years are still tracked: the one rule the savings totals, the BRAG split, the
bridges and the reconciliation of reported savings totals share.

A year withdrawn, deferred or replaced (``data_access.vocab.SavingsStatus``, its ``status``
column) has stopped: it is listed on its own, not added into what is tracked.
"""

from __future__ import annotations

import polars as pl


def tracked(rows: pl.DataFrame) -> pl.DataFrame:
    """The years still being delivered: the ones the totals, the BRAG split and the bridge
    count (a withdrawn, deferred or replaced year is listed on its own: ``savings.stopped``).

    >>> rows = pl.DataFrame({"code": ["A", "B"], "status": [None, "withdrawn"]})
    >>> tracked(rows)["code"].to_list()
    ['A']
    """
    return rows.filter(pl.col("status").is_null()) if "status" in rows else rows
