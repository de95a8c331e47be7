"""The census extract as members may read it: counts of people by team and by age band, disclosed.

``case_picture`` turns the extract in force (one row per person) into the tables of the "Reviews
and waiting lists" page: people with long-term support per ageing band of the review clock, the
national waiting-list categories, and occupational-therapy (OT) waits, each by team and by age
band (18-64 / 65+), with a row for all teams or all ages. The result holds team names, labels
and disclosed figures only: **no person id, and no row per person, leaves this module**.

Disclosure (``dashboard.domain.disclosure``, the viewer's rule):

- every count goes through ``protect``: small counts suppressed, the others rounded, and a
  second cell hidden wherever one hidden cell could be worked out from its row or column total;
- the tables by team and by age band share their totals (the people in each band, and
  everyone), so a total hidden in one is hidden in the other, and both are protected again
  until neither hides anything new (``_protect_pair``);
- the waiting-list categories overlap (a person awaiting a service can be overdue a review, and
  "over six months" is part of "awaiting a first assessment"), so each category is its own
  table: its teams add up to its total, the categories do not add up to anything;
- a median (and a longest wait, one person's wait) over 1 to 7 people is suppressed, as is one
  whose count of people is hidden (a hidden group's longest wait could be read off the total's);
- percentages are worked out from the disclosed figures, in whole percent.

For an exact viewer (a director, an officer on their own teams) every figure is exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from dashboard.domain.disclosure import DisclosureRule, protect
from dashboard.domain.review_clock import (
    DEFAULT_RULES,
    OVERDUE_BANDS,
    OVERDUE_OVER_12,
    ClockRules,
    ot_waits,
    review_clock,
    waiting_lists,
)
from data_access.vocab import AgeBand

ALL_TEAMS = "All teams"
ALL_AGES = "All ages"
NO_TEAM = "Team not recorded"
NO_AGE = "Age not recorded"
COHORTS = {AgeBand.WORKING_AGE.value: "Aged 18 to 64", AgeBand.OLDER.value: "Aged 65 and over"}

# the national categories in the order the page reads them, with their words
CATEGORIES = {
    "awaiting_assessment": "Awaiting a first assessment",
    "awaiting_assessment_over_six_months": "Of whom waiting over six months",
    "awaiting_service": "Awaiting a service or first direct payment",
    "overdue_review": "Overdue a review",
    "people_waiting": "In at least one of these",
}
OVERDUE = tuple(label for _, label in OVERDUE_BANDS) + (OVERDUE_OVER_12,)

# the two ways of splitting the extract: (column in the extract, what its total row is called)
DIMENSIONS = {"team": ALL_TEAMS, "cohort": ALL_AGES}


@dataclass(frozen=True)
class Split:
    """One way of splitting the figures (by team, or by age band), every figure disclosed.

    ``bands``: group, band, count (people with long-term support per ageing band, the groups
    in order then the total ``ALL_TEAMS`` / ``ALL_AGES``; a row total per group under band None).
    ``waiting``: group, category (a key of ``CATEGORIES``), count. ``ot``: group, waiting,
    median_days, longest_days. A null count or statistic is suppressed (or, for a median and a
    longest wait, nobody is waiting: ``waiting`` says which).
    """

    dimension: str
    bands: pl.DataFrame
    waiting: pl.DataFrame
    ot: pl.DataFrame


@dataclass(frozen=True)
class Headline:
    """The council's figures for the headline cards (None: suppressed)."""

    supported: int | None
    overdue: int | None
    overdue_share: int | None  # whole percent of ``supported``, from the disclosed figures
    overdue_over_12: int | None
    awaiting_assessment: int | None
    over_six_months: int | None
    over_six_share: int | None
    awaiting_service: int | None
    ot_waiting: int | None
    ot_median_days: float | None
    ot_longest_days: int | None


@dataclass(frozen=True)
class CasePicture:
    extract_date: date
    rule: DisclosureRule
    bands: tuple[str, ...]
    by_team: Split
    by_cohort: Split
    headline: Headline
    # (basis, source) of the extract's rows that are not published figures, e.g. a synthetic
    # demo's ("illustrative", "Synthetic demo council, ..."): said beside the figures
    unpublished: tuple[tuple[str, str], ...] = ()

    def split(self, dimension: str) -> Split:
        return self.by_team if dimension == "team" else self.by_cohort


