"""Reviews done against the 12-month duty, from the Client Level Data (CLD) return, disclosed.

``reviews_done`` turns the CLD events frame (``dashboard.domain.cld``) into what members may
read: reviews completed per month (planned, unplanned, reason not stated), the share of
long-term clients reviewed in the 12 months to a day, and DHSC's two median waits by quarter
and age band. Counts go through the viewer's disclosure rule (the months' table with
``protect``), a median over 1 to 7 waits is suppressed, and the share is worked out from the
disclosed figures. No person id leaves this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from dashboard.domain.case_picture import whole_percent
from dashboard.domain.cld import dhsc_waits, review_coverage, reviews_per_month
from dashboard.domain.disclosure import DisclosureRule, protect

KINDS = {"planned": "Planned", "unplanned": "Unplanned", "not_stated": "Reason not stated"}


@dataclass(frozen=True)
class ReviewsDone:
    at: date
    # month (Date; null for all months), kind (a value of KINDS; null for all kinds), count
    months: pl.DataFrame
    clients: int | None  # long-term clients at ``at`` (None: suppressed)
    reviewed: int | None  # of whom reviewed in the 12 months to ``at``
    share: int | None  # whole percent, from the disclosed figures
    # measure, quarter, age_band, median_days (null: suppressed), waits (disclosed)
    waits: pl.DataFrame


def _months(events: pl.DataFrame, rule: DisclosureRule) -> pl.DataFrame:
    counted = reviews_per_month(events).group_by("month").agg(pl.col(list(KINDS)).sum())
    cells = counted.sort("month").unpivot(index="month", on=list(KINDS), variable_name="kind")
    cells = cells.with_columns(pl.col("kind").replace_strict(KINDS))
    if cells.is_empty():
        return cells.select("month", "kind", pl.col("value").cast(pl.Int64).alias("count"))
    table = protect(cells, rule, exact=False, row="month", column="kind")
    return table.select("month", "kind", pl.col("shown").alias("count"))


def _waits(events: pl.DataFrame, rule: DisclosureRule) -> pl.DataFrame:
    waits = dhsc_waits(events)
    hidden = rule.suppressed_expr("waits")
    return waits.select(
        "measure",
        "quarter",
        "age_band",
        pl.when(hidden).then(None).otherwise(pl.col("median_days")).alias("median_days"),
        rule.expr("waits").alias("waits"),
    )


def reviews_done(events: pl.DataFrame, at: date, rule: DisclosureRule) -> ReviewsDone:
    """The CLD figures as ``rule`` discloses them, with the review share at ``at`` or, when
    the return ends before it, at the return's last recorded day: a later day would count
    reviews that no event in the return could yet show as missing."""
    covered = events.select(pl.max_horizontal("event_start_date", "event_end_date").max()).item()
    if covered is not None and covered < at:
        at = covered
    coverage = review_coverage(events, at)
    clients, reviewed = rule.disclosed(coverage.clients), rule.disclosed(coverage.reviewed)
    # 0 reviewed stays 0; a suppressed whole leaves no share
    return ReviewsDone(
        at=at,
        months=_months(events, rule),
        clients=clients,
        reviewed=reviewed,
        share=whole_percent(reviewed, clients),
        waits=_waits(events, rule),
    )
