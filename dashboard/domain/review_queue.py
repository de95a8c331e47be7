"""A risk-ranked review queue: who to review first, and why.

**The queue is a tool for professional judgement, not a substitute for it.** It orders the people
whose review is overdue or due soon by a transparent score so that officers see the riskiest
first, and says in words why each person is where they are. A practitioner who knows the person
decides; a score can only weigh what the extract records.

The score follows how Leicester prioritises reviews (seed 002): risk and safeguarding first; then
whether there has been contact within 12 months; whether the person lives alone or is supported
by carers or family; whether they live in a residential setting with concerns about the
provider. Each factor adds its weight from ``QueueWeights``, and lateness adds
``per_30_days_overdue`` points for each whole 30 days overdue. The defaults (integers, so the
score is exact) keep Leicester's order; lateness alone outranks an open safeguarding enquiry
only from 630 days overdue (21 x 5 = 105 points):

======================================  ======  ==============================================
factor                                  points  counts when
======================================  ======  ==============================================
open safeguarding enquiry               100     ``safeguarding_open`` is true
no contact for over 12 months           40      ``last_contact`` is missing, or more than 12
                                                calendar months before the extract date
lives alone without an unpaid carer     30      ``lives_alone`` true and ``has_unpaid_carer``
                                                false
provider concern in a care home         20      ``provider_concern`` true and ``setting``'s
                                                first word is residential or nursing
                                                ("Residential care", "Nursing")
each whole 30 days overdue              5       97 days overdue: 3 x 5 = 15
======================================  ======  ==============================================

A factor the extract leaves blank (null) adds nothing, except a missing ``last_contact``, which
says no contact is recorded. A factor whose weight is 0 adds nothing and is not named.

Each row's ``reason`` names the factors that count, in order of the points they add (equal
points in the order of the table), and where the person stands on the clock ("97 days
overdue", "due today", "due in 12 days") in its place by the points lateness adds: e.g. "open
safeguarding enquiry; no contact for 14 months; 97 days overdue". Rows are ordered by score
(highest first), then days overdue (most first; among those not yet due, the earliest due date
first), then ``person_id``, so equal scores always come out in the same order; ``rank`` numbers
them from 1.

>>> from datetime import date
>>> extract = pl.DataFrame(
...     {
...         "person_id": ["P1"],
...         "team": ["North"],
...         "age_band": ["65+"],
...         "setting": ["community"],
...         "support_start": [date(2020, 1, 6)],
...         "last_review": [date(2023, 11, 29)],
...         "next_review_due": [None],
...         "safeguarding_open": [True],
...         "provider_concern": [False],
...         "lives_alone": [False],
...         "has_unpaid_carer": [True],
...         "last_contact": [date(2024, 1, 2)],
...         "extract_date": [date(2025, 3, 6)],
...     },
...     schema_overrides={"next_review_due": pl.Date},
... )
>>> review_queue(extract).select("rank", "score", "reason").row(0)
(1, 155, 'open safeguarding enquiry; no contact for 14 months; 97 days overdue')
"""

from __future__ import annotations

import polars as pl

from dashboard.domain.formatting import counted_column
from dashboard.domain.review_clock import (
    DEFAULT_RULES,
    NOT_DUE,
    ClockRules,
    months_after,
    require_columns,
    review_clock,
)
from data_access.queue_weights import DEFAULT_WEIGHTS as DEFAULT_WEIGHTS
from data_access.queue_weights import QueueWeights

# settings where a concern about the provider is a concern about where the person lives
CARE_HOME_SETTINGS = ("residential", "nursing")
NO_CONTACT_MONTHS = 12
OVERDUE_STEP_DAYS = 30

QUEUE_COLUMNS = (
    "rank",
    "person_id",
    "team",
    "age_band",
    "setting",
    "band",
    "review_due",
    "due_basis",
    "days_overdue",
    "score",
    "reason",
)


def whole_months(start: str, end: str) -> pl.Expr:
    """Whole calendar months from ``start`` to ``end`` by the clock's rule: the most ``n`` with
    ``start`` + ``n`` months on or before ``end`` (31 January to 29 February 2024 is 1 month)."""
    first, last = pl.col(start), pl.col(end)
    rough = (last.dt.year().cast(pl.Int64) - first.dt.year().cast(pl.Int64)) * 12 + (
        last.dt.month().cast(pl.Int64) - first.dt.month().cast(pl.Int64)
    )
    overshoots = first.dt.offset_by(pl.format("{}mo", rough)) > last
    return rough - overshoots.cast(pl.Int64)