def whole_percent(part: int | None, whole: int | None) -> int | None:
    """``part`` of ``whole`` in whole percent, a half up (None when either is missing or the
    whole is 0).

    >>> whole_percent(460, 1235), whole_percent(1, 8), whole_percent(None, 8)
    (37, 13, None)
    """
    if part is None or not whole:
        return None
    exact = Decimal(part) * 100 / Decimal(whole)
    return int(exact.quantize(Decimal(1), ROUND_HALF_UP))


def _grouped(cases: pl.DataFrame) -> pl.DataFrame:
    """The extract with its two grouping columns in words (a missing team or age said so)."""
    cohort = pl.col("age_band").replace_strict(COHORTS, default=pl.col("age_band"))
    return cases.with_columns(
        pl.col("team").fill_null(NO_TEAM),
        cohort.fill_null(NO_AGE).alias("cohort"),
    )


def _order(values: pl.Series, dimension: str) -> list[str]:
    present = set(values.drop_nulls().to_list())
    if dimension == "cohort":
        known = [label for label in COHORTS.values() if label in present]
        return known + sorted(present - set(known))
    return sorted(present)


def _band_cells(cases: pl.DataFrame, dimension: str, bands: tuple[str, ...], rules) -> pl.DataFrame:
    """Every group x band with its count of people (0 where nobody is in it)."""
    clock = review_clock(cases, rules).with_columns(pl.col("band").cast(pl.String))
    counts = clock.group_by(dimension, "band").agg(pl.len().cast(pl.Int64).alias("value"))
    grid = pl.DataFrame({"group": _order(cases[dimension], dimension)}).join(
        pl.DataFrame({"band": list(bands)}), how="cross"
    )
    return grid.join(
        counts.rename({dimension: "group"}), on=["group", "band"], how="left", maintain_order="left"
    ).with_columns(pl.col("value").fill_null(0))


def _category_cells(cases: pl.DataFrame, dimension: str, rules) -> pl.DataFrame:
    lists = waiting_lists(cases, (dimension,), rules).rename({dimension: "group"})
    order = _order(cases[dimension], dimension)
    lists = lists.sort(pl.col("group").replace_strict(order, list(range(len(order)))))
    return lists.unpivot(index="group", on=list(CATEGORIES), variable_name="category")


def _hidden_totals(table: pl.DataFrame, column: str) -> set[tuple[None, object]]:
    hidden = table.filter(pl.col("group").is_null() & pl.col("suppressed"))
    return {(None, key) for key in hidden[column].to_list()}


