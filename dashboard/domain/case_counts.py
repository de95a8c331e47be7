"""One census extract's counts as backlog figures: what feeds the monthly backlog series.

``backlog_counts`` turns the people of one extract (one ``extract_date``) into one figure per
backlog measure for each team and for all teams, at the first of the extract's month (the
backlog keeps months as their first day) and for all priority bands (an extract has no
priority band). Every count is of people, by the rules of ``review_clock``:

| backlog measure | people counted in the extract |
| --- | --- |
| ``waiting_review`` | long-term support, review overdue by the clock (1) |
| ``overdue_review`` | the same people: the ADASS survey's "overdue a review" (1) |
| ``overdue_annual_reviews`` | long-term support, no review in the last 12 months (2) |
| ``waiting_ot_assessment`` | waiting for an OT assessment (``ot_waits``' ``ot_waiting``) |
| ``awaiting_assessment`` | awaiting a first assessment (``waiting_lists``) |
| ``awaiting_assessment_over_6_months`` | of those, waiting over six calendar months |
| ``awaiting_service`` | assessed, awaiting a service or a first direct payment |

(1) ``waiting_lists``' ``overdue_review``: the statutory clock, or the council's earlier date.
(2) The review that counts (``counted_review``), or the start of support when there has been
none yet, is more than 12 calendar months before the extract date: reviewed 31 March 2023, not
counted on 31 March 2024, counted from 1 April 2024. The council's own due date and the
8-week first review play no part: this is the periodic (annual) review alone.

``reviews_completed`` is activity, which a census cannot show: it is not derived. The age band
(18-64 / 65+) is not a dimension of the backlog, so cohort figures are read from the extract
itself, not from these rows.

>>> from datetime import date
>>> extract = pl.DataFrame(
...     {
...         "person_id": ["P1", "P2"],
...         "team": ["North", "South"],
...         "support_start": [date(2020, 5, 1), None],
...         "last_review": [date(2023, 1, 10), None],
...         "next_review_due": [None, None],
...         "waiting_assessment_since": [None, date(2024, 1, 2)],
...         "waiting_ot_since": [None, None],
...         "waiting_service_since": [None, None],
...         "extract_date": [date(2024, 3, 31)] * 2,
...     },
...     schema_overrides={c: pl.Date for c in ("next_review_due", "waiting_ot_since",
...                                              "waiting_service_since")},
... )
>>> counts = backlog_counts(extract)
>>> counts.filter(pl.col("team") == "All teams").select("measure", "value", "people").rows()[:3]
[('waiting_review', 1, 2), ('overdue_review', 1, 2), ('overdue_annual_reviews', 1, 2)]
"""

from __future__ import annotations

import polars as pl

from dashboard.domain.review_clock import (
    DEFAULT_RULES,
    ClockRules,
    counted_review,
    has_support,
    months_after,
    ot_waits,
    require_columns,
    waiting_lists,
)
from data_access.vocab import ALL_BANDS, ALL_TEAMS, Measure

# backlog measure -> the column of the per-team counts that holds it (module docstring)
MEASURE_COLUMNS: dict[str, str] = {
    Measure.WAITING_REVIEW.value: "overdue_review",
    "overdue_review": "overdue_review",
    Measure.OVERDUE_ANNUAL_REVIEWS.value: "no_review_in_12_months",
    Measure.WAITING_OT_ASSESSMENT.value: "ot_waiting",
    "awaiting_assessment": "awaiting_assessment",
    "awaiting_assessment_over_6_months": "awaiting_assessment_over_six_months",
    "awaiting_service": "awaiting_service",
}
COUNT_COLUMNS = {
    "measure": pl.String,
    "month": pl.Date,
    "team": pl.String,
    "priority_band": pl.String,
    "value": pl.Int64,
    "people": pl.Int64,
}


def _annual_review_overdue(rules: ClockRules) -> pl.Expr:
    anchor = pl.coalesce(counted_review(), pl.col("support_start"))
    overdue = months_after(anchor, rules.review_months) < pl.col("extract_date")
    return (has_support() & overdue).sum().cast(pl.Int64).alias("no_review_in_12_months")


def _per_group(extract: pl.DataFrame, by: tuple[str, ...], rules: ClockRules) -> pl.DataFrame:
    people = pl.len().cast(pl.Int64).alias("people")
    own = (
        extract.select(people, _annual_review_overdue(rules))
        if not by
        else extract.group_by(list(by)).agg(people, _annual_review_overdue(rules))
    )
    waiting = waiting_lists(extract, by, rules)
    ot = ot_waits(extract, by).select(*by, "ot_waiting")
    if not by:
        return pl.concat([own, waiting, ot], how="horizontal").with_columns(team=pl.lit(ALL_TEAMS))
    return own.join(waiting, on=list(by)).join(ot, on=list(by)).sort(list(by))


def backlog_counts(extract: pl.DataFrame, rules: ClockRules = DEFAULT_RULES) -> pl.DataFrame:
    """The backlog figures of one extract: ``measure``, ``month`` (the first of the extract's
    month), ``team`` (each team, then ``ALL_TEAMS``), ``priority_band`` (``ALL_BANDS``),
    ``value`` (people, by the module docstring's table) and ``people`` (everyone in the team's
    extract: what the figure was derived from). Measures in the table's order, teams sorted.

    ``extract`` holds one extract date (ValueError otherwise) and at least one person.
    """
    require_columns(extract, ("team", "extract_date", "support_start", "last_review"))
    dates = extract["extract_date"].unique()
    if dates.len() != 1 or dates[0] is None:
        raise ValueError("backlog_counts reads one extract: one extract date, at least one person")
    first_of_month = dates[0].replace(day=1)
    teams = _per_group(extract, ("team",), rules)
    whole = _per_group(extract, (), rules).select(teams.columns)
    wide = pl.concat([teams, whole])
    return pl.concat(
        [
            wide.select(
                pl.lit(measure).alias("measure"),
                pl.lit(first_of_month).alias("month"),
                "team",
                pl.lit(ALL_BANDS).alias("priority_band"),
                pl.col(column).alias("value"),
                "people",
            )
            for measure, column in MEASURE_COLUMNS.items()
        ]
    ).cast(COUNT_COLUMNS)