def _factors(weights: QueueWeights) -> list[tuple[int, pl.Expr, pl.Expr]]:
    """(weight, counts, words) for each factor with a weight, by weight, ties in Leicester's
    order (``sorted`` is stable)."""
    contact = pl.col("last_contact")
    setting = pl.col("setting").str.strip_chars().str.to_lowercase()
    factors = [
        (
            weights.safeguarding_open,
            pl.col("safeguarding_open").fill_null(False),
            pl.lit("open safeguarding enquiry"),
        ),
        (
            weights.no_contact_12_months,
            contact.is_null() | (months_after(contact, NO_CONTACT_MONTHS) < pl.col("extract_date")),
            pl.when(contact.is_null())
            .then(pl.lit("no contact recorded"))
            .otherwise(
                pl.concat_str(
                    pl.lit("no contact for "),
                    counted_column(whole_months("last_contact", "extract_date"), "month"),
                )
            ),
        ),
        (
            weights.lives_alone_without_carer,
            pl.col("lives_alone").fill_null(False) & ~pl.col("has_unpaid_carer").fill_null(True),
            pl.lit("lives alone without an unpaid carer"),
        ),
        (
            weights.provider_concern_care_home,
            pl.col("provider_concern").fill_null(False)
            # by its first word: councils write "Residential care", "Nursing home" (and the
            # CLD's service types are "Residential care" and "Nursing care")
            & setting.str.extract(r"^(\w+)").is_in(CARE_HOME_SETTINGS).fill_null(False),
            pl.concat_str(pl.lit("provider concern in a "), setting, pl.lit(" setting")),
        ),
    ]
    return sorted((f for f in factors if f[0] > 0), key=lambda f: -f[0])


def _timing() -> pl.Expr:
    """Where the person stands on the clock, in words."""
    overdue = pl.col("days_overdue")
    ahead = (pl.col("review_due") - pl.col("extract_date")).dt.total_days()
    return (
        pl.when(overdue > 0)
        .then(pl.concat_str(counted_column(overdue, "day"), pl.lit(" overdue")))
        .when(ahead == 0)
        .then(pl.lit("due today"))
        .otherwise(pl.concat_str(pl.lit("due in "), counted_column(ahead, "day")))
    )


def _score_and_reason(weights: QueueWeights) -> list[pl.Expr]:
    factors = _factors(weights)
    lateness = (pl.col("days_overdue") // OVERDUE_STEP_DAYS) * weights.per_30_days_overdue
    score = lateness
    parts: list[pl.Expr] = []
    above = None  # the weight of the factor before this slot (none before the first)
    for weight, counts, words in factors:
        score = score + pl.when(counts).then(weight).otherwise(0)
        # the timing goes before this factor when lateness adds more points than it
        here = lateness > weight if above is None else (lateness > weight) & (lateness <= above)
        parts += [pl.when(here).then(_timing()), pl.when(counts).then(words)]
        above = weight
    last = pl.lit(True) if above is None else lateness <= above
    parts.append(pl.when(last).then(_timing()))
    reason = pl.concat_str(parts, separator="; ", ignore_nulls=True)
    return [score.cast(pl.Int64).alias("score"), reason.alias("reason")]


def review_queue(
    cases: pl.DataFrame,
    weights: QueueWeights = DEFAULT_WEIGHTS,
    rules: ClockRules = DEFAULT_RULES,
) -> pl.DataFrame:
    """Everyone whose review is overdue or due within ``rules.due_soon_days``, riskiest first.

    Columns ``QUEUE_COLUMNS``: ``rank`` (Int64, from 1), the person's ``person_id``, ``team``,
    ``age_band`` and ``setting``, their clock (``band``, ``review_due``, ``due_basis``,
    ``days_overdue``; see ``review_clock``), ``score`` (Int64) and ``reason`` (String). The
    module docstring gives the score, the reason and the order.
    """
    require_columns(
        cases,
        (
            "person_id",
            "team",
            "age_band",
            "setting",
            "safeguarding_open",
            "provider_concern",
            "lives_alone",
            "has_unpaid_carer",
            "last_contact",
        ),
    )
    due = review_clock(cases, rules).filter(pl.col("band") != NOT_DUE)
    ranked = due.with_columns(_score_and_reason(weights)).sort(
        ["score", "days_overdue", "review_due", "person_id"],
        descending=[True, True, False, False],
        nulls_last=True,
    )
    return ranked.with_row_index("rank", offset=1).select(
        pl.col("rank").cast(pl.Int64), *QUEUE_COLUMNS[1:]
    )