def _protect_pair(
    first: pl.DataFrame, second: pl.DataFrame, rule: DisclosureRule, column: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Both tables protected, with their shared column totals hidden in both or neither."""
    shared: set[tuple[None, object]] = set()
    while True:
        tables = [
            protect(cells, rule, exact=False, row="group", column=column, hidden=shared)
            for cells in (first, second)
        ]
        now = shared | _hidden_totals(tables[0], column) | _hidden_totals(tables[1], column)
        if now == shared:
            return tables[0], tables[1]
        shared = now


def _labelled(table: pl.DataFrame, total: str) -> pl.DataFrame:
    return table.with_columns(pl.col("group").fill_null(total)).rename({"shown": "count"})


def _bands(cells: dict[str, pl.DataFrame], rule: DisclosureRule) -> dict[str, pl.DataFrame]:
    team, cohort = _protect_pair(cells["team"], cells["cohort"], rule, "band")
    return {
        "team": _labelled(team, ALL_TEAMS).select("group", "band", "count"),
        "cohort": _labelled(cohort, ALL_AGES).select("group", "band", "count"),
    }


def _waiting(cells: dict[str, pl.DataFrame], rule: DisclosureRule) -> dict[str, pl.DataFrame]:
    """Each category protected as its own table (the categories overlap: see the module)."""
    parts: dict[str, list[pl.DataFrame]] = {"team": [], "cohort": []}
    for category in CATEGORIES:
        pair = _protect_pair(
            *(cells[d].filter(pl.col("category") == category) for d in ("team", "cohort")),
            rule,
            "category",
        )
        for dimension, table in zip(("team", "cohort"), pair, strict=True):
            # the rows' totals repeat their one cell: only the cells and the column total
            kept = table.filter(pl.col("category").is_not_null())
            parts[dimension].append(_labelled(kept, DIMENSIONS[dimension]))
    return {d: pl.concat(p).select("group", "category", "count") for d, p in parts.items()}


def _ot(
    cases: pl.DataFrame, counts: dict[str, pl.DataFrame], rule: DisclosureRule
) -> dict[str, pl.DataFrame]:
    """OT waits: the disclosed count of people waiting, with the median and longest wait
    suppressed over 1 to 7 people (the longest wait is one person's)."""
    result = {}
    everyone = ot_waits(cases).with_columns(pl.lit(None, pl.String).alias("group"))
    for dimension, total in DIMENSIONS.items():
        waits = pl.concat(
            [ot_waits(cases, (dimension,)).rename({dimension: "group"}), everyone],
            how="diagonal_relaxed",
        ).with_columns(pl.col("group").fill_null(total))
        # a statistic is shown only beside its count: the longest wait of a hidden group could
        # otherwise be read off the council's longest
        hidden = rule.suppressed_expr("ot_waiting") | pl.col("count").is_null()
        shown = counts[dimension].join(waits, on="group", how="left", maintain_order="left")
        result[dimension] = shown.select(
            "group",
            pl.col("count").alias("waiting"),
            pl.when(hidden).then(None).otherwise(pl.col("ot_median_days")).alias("median_days"),
            pl.when(hidden).then(None).otherwise(pl.col("ot_longest_days")).alias("longest_days"),
        )
    return result


def _ot_counts(cases: pl.DataFrame, rule: DisclosureRule) -> dict[str, pl.DataFrame]:
    cells = {}
    for dimension in DIMENSIONS:
        waits = ot_waits(cases, (dimension,)).rename({dimension: "group"})
        order = _order(cases[dimension], dimension)
        cells[dimension] = waits.sort(
            pl.col("group").replace_strict(order, list(range(len(order))))
        ).select("group", pl.lit("ot").alias("measure"), pl.col("ot_waiting").alias("value"))
    team, cohort = _protect_pair(cells["team"], cells["cohort"], rule, "measure")
    return {
        d: _labelled(t.filter(pl.col("measure").is_not_null()), DIMENSIONS[d]).select(
            "group", "count"
        )
        for d, t in (("team", team), ("cohort", cohort))
    }


def _total(frame: pl.DataFrame, key: str, value: str, total: str = ALL_TEAMS) -> int | None:
    row = frame.filter((pl.col("group") == total) & (pl.col(frame.columns[1]) == value))
    return row[key][0] if row.height else None


def _headline(split: Split) -> Headline:
    bands, waiting = split.bands, split.waiting
    everyone = bands.filter((pl.col("group") == ALL_TEAMS) & pl.col("band").is_null())
    supported = everyone["count"][0]
    counts = {c: _total(waiting, "count", c) for c in CATEGORIES}
    over_12 = _total(bands, "count", OVERDUE_OVER_12)
    ot = split.ot.filter(pl.col("group") == ALL_TEAMS).row(0, named=True)
    return Headline(
        supported=supported,
        overdue=counts["overdue_review"],
        overdue_share=whole_percent(counts["overdue_review"], supported),
        overdue_over_12=over_12,
        awaiting_assessment=counts["awaiting_assessment"],
        over_six_months=counts["awaiting_assessment_over_six_months"],
        over_six_share=whole_percent(
            counts["awaiting_assessment_over_six_months"], counts["awaiting_assessment"]
        ),
        awaiting_service=counts["awaiting_service"],
        ot_waiting=ot["waiting"],
        ot_median_days=ot["median_days"],
        ot_longest_days=ot["longest_days"],
    )


def case_picture(
    cases: pl.DataFrame, rule: DisclosureRule, rules: ClockRules = DEFAULT_RULES
) -> CasePicture | None:
    """The extract's figures by team and by age band as ``rule`` discloses them (None when the
    extract has nobody). ``cases`` is one extract (one extract date)."""
    if cases.is_empty():
        return None
    cases = _grouped(cases)
    bands = rules.bands
    band_cells = {d: _band_cells(cases, d, bands, rules) for d in DIMENSIONS}
    category_cells = {d: _category_cells(cases, d, rules) for d in DIMENSIONS}
    shown_bands = _bands(band_cells, rule)
    shown_waiting = _waiting(category_cells, rule)
    ot = _ot(cases, _ot_counts(cases, rule), rule)
    splits = {d: Split(d, shown_bands[d], shown_waiting[d], ot[d]) for d in ("team", "cohort")}
    unpublished = ()
    if {"basis", "source"} <= set(cases.columns):
        shown = cases.filter(pl.col("basis") != "published").select("basis", "source").unique()
        unpublished = tuple(sorted(shown.iter_rows()))
    return CasePicture(
        unpublished=unpublished,
        extract_date=cases["extract_date"].max(),
        rule=rule,
        bands=bands,
        by_team=splits["team"],
        by_cohort=splits["cohort"],
        headline=_headline(splits["team"]),
    )
