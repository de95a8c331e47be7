"""The Care Act review clock and the live waiting lists, from a census extract.

Pure polars functions over a census extract frame (the ``cases`` dataset): one row per person
at an extract date, with the columns in ``CENSUS_COLUMNS``. Nothing here reads the store or
Streamlit, and nothing runs a Python function inside polars: every rule is a polars expression.

The clock (``review_clock``) covers everyone with long-term support at the extract date, that is
``support_start`` given and on or before ``extract_date``. For each of them:

- **The review that counts.** ``last_review`` counts only when it is after ``support_start`` (a
  review on the day a plan started is the review that set it up, not a review of it) and on or
  before ``extract_date`` (a review dated after the extract cannot have happened by then).
- **The statutory date.** With no review that counts, the first review is due
  ``first_review_weeks`` after ``support_start`` (8 weeks: support starting 1 March 2024 is due
  26 April 2024). Otherwise the next is due ``review_months`` calendar months after the last
  review, on the same day of the month, or the month's last day when it has no such day: 12
  months after 29 February 2024 is 28 February 2025, and 1 month after 31 January 2024 is
  29 February 2024 (polars ``dt.offset_by("12mo")``, checked against Python in the tests).
- **The council's date.** The statutory clock is the duty, so a ``next_review_due`` from the
  council's system wins only when it is earlier (a council may review sooner, never later). A
  council's date on or before the review that counts (or before ``support_start`` when there is
  none) is one that review or plan has already overtaken, and is ignored.
- **Overdue.** A review due on the extract date is due that day, not overdue; ``days_overdue``
  is ``extract_date - review_due`` when that is positive, else 0.
- **Ageing bands**, by calendar months from the due date, each upper edge inclusive (reaching an
  edge is still the lower band, as reaching the due date is still "due"):
  "not due" (due more than ``due_soon_days`` after the extract date); "due within 28 days" (due
  from the extract date to ``due_soon_days`` after it, both included); "overdue up to 3 months"
  (the extract date after the due date and no later than 3 calendar months after it); "overdue 3
  to 6 months" (after 3 months, up to and including 6); "overdue 6 to 12 months" (after 6, up to
  and including 12); "overdue over 12 months". A review due 31 August is "overdue up to 3
  months" on 30 November and "overdue 3 to 6 months" from 1 December.

Dates are ``datetime.date`` (polars ``Date``); day counts are whole days (``Int64``).

>>> from datetime import date
>>> extract = pl.DataFrame(
...     {
...         "person_id": ["P1"],
...         "support_start": [date(2020, 5, 1)],
...         "last_review": [date(2024, 2, 29)],
...         "next_review_due": [None],
...         "extract_date": [date(2025, 3, 1)],
...     },
...     schema_overrides={"next_review_due": pl.Date},
... )
>>> clock = review_clock(extract)
>>> clock.select("review_due", "due_basis", "days_overdue", "band").row(0)
(datetime.date(2025, 2, 28), 'periodic review', 1, 'overdue up to 3 months')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

# the census extract as the ``cases`` dataset delivers it
CENSUS_COLUMNS: dict[str, pl.DataType] = {
    "person_id": pl.String(),
    "team": pl.String(),
    "age_band": pl.String(),
    "primary_support_reason": pl.String(),
    "setting": pl.String(),
    "support_start": pl.Date(),
    "last_review": pl.Date(),
    "next_review_due": pl.Date(),
    "waiting_assessment_since": pl.Date(),
    "waiting_ot_since": pl.Date(),
    "waiting_service_since": pl.Date(),
    "safeguarding_open": pl.Boolean(),
    "provider_concern": pl.Boolean(),
    "lives_alone": pl.Boolean(),
    "has_unpaid_carer": pl.Boolean(),
    "last_contact": pl.Date(),
    "extract_date": pl.Date(),
}

# the national (ADASS) long wait for a first assessment: more than six calendar months
LONG_WAIT_MONTHS = 6

FIRST_REVIEW = "first review"
PERIODIC_REVIEW = "periodic review"
COUNCIL_DATE = "council's date"

NOT_DUE = "not due"
OVERDUE_BANDS = (
    (3, "overdue up to 3 months"),
    (6, "overdue 3 to 6 months"),
    (12, "overdue 6 to 12 months"),
)
OVERDUE_OVER_12 = "overdue over 12 months"

CLOCK_COLUMNS = ("review_due", "due_basis", "days_overdue", "band")
WAITING_COLUMNS = (
    "awaiting_assessment",
    "awaiting_assessment_over_six_months",
    "awaiting_service",
    "overdue_review",
    "people_waiting",
)
OT_COLUMNS = ("ot_waiting", "ot_median_days", "ot_longest_days")


@dataclass(frozen=True)
class ClockRules:
    """The review clock's settings.

    ``first_review_weeks``: the first review of a new plan is due this many weeks after support
    starts (statutory guidance: 6 to 8 weeks). ``review_months``: later reviews are due this
    many calendar months after the last (at least every 12 months). ``due_soon_days``: a review
    due within this many days of the extract date is "due within N days".

    >>> ClockRules().due_soon_band
    'due within 28 days'
    """

    first_review_weeks: int = 8
    review_months: int = 12
    due_soon_days: int = 28

    def __post_init__(self) -> None:
        for name in ("first_review_weeks", "review_months"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a whole number of at least 1, not {value!r}")
        soon = self.due_soon_days
        if isinstance(soon, bool) or not isinstance(soon, int) or soon < 0:
            raise ValueError(f"due_soon_days must be a whole number of at least 0, not {soon!r}")

    @property
    def due_soon_band(self) -> str:
        return f"due within {self.due_soon_days} days"

    @property
    def bands(self) -> tuple[str, ...]:
        """The ageing bands, from not due to longest overdue."""
        overdue = tuple(label for _, label in OVERDUE_BANDS)
        return (NOT_DUE, self.due_soon_band, *overdue, OVERDUE_OVER_12)


DEFAULT_RULES = ClockRules()


def require_columns(frame: pl.DataFrame, columns: Sequence[str]) -> None:
    """Refuse a frame missing a column the rules read, or holding it with another type."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"the census extract has no column {', '.join(missing)}")
    wrong = [
        f"{c} is {frame.schema[c]}, not {CENSUS_COLUMNS[c]}"
        for c in columns
        if c in CENSUS_COLUMNS
        and frame.schema[c] != CENSUS_COLUMNS[c]
        and frame.schema[c] != pl.Null
    ]
    if wrong:
        raise ValueError(f"the census extract has the wrong type: {'; '.join(wrong)}")


def months_after(column: str | pl.Expr, months: int) -> pl.Expr:
    """The date ``months`` calendar months later, clamped to the month's last day."""
    expr = pl.col(column) if isinstance(column, str) else column
    return expr.dt.offset_by(f"{months}mo")


def days_between(start: str | pl.Expr, end: str | pl.Expr) -> pl.Expr:
    """Whole days from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    first = pl.col(start) if isinstance(start, str) else start
    last = pl.col(end) if isinstance(end, str) else end
    return (last - first).dt.total_days().cast(pl.Int64)


def counted_review() -> pl.Expr:
    """``last_review`` where it counts (after ``support_start``, on or before
    ``extract_date``), else null: the one rule of which review a clock runs from."""
    start, extract = pl.col("support_start"), pl.col("extract_date")
    review = pl.col("last_review")
    return (
        pl.when(review.is_not_null() & (review > start) & (review <= extract))
        .then(review)
        .otherwise(None)
    )


def has_support() -> pl.Expr:
    """Long-term support at the extract date: ``support_start`` given, on or before it."""
    start = pl.col("support_start")
    return start.is_not_null() & (start <= pl.col("extract_date"))


def _clock_expressions(rules: ClockRules) -> list[list[pl.Expr]]:
    """The clock's columns, in the steps that compute them (each step reads the one before).

    Rows without long-term support at the extract date get nulls.
    """
    start = pl.col("support_start")
    counted = counted_review()
    statutory = (
        pl.when(pl.col("_review_counted").is_null())
        .then(start + pl.duration(weeks=rules.first_review_weeks))
        .otherwise(months_after("_review_counted", rules.review_months))
    )
    council = pl.col("next_review_due")
    # a council's date counts only after the review it follows (or from the plan's start)
    live = (
        pl.when(pl.col("_review_counted").is_null())
        .then(council >= start)
        .otherwise(council > pl.col("_review_counted"))
    )
    council_wins = council.is_not_null() & (council < pl.col("_statutory_due")) & live
    support = has_support()
    due = (
        pl.when(support & council_wins)
        .then(council)
        .when(support)
        .then(pl.col("_statutory_due"))
        .otherwise(None)
        .alias("review_due")
    )
    basis = (
        pl.when(~support)
        .then(None)
        .when(council_wins)
        .then(pl.lit(COUNCIL_DATE))
        .when(pl.col("_review_counted").is_null())
        .then(pl.lit(FIRST_REVIEW))
        .otherwise(pl.lit(PERIODIC_REVIEW))
        .alias("due_basis")
    )
    overdue = days_between("review_due", "extract_date").clip(lower_bound=0).alias("days_overdue")
    return [
        [counted.alias("_review_counted")],
        [statutory.alias("_statutory_due")],
        [due, basis],
        [overdue, _band(rules)],
    ]


def _band(rules: ClockRules) -> pl.Expr:
    due, extract = pl.col("review_due"), pl.col("extract_date")
    soon_until = extract + pl.duration(days=rules.due_soon_days)
    band = (
        pl.when(due.is_null())
        .then(None)
        .when(due > soon_until)
        .then(pl.lit(NOT_DUE))
        .when(due >= extract)
        .then(pl.lit(rules.due_soon_band))
    )
    for months, label in OVERDUE_BANDS:
        band = band.when(extract <= months_after(due, months)).then(pl.lit(label))
    return band.otherwise(pl.lit(OVERDUE_OVER_12)).cast(pl.Enum(rules.bands)).alias("band")


def _with_clock(cases: pl.DataFrame, rules: ClockRules) -> pl.DataFrame:
    require_columns(cases, ("support_start", "last_review", "next_review_due", "extract_date"))
    frame = cases
    for step in _clock_expressions(rules):
        frame = frame.with_columns(step)
    return frame.drop("_review_counted", "_statutory_due")


def review_clock(cases: pl.DataFrame, rules: ClockRules = DEFAULT_RULES) -> pl.DataFrame:
    """Everyone with long-term support at the extract date, with their review clock.

    The rows of ``cases`` whose ``support_start`` is given and on or before ``extract_date``,
    in their order, with every column they had plus ``review_due`` (Date), ``due_basis``
    ("first review", "periodic review" or "council's date": which rule set the date),
    ``days_overdue`` (Int64, 0 when not overdue) and ``band`` (an ``Enum`` of
    ``rules.bands``, so it sorts from not due to longest overdue). The module docstring gives
    the rules at their edges.
    """
    return _with_clock(cases, rules).filter(has_support())


def _since_expr(column: str) -> pl.Expr:
    """Whole days waited at the extract date; null when not waiting (or dated after it)."""
    since = pl.col(column)
    waiting = since.is_not_null() & (since <= pl.col("extract_date"))
    return pl.when(waiting).then(days_between(column, "extract_date")).otherwise(None)


def _grouped(frame: pl.DataFrame, by: Sequence[str], aggregations: list[pl.Expr]) -> pl.DataFrame:
    """One row per group of ``by`` (sorted), or one row for the whole frame when ``by`` is empty
    (a row of zeros even when the frame has no rows)."""
    missing = [c for c in by if c not in frame.columns]
    if missing:
        raise ValueError(f"the census extract has no column {', '.join(missing)}")
    if not by:
        return frame.select(aggregations)
    return frame.group_by(list(by)).agg(aggregations).sort(list(by), nulls_last=True)


def waiting_lists(
    cases: pl.DataFrame, by: Sequence[str] = (), rules: ClockRules = DEFAULT_RULES
) -> pl.DataFrame:
    """The national (ADASS) waiting-list categories at the extract date, counted in people.

    One row per group of ``by`` (e.g. ``("team",)``, ``("age_band",)``), or one row in total
    when ``by`` is empty, with Int64 counts:

    - ``awaiting_assessment``: ``waiting_assessment_since`` on or before the extract date;
    - ``awaiting_assessment_over_six_months``: of those, waiting more than six calendar months
      (since 31 January: not on 31 July, from 1 August);
    - ``awaiting_service``: assessed and awaiting a service or a first direct payment
      (``waiting_service_since`` on or before the extract date);
    - ``overdue_review``: long-term support and a review overdue by the clock (``rules``);
    - ``people_waiting``: people in at least one of the three categories. A person can be in
      more than one (awaiting a service while overdue a review), so the national total, the
      sum of the three categories, can be more than this.

    A group in ``cases`` with nobody waiting gets a row of zeros.
    """
    require_columns(cases, ("waiting_assessment_since", "waiting_service_since", *by))
    frame = _with_clock(cases, rules).with_columns(
        _assessment_days=_since_expr("waiting_assessment_since"),
        _service_days=_since_expr("waiting_service_since"),
    )
    assessment = pl.col("_assessment_days").is_not_null()
    long_wait = assessment & (
        months_after("waiting_assessment_since", LONG_WAIT_MONTHS) < pl.col("extract_date")
    )
    service = pl.col("_service_days").is_not_null()
    overdue = pl.col("days_overdue").fill_null(0) > 0
    counts = {
        "awaiting_assessment": assessment,
        "awaiting_assessment_over_six_months": long_wait,
        "awaiting_service": service,
        "overdue_review": overdue,
        "people_waiting": assessment | service | overdue,
    }
    return _grouped(
        frame, by, [flag.sum().cast(pl.Int64).alias(name) for name, flag in counts.items()]
    )


def ot_waits(cases: pl.DataFrame, by: Sequence[str] = ()) -> pl.DataFrame:
    """Occupational-therapy assessment waits at the extract date, on their own.

    One row per group of ``by``, or one in total, with ``ot_waiting`` (Int64: people with
    ``waiting_ot_since`` on or before the extract date), ``ot_median_days`` (Float64: the
    median wait in whole days; with an even count the mean of the middle two, so a whole
    number or a half, both exact in binary) and ``ot_longest_days`` (Int64). Median and longest
    are null when nobody is waiting. These are officers' figures: members see them through
    disclosure control.
    """
    require_columns(cases, ("waiting_ot_since", "extract_date", *by))
    frame = cases.with_columns(_ot_days=_since_expr("waiting_ot_since"))
    days = pl.col("_ot_days")
    return _grouped(
        frame,
        by,
        [
            days.count().cast(pl.Int64).alias("ot_waiting"),
            days.median().cast(pl.Float64).alias("ot_median_days"),
            days.max().cast(pl.Int64).alias("ot_longest_days"),
        ],
    )
