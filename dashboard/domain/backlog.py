"""Backlog and reviews: monthly trends, when the review waiting list clears, and a what-if.

Pure functions on the loader frames (no Streamlit): the page only renders what they return.
Rates are exact fractions and money is integer pence, so the sentences a councillor reads carry
no float rounding.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction
from typing import Protocol, TypeVar

import polars as pl

from dashboard.domain import figure_basis
from dashboard.domain.disclosure import DisclosureRule, protect
from dashboard.domain.formatting import count, counted, day, money, month
from dashboard.domain.table import Column, Kind, Table
from dashboard.domain.tables import first_names
from data_access import papers
from data_access.measures import BACKLOG, MEASURES, MeasureInfo, Registry
from data_access.vocab import ALL_BANDS, ALL_TEAMS, Basis, Measure

WAITING = Measure.WAITING_REVIEW.value
# a quarter: long enough that one odd month does not swing the projection, short enough to
# describe the current rate rather than last year's
RECENT_MONTHS = 3
# the projection's range: the spread of this many recent month-to-month changes, published
# months only (half a year: enough changes to show how much a month varies, recent enough to
# describe the current service)
RANGE_CHANGES = 6
# the what-if's starting point; officers change both on the page
DEFAULT_EXTRA_REVIEWERS = 2
DEFAULT_REVIEWS_EACH = 20
# a straight line says little about more than three years ahead
HORIZON_MONTHS = 36
# a grouped bar chart stays readable up to about this many teams; a national store has 1,530
CHART_TEAMS = 12
PROJECTED = "projected"

NO_FIGURES = (
    "No backlog figures have been loaded yet. An officer can load them with "
    "`ascgov import backlog FILE`."
)
MARKER_KEY = (
    "Filled markers are published figures; hollow markers are modelled (filled in between "
    "published figures) or projected."
)
# when rows of different basis are added up, the total is only as firm as its weakest part
_BASIS_RANK = figure_basis.RANK


# arithmetic and wording helpers ----------------------------------------------------------------


def add_months(first_of_month: date, months: int) -> date:
    """The first of the month ``months`` later.

    >>> add_months(date(2023, 11, 1), 29)
    datetime.date(2026, 4, 1)
    """
    years, index = divmod(first_of_month.month - 1 + months, 12)
    return date(first_of_month.year + years, index + 1, 1)


def months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def half_up(value: Fraction) -> int:
    """Round a non-negative fraction to the nearest whole number, halves up."""
    return math.floor(value + Fraction(1, 2))


def period(first: date, last: date) -> str:
    """``Sep to Nov 2023``, ``Nov 2023 to Jan 2024`` or ``Nov 2023``."""
    if first == last:
        return month(first)
    if first.year == last.year:
        return f"{first.strftime('%b')} to {month(last)}"
    return f"{month(first)} to {month(last)}"


def per_month(rate: Fraction) -> str:
    """A monthly rate in words: ``24``, ``about 24`` or ``less than 1``."""
    size = abs(rate)
    if size.denominator == 1:
        return f"{size.numerator:,}"
    rounded = half_up(size)
    return "less than 1" if rounded == 0 else f"about {rounded:,}"


def percent_change(before: int, after: int) -> int:
    """The change as a whole percentage of ``before`` (which must not be 0), halves up."""
    return half_up(Fraction(abs(after - before) * 100, before))


def _lower(label: str) -> str:
    return label[0].lower() + label[1:]


def _capital(text: str) -> str:
    return text[0].upper() + text[1:]


def scope(team: str | None, band: str | None) -> str:
    return f"{team or 'all teams'}, {_lower(band) if band else 'all priority bands'}"


# choosing and adding up rows -------------------------------------------------------------------


def filter_options(backlog: pl.DataFrame) -> tuple[list[str], list[str]]:
    """The teams and priority bands a member can choose, in the order the data gives them."""
    teams = backlog.filter(pl.col("team") != ALL_TEAMS)["team"].unique(maintain_order=True)
    bands = backlog.filter(pl.col("priority_band") != ALL_BANDS)["priority_band"]
    return teams.to_list(), bands.unique(maintain_order=True).to_list()


def _pick(rows: pl.DataFrame, column: str, value: str | None, total: str, within: list[str]):
    """Rows for ``value``; for all, the total row where one is reported, else the parts, so a
    council-wide row and its team rows are never added together."""
    if value is not None:
        return rows.filter(pl.col(column) == value)
    # a join on the few groups that report a total, not a window over every group: a national
    # store has 180,000 month-and-team groups per measure
    with_total = rows.filter(pl.col(column) == total).select(within).unique()
    if with_total.is_empty():
        return rows
    marked = rows.join(
        with_total.with_columns(_has_total=pl.lit(True)),
        on=within,
        how="left",
        maintain_order="left",
    )
    kept = pl.col("_has_total").is_null() | (pl.col(column) == total)
    return marked.filter(kept).drop("_has_total")


def monthly(
    backlog: pl.DataFrame, measure: str, *, team: str | None = None, band: str | None = None
) -> pl.DataFrame:
    """One row per month: month, value, target, basis (the weakest added up), source (the
    sources joined), as_at, and sources (the sources as a sorted list)."""
    rows = backlog.filter(pl.col("measure") == measure)
    rows = _pick(rows, "priority_band", band, ALL_BANDS, ["month", "team"])
    rows = _pick(rows, "team", team, ALL_TEAMS, ["month"])
    rank = pl.col("basis").replace_strict(_BASIS_RANK, default=len(_BASIS_RANK))
    target = pl.col("target")
    return (
        rows.group_by("month")
        .agg(
            pl.col("value").sum(),
            pl.when(target.is_null().all()).then(None).otherwise(target.sum()).alias("target"),
            pl.col("basis").sort_by(rank).last(),
            pl.col("source").unique().sort().alias("sources"),
            pl.col("as_at").max(),
        )
        .sort("month")
        .select(
            "month",
            "value",
            "target",
            "basis",
            pl.col("sources").list.join("; ").alias("source"),
            "as_at",
            "sources",
        )
    )


def _count(rule: DisclosureRule, *, protected: bool = False) -> Column:
    """The count column of a backlog table, disclosed by ``rule`` (the viewer's) on screen, in
    print and in files; ``protected``: the frame holds counts already disclosed by ``protect``
    (a suppressed one null)."""
    if rule.is_exact:
        return Column("Count", Kind.COUNT)
    said = rule.suppressed_words if protected else None
    return Column("Count", Kind.COUNT, disclosure=rule, missing=said)


def _long_table(long: pl.DataFrame, rule: DisclosureRule, title: str = "") -> Table:
    """A chart's figures by month: months, the figure, its count (small counts suppressed) and
    its basis."""
    frame = long.select(
        pl.col("month").alias("Month"),
        pl.col("series").cast(pl.String).alias("Figure"),
        pl.col("value").cast(pl.Int64).alias("Count"),
        pl.col("basis").cast(pl.String).alias("Basis"),
    )
    return Table.of(title, frame, {"Month": Kind.MONTH, "Count": _count(rule)})


def _chart(long: pl.DataFrame, rule: DisclosureRule) -> pl.DataFrame:
    return long.with_columns(
        rule.expr("value"),
        modelled=pl.col("basis") != Basis.PUBLISHED.value,
    )


# trends ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    """One measure's monthly trend, or the message saying why there is none."""

    measure: str
    label: str
    definition: str
    unit: str  # what the measure counts, for a chart's axis: the registry's unit, capitalised
    rise_is_good: bool
    message: str | None = None
    headline: str = "no figures"
    change: str | None = None
    title: str = ""
    subtitle: str = ""  # the team and band shown
    summary: str = ""
    chart: pl.DataFrame | None = None
    table: Table | None = None
    sources: str = ""

    @classmethod
    def of(cls, info: MeasureInfo) -> Trend:
        """The measure's trend before its figures are read: its label, meaning and unit."""
        return cls(
            info.code, info.label, info.meaning, info.unit.capitalize(), bool(info.rise_is_good)
        )


def change_sentence(
    label: str,
    first: tuple[date, int],
    last: tuple[date, int],
    rule: DisclosureRule,
    bases: tuple[str, str] = (figure_basis.PUBLISHED, figure_basis.PUBLISHED),
):
    """``People waiting for a review rose 45% from 318 in Apr 2023 (modelled) to 460 in Nov
    2023.`` The counts as ``rule`` discloses them, and the percentage worked out from those;
    each month's figure followed by its basis (``bases``) when it was not published."""
    (start, before), (end, after) = first, last
    was, now = rule.words(before), rule.words(after)
    then = f"{month(start)}{figure_basis.said(bases[0])}"
    later = f"{month(end)}{figure_basis.said(bases[1])}"
    if rule.suppressed(before) or rule.suppressed(after):
        return f"{label} went from {was} in {then} to {now} in {later}."
    before, after = rule.disclosed(before), rule.disclosed(after)
    if before == after:
        both = figure_basis.said(*bases)
        return f"{label} was {now} in both {month(start)} and {month(end)}{both}."
    verb = "rose" if after > before else "fell"
    size = f" {percent_change(before, after)}%" if before else ""
    return f"{label} {verb}{size} from {was} in {then} to {now} in {later}."


def compared_months(months: pl.DataFrame) -> tuple[dict, dict]:
    """The two months a trend's sentence compares: the first and last published months when
    there are two, so the change is between published figures; else the first and last
    months, which the sentence then says are modelled."""
    published = months.filter(pl.col("basis") == figure_basis.PUBLISHED)
    chosen = published if published.height >= 2 else months
    return chosen.row(0, named=True), chosen.row(-1, named=True)


def _no_figures(backlog: pl.DataFrame, measure: str, label: str, team, band) -> str:
    what = _lower(label)
    if backlog.filter(pl.col("measure") == measure).is_empty():
        return f"No figures for {what} have been loaded."
    return (
        f"No figures for {what} for {scope(team, band)}. Choose all teams and all priority "
        "bands to see the council-wide figures."
    )


def _long(months: pl.DataFrame, label: str) -> pl.DataFrame:
    long = months.select("month", pl.lit(label).alias("series"), "value", "basis")
    targets = months.filter(pl.col("target").is_not_null()).select(
        "month",
        pl.lit("Target").alias("series"),
        pl.col("target").alias("value"),
        pl.lit("target").alias("basis"),
    )
    return pl.concat([long, targets])


def trend(
    backlog: pl.DataFrame,
    measure: str,
    *,
    team: str | None,
    band: str | None,
    rule: DisclosureRule,
    measures: Registry,
) -> Trend:
    """The measure's months for the chosen team and band, with its headline and sentence;
    its label, meaning and unit from ``measures``, the registry in force."""
    base = Trend.of(measures[measure])
    label = base.label
    months = monthly(backlog, measure, team=team, band=band)
    if months.is_empty():
        return replace(base, message=_no_figures(backlog, measure, label, team, band))
    first, last = months.row(0, named=True), months.row(-1, named=True)
    base = replace(base, headline=rule.words(last["value"]))
    if months.height == 1:
        basis = figure_basis.unpublished(last["basis"])
        return replace(
            base,
            message=f"Only one month of figures so far ({month(last['month'])}: "
            f"{base.headline}{f', {basis}' if basis else ''}), so there is no trend to chart "
            "yet.",
        )
    before, after = compared_months(months)
    summary = change_sentence(
        label,
        (before["month"], before["value"]),
        (after["month"], after["value"]),
        rule,
        (before["basis"], after["basis"]),
    )
    summary += _target_clause(measure, last)
    long = _long(months, label)
    title = f"{label}, {period(first['month'], last['month'])}"
    return replace(
        base,
        change=_previous_change(months, rule),
        title=title,
        subtitle=_capital(scope(team, band)),
        summary=summary,
        chart=_chart(long, rule),
        table=_long_table(long, rule, title),
        sources=f"Source: {papers.titled(first_names(last['sources']))}. "
        f"Figures as at {day(last['as_at'])}.",
    )


def _target_clause(measure: str, last: dict) -> str:
    if last["target"] is not None:
        return f" The target for {month(last['month'])} was {last['target']:,}."
    if measure == Measure.REVIEWS_COMPLETED.value:
        # members expect reviews to be measured against a target: say when none was loaded
        return " No target has been loaded for it."
    return ""


def _previous_change(months: pl.DataFrame, rule: DisclosureRule) -> str | None:
    """The KPI delta: ``+24 since Oct 2023``, between the disclosed counts (nothing when either
    is suppressed), ``(modelled)`` when either month's figure was modelled."""
    (earlier, before, was), (_, after, now) = (
        months.select("month", "value", "basis").tail(2).rows()
    )
    if rule.suppressed(before) or rule.suppressed(after):
        return None
    before, after = rule.disclosed(before), rule.disclosed(after)
    return f"{after - before:+,} since {month(earlier)}{figure_basis.said(was, now)}"


def trends(
    backlog: pl.DataFrame,
    *,
    team: str | None,
    band: str | None,
    rule: DisclosureRule,
    measures: Registry,
) -> list[Trend]:
    """Every measure's trend, in the registry's order."""
    return [
        trend(backlog, code, team=team, band=band, rule=rule, measures=measures)
        for code in shown_measures(backlog, measures)
    ]


# the measures every council reports: shown (saying "no figures") even before any are loaded
ALWAYS_SHOWN = frozenset(m.value for m in Measure)


def shown_measures(backlog: pl.DataFrame, measures: Registry) -> tuple[str, ...]:
    """The backlog measures of ``measures`` (the registry in force) that the Backlog page shows
    and the Updates page offers, in the registry's order: the four every council reports and
    those an administrator added (shown saying "no figures" until some are loaded), and any
    other built-in one (the ADASS survey's) once figures for it are loaded."""
    held = set(backlog.get_column("measure").unique().to_list())
    return tuple(
        c
        for c in measures.codes(BACKLOG)
        # not among the built-in measures: an administrator added it, to report it
        if c in ALWAYS_SHOWN or c not in MEASURES or c in held
    )


def measure_choices(measures: Registry) -> list[str]:
    """The labels the Backlog page's measure filter offers: every backlog measure in force."""
    return [m.label for m in measures.in_table(BACKLOG)]


class _Labelled(Protocol):
    label: str


_Item = TypeVar("_Item", bound=_Labelled)


def chosen(items: Iterable[_Item], label: str | None) -> list[_Item]:
    """The trends (or the page's parts of them) the measure filter asks for by label (all of
    them when it is unset)."""
    return [t for t in items if label is None or t.label == label]


# the latest month by team and priority band ----------------------------------------------------


@dataclass(frozen=True)
class Breakdown:
    title: str
    summary: str
    chart: pl.DataFrame  # team, priority_band, value (suppressed counts null)
    table: Table
    note: str | None = None  # which teams were left out, when there are too many to chart


def breakdown(
    backlog: pl.DataFrame,
    measure: str,
    *,
    team: str | None,
    band: str | None,
    rule: DisclosureRule,
    measures: Registry,
) -> Breakdown | None:
    """The measure's latest month split by team and priority band (None when not split); past
    ``CHART_TEAMS`` teams, the teams with the most, largest first."""
    rows = backlog.filter(
        (pl.col("measure") == measure)
        & (pl.col("team") != ALL_TEAMS)
        & (pl.col("priority_band") != ALL_BANDS)
    )
    for column, value in (("team", team), ("priority_band", band)):
        rows = rows if value is None else rows.filter(pl.col(column) == value)
    if rows.is_empty():
        return None
    latest = rows["month"].max()
    rows = rows.filter(pl.col("month") == latest)
    label = measures.label(measure)
    title = f"{label} by {'priority band' if team else 'team and priority band'}, {month(latest)}"
    # the sentence is about every team, not only those charted
    # every cell, team total and band total disclosed, with secondary suppression: the team
    # totals are the team's trend, the band totals the band's and the grand total the council's
    cells = protect(rows, rule, exact=False, row="team", column="priority_band")
    rows = rows.with_columns(shown=cells["shown"].head(rows.height))
    basis = figure_basis.unpublished(*rows["basis"].unique().to_list())
    summary = _largest_part(cells, _lower(label), latest, rule, basis)
    rows, note = largest_teams(rows, _lower(label), latest)
    if note:
        title += f": the {CHART_TEAMS} teams with the most"
    return Breakdown(
        title=title,
        summary=summary,
        chart=rows.select("team", "priority_band", pl.col("shown").alias("value")),
        table=Table.of(
            title,
            rows.select(
                pl.col("team").alias("Team"),
                pl.col("priority_band").alias("Priority band"),
                pl.col("shown").cast(pl.Int64).alias("Count"),
                pl.col("basis").alias("Basis"),
            ),
            {"Count": _count(rule, protected=True)},
        ),
        note=note,
    )


def largest_teams(
    rows: pl.DataFrame, what: str, latest: date, limit: int = CHART_TEAMS
) -> tuple[pl.DataFrame, str | None]:
    """One month's rows cut to the ``limit`` teams with the most (largest first, ties in the
    order given), and a sentence saying how many teams were left out; unchanged (and None)
    when there are no more than ``limit`` teams."""
    totals = rows.group_by("team", maintain_order=True).agg(pl.col("value").sum())
    if totals.height <= limit:
        return rows, None
    kept = totals.sort("value", descending=True, maintain_order=True)["team"].head(limit)
    rank = pl.col("team").replace_strict(kept, range(limit), default=None)
    cut = rows.filter(rank.is_not_null()).sort(rank, maintain_order=True)
    return cut, (
        f"{totals.height:,} teams have figures for {month(latest)}: the {limit} with the most "
        f"{what} are shown, {totals.height - limit:,} more teams are not. Choose a team to see "
        "its figures."
    )


def _largest_part(
    cells: pl.DataFrame, what: str, latest: date, rule: DisclosureRule, basis: str | None = None
) -> str:
    """``In Nov 2023, the team with the most overdue annual reviews was North locality (299 of
    746, modelled).`` By priority band when only one team is shown; ``basis``: the word for
    figures that were not published (None: all were). ``cells`` is the table ``protect`` made
    (its totals have a null key), so a total it suppressed is suppressed here too."""
    interior = cells.filter(pl.col("team").is_not_null() & pl.col("priority_band").is_not_null())
    by, other = "team", "priority_band"
    if interior["team"].n_unique() <= 1:
        by, other = other, by
    parts = cells.filter(pl.col(by).is_not_null() & pl.col(other).is_null())
    largest = parts.sort("value", descending=True, maintain_order=True)
    name, shown = largest.select(by, "shown").row(0)
    total = cells.filter(pl.col(by).is_null() & pl.col(other).is_null())["shown"][0]

    def said(value: int | None) -> str:
        return rule.suppressed_words if value is None else count(value)

    return (
        f"In {month(latest)}, the {by.replace('_', ' ')} with the most {what} was {name} "
        f"({said(shown)} of {said(total)}{f', {basis}' if basis else ''})."
    )


# when the review waiting list clears -----------------------------------------------------------


def months_to_clear(latest: int, rate: Fraction) -> int | None:
    """Whole months until a list of ``latest`` falls to zero at ``rate`` a month (None if never).

    >>> months_to_clear(460, Fraction(-49, 3))
    29
    """
    if latest <= 0:
        return 0
    if rate >= 0:
        return None
    return math.ceil(Fraction(latest) / -rate)


@dataclass(frozen=True)
class Projection:
    """The review waiting list at the net change between ``start`` and ``end`` (its last month).

    Its range: the rate plus or minus half the gap between the largest and smallest of
    ``steps``, the last ``RANGE_CHANGES`` month-to-month changes between two published months
    in a row (a modelled month is no evidence of how much a month varies). Changes of -30,
    -10, -20, -20, -10 and -30 spread 20 wide, so a rate of -20 a month ranges from -30 to -10.
    Fewer than two such changes give no range.
    """

    history: pl.DataFrame  # month, value, basis
    message: str | None = None  # why there is no projection
    start: date | None = None
    end: date | None = None
    net_change: int = 0
    scope: str = "all teams, all priority bands"
    steps: tuple[int, ...] = ()  # the published month-to-month changes, oldest first
    steps_end: tuple[date, ...] = ()  # the later month of each

    @property
    def spread(self) -> Fraction | None:
        """Half the gap between the largest and smallest of ``steps`` (None: no range)."""
        if len(self.steps) < 2:
            return None
        return Fraction(max(self.steps) - min(self.steps), 2)

    @property
    def clearing_range(self) -> tuple[int | None, int | None] | None:
        """Months to clear at the fastest and the slowest rate of the range (None: no range;
        a None month: it does not clear at that rate)."""
        spread = self.spread
        if spread is None:
            return None
        return (
            months_to_clear(self.latest, self.rate - spread),
            months_to_clear(self.latest, self.rate + spread),
        )

    @property
    def latest(self) -> int:
        return int(self.history["value"][-1])

    @property
    def span(self) -> int:
        return months_between(self.start, self.end)

    @property
    def rate(self) -> Fraction:
        return Fraction(self.net_change, self.span)

    @property
    def months_to_clear(self) -> int | None:
        return months_to_clear(self.latest, self.rate)

    @property
    def rests_on(self) -> str:
        """The figures its rate is worked out from, in words: ``3 modelled months (Aug to Oct
        2023) and the published figure for Nov 2023``."""
        window = self.history.filter(pl.col("month").is_between(self.start, self.end))
        return figure_basis.rests_on(window.select("month", "basis").rows())


def project(
    backlog: pl.DataFrame,
    *,
    team: str | None = None,
    band: str | None = None,
    recent: int = RECENT_MONTHS,
) -> Projection:
    """The waiting list's net change over its last ``recent`` monthly changes."""
    history = monthly(backlog, WAITING, team=team, band=band).select("month", "value", "basis")
    what = _lower(MEASURES.label(WAITING))
    if history.is_empty():
        return Projection(
            history,
            f"There are no figures for {what} for {scope(team, band)}, "
            "so there is nothing to project.",
        )
    if history.height == 1:
        return Projection(
            history,
            f"The projection needs at least two months of figures for "
            f"{what}; there is only {month(history['month'][0])}.",
        )
    window = history.tail(recent + 1)
    steps = published_steps(history).tail(RANGE_CHANGES)
    return Projection(
        history,
        start=window["month"][0],
        end=window["month"][-1],
        net_change=int(window["value"][-1] - window["value"][0]),
        scope=scope(team, band),
        steps=tuple(steps["change"].to_list()),
        steps_end=tuple(steps["month"].to_list()),
    )


def published_steps(history: pl.DataFrame) -> pl.DataFrame:
    """``month`` and ``change`` from the month before, for each month that follows the
    calendar month before it and where both are published, oldest first."""
    published = pl.col("basis") == Basis.PUBLISHED.value
    return (
        history.sort("month")
        .with_columns(
            change=pl.col("value") - pl.col("value").shift(),
            _follows=pl.col("month").shift().dt.offset_by("1mo") == pl.col("month"),
            _both=published & published.shift(),
        )
        .filter(pl.col("_follows") & pl.col("_both"))
        .select("month", pl.col("change").cast(pl.Int64))
    )


def projection_sentence(projection: Projection, rule: DisclosureRule) -> str:
    """What the recent net rate means for the list, naming the months it is based on."""
    if projection.message:
        return projection.message
    p = projection
    latest, end = rule.words(p.latest), month(p.end)
    if p.latest == 0:
        basis = figure_basis.said(p.history["basis"][-1])
        return f"The review waiting list was clear in {end}{basis}."
    rests = f"This projection rests on {p.rests_on}."
    months_text = "month" if p.span == 1 else f"{p.span:,} months"
    basis = (
        f"At the net change of the last {months_text} "
        f"({period(add_months(p.start, 1), p.end)}), the review waiting list"
    )
    if p.net_change == 0:
        return (
            f"{basis} did not change ({latest} in {end}), so it will not clear at that rate. "
            f"{rests} {range_sentence(p)}"
        )
    if p.net_change > 0:
        return (
            f"{basis} will not clear at the current rate: it is growing by "
            f"{per_month(p.rate)} a month ({p.net_change:+,} over the {months_text}, to "
            f"{latest} in {end}). {rests} {range_sentence(p)}"
        )
    months = p.months_to_clear
    return (
        f"{basis} is falling by {per_month(p.rate)} a month and would clear in "
        f"{counted(months, 'month')}, by {month(add_months(p.end, months))}. {rests} "
        f"{range_sentence(p)}"
    )


def _step_words(change: int) -> str:
    if change == 0:
        return "no change"
    return f"a {'rise' if change > 0 else 'fall'} of {abs(change):,}"


def _between(first: date, last: date) -> str:
    """``between Nov 2024 and May 2025``, ``between Jun and Oct 2025`` or ``by Jun 2025``."""
    if first == last:
        return f"by {month(first)}"
    start = first.strftime("%b") if first.year == last.year else month(first)
    return f"between {start} and {month(last)}"


def range_sentence(p: Projection) -> str:
    """The projection's range in words, and the published months it rests on."""
    if p.spread is None:
        return (
            "There are too few published months in a row to give a range (it needs at least "
            "two month-to-month changes between published months)."
        )
    rests = (
        f"The range rests on published figures: the last {len(p.steps)} month-to-month "
        "changes between published months "
        f"({period(p.steps_end[0], p.steps_end[-1])}) went from {_step_words(min(p.steps))} "
        f"to {_step_words(max(p.steps))}, so the rate above is taken give or take "
        f"{per_month(p.spread)} a month"
    )
    fastest, slowest = p.clearing_range
    if fastest is None:
        return f"{rests}; at none of those rates would the list clear."
    soonest = add_months(p.end, fastest)
    if slowest is None:
        return (
            f"{rests}: at the fastest the list would clear by {month(soonest)}, at the "
            "slowest it would not clear."
        )
    latest = add_months(p.end, slowest)
    return f"{rests}: the list would clear {_between(soonest, latest)} at recent rates."


# the reviews programme's cost and the extra-capacity what-if -----------------------------------


@dataclass(frozen=True)
class ProgrammeCost:
    title: str
    financial_year: str
    reviews: int
    cost_pence: int
    source: str

    @property
    def per_review_pence(self) -> int:
        """The unit cost: the programme's cost per review, to the penny. The what-if starts
        from it, so the cost per extra review it shows is this one (not a second figure from
        a monthly cost rounded to the pound: £480.65 beside £480.63)."""
        return half_up(Fraction(self.cost_pence, self.reviews))

    def reviewer_cost_pence(self, reviews_each: int) -> int:
        """A reviewer's monthly cost at the unit cost: ``reviews_each`` reviews at
        ``per_review_pence``."""
        return self.per_review_pence * reviews_each


def programme_cost(programmes: pl.DataFrame) -> ProgrammeCost | None:
    """The latest financial year's reviews programme(s), added up (None if none planned)."""
    if programmes.is_empty():
        return None
    year = programmes["financial_year"].max()
    rows = programmes.filter(pl.col("financial_year") == year)
    reviews = int(rows["reviews_planned"].sum())
    if reviews <= 0:
        return None
    title = rows["title"][0] if rows.height == 1 else f"{rows.height} review programmes"
    sources = "; ".join(sorted(set(rows["source"])))
    return ProgrammeCost(title, year, reviews, int(rows["cost_pence"].sum()), sources)


def programme_sentence(programme: ProgrammeCost | None) -> str:
    if programme is None:
        return (
            "No reviews programme has been loaded, so there is no cost per review to start "
            "from: enter the monthly cost of a reviewer."
        )
    each = DEFAULT_REVIEWS_EACH
    return (
        f"{programme.title} {programme.financial_year}: {programme.reviews:,} reviews for "
        f"{money(programme.cost_pence)}, {money(programme.per_review_pence, style='exact')} a "
        f"review. At that rate a reviewer completing {each} reviews a month costs "
        f"{money(programme.reviewer_cost_pence(each), style='exact')} a month, the cost the "
        f"what-if below starts from. Source: {papers.titled(programme.source)}."
    )


def default_reviewer_cost_pence(programme: ProgrammeCost | None) -> int:
    return 0 if programme is None else programme.reviewer_cost_pence(DEFAULT_REVIEWS_EACH)


@dataclass(frozen=True)
class NumberInput:
    label: str
    key: str  # also the query parameter, so a link reproduces the what-if
    default: int  # for money, in pence (the input itself takes pounds and pence)
    largest: int
    step: int = 1
    money: bool = False


def what_if_inputs(programme: ProgrammeCost | None) -> list[NumberInput]:
    """The what-if's inputs, in the order ``what_if`` takes them: whole numbers, the cost in
    pence."""
    return [
        NumberInput("Extra reviewers", "extra", DEFAULT_EXTRA_REVIEWERS, 1_000),
        NumberInput("Reviews per reviewer per month", "each", DEFAULT_REVIEWS_EACH, 1_000),
        NumberInput(
            "Cost of a reviewer per month (£)",
            "cost",
            default_reviewer_cost_pence(programme),
            1_000_000_000,
            10_000,
            money=True,
        ),
    ]


@dataclass(frozen=True)
class WhatIf:
    """The projection with ``extra_reviewers`` each completing ``reviews_each`` a month."""

    projection: Projection
    extra_reviewers: int
    reviews_each: int
    cost_each_pence: int

    @property
    def extra_reviews(self) -> int:
        return self.extra_reviewers * self.reviews_each

    @property
    def rate(self) -> Fraction:
        return self.projection.rate - self.extra_reviews

    @property
    def months_to_clear(self) -> int | None:
        return months_to_clear(self.projection.latest, self.rate)

    @property
    def clears_by(self) -> date | None:
        months = self.months_to_clear
        return None if months is None else add_months(self.projection.end, months)

    @property
    def monthly_cost_pence(self) -> int:
        return self.extra_reviewers * self.cost_each_pence

    @property
    def cost_per_extra_review_pence(self) -> int | None:
        if self.reviews_each == 0:
            return None
        return half_up(Fraction(self.cost_each_pence, self.reviews_each))

    @property
    def cost_to_clear_pence(self) -> int | None:
        months = self.months_to_clear
        return None if months is None else self.monthly_cost_pence * months


def what_if(
    projection: Projection, extra_reviewers: int, reviews_each: int, cost_each_pence: int
) -> WhatIf | None:
    """None when there is no projection to change. Inputs are whole numbers (money in pence),
    so every figure stays exact."""
    if projection.message:
        return None
    return WhatIf(projection, int(extra_reviewers), int(reviews_each), int(cost_each_pence))


def what_if_sentence(scenario: WhatIf) -> str:
    n = scenario.extra_reviewers
    capacity = (
        f"With {counted(n, 'extra reviewer')} each completing "
        f"{counted(scenario.reviews_each, 'review')} a month "
        f"({scenario.extra_reviews:,} more a month)"
    )
    if scenario.extra_reviews == 0:
        return f"{capacity}, the list follows the projection above."
    months = scenario.months_to_clear
    if months is None:
        change = "stay as it is" if scenario.rate == 0 else f"grow by {per_month(scenario.rate)}"
        outcome = f"the list would still {change} a month, so it would not clear"
    else:
        outcome = (
            f"the list would fall by {per_month(scenario.rate)} a month and clear in "
            f"{counted(months, 'month')}, by {month(scenario.clears_by)}"
        )
    rests = f"Like the projection above, this rests on {scenario.projection.rests_on}."
    return f"{capacity}, {outcome}. {rests} {_cost_clause(scenario)}"


def _cost_clause(scenario: WhatIf) -> str:
    text = f"Extra cost: {money(scenario.monthly_cost_pence, style='exact')} a month"
    if scenario.cost_to_clear_pence is not None:
        text += f", {money(scenario.cost_to_clear_pence, style='exact')} until the list clears"
    per_review = scenario.cost_per_extra_review_pence
    if per_review is not None:
        text += f"; {money(per_review, style='exact')} per extra review"
    return text + "."


def what_if_figures(scenario: WhatIf) -> list[tuple[str, str]]:
    """The what-if's three headline figures, as (label, value)."""
    to_clear, per_review = scenario.cost_to_clear_pence, scenario.cost_per_extra_review_pence
    return [
        ("Clears by", month(scenario.clears_by) if scenario.clears_by else "Does not clear"),
        (
            "Cost per extra review",
            "not applicable" if per_review is None else money(per_review, style="exact"),
        ),
        (
            "Extra cost until it clears",
            "not applicable" if to_clear is None else money(to_clear, style="exact"),
        ),
    ]


# the projection as a chart ---------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectionChart:
    title: str
    subtitle: str
    summary: str
    chart: pl.DataFrame
    table: Table


def _path(projection: Projection, rate: Fraction, horizon: int, name: str) -> pl.DataFrame:
    """The list month by month from its latest figure at ``rate``, stopping once it is clear."""
    rows = []
    for k in range(horizon + 1):
        value = Fraction(projection.latest) + rate * k
        rows.append((add_months(projection.end, k), name, half_up(max(value, Fraction(0)))))
        if value <= 0:
            break
    return pl.DataFrame(
        rows, schema={"month": pl.Date, "series": pl.String, "value": pl.Int64}, orient="row"
    ).with_columns(basis=pl.lit(PROJECTED))


def _outcome(months: int | None, end: date, path: pl.DataFrame, rule: DisclosureRule) -> str:
    if months is not None:
        return f"clears by {month(add_months(end, months))}"
    last_month, _, last_value, _ = path.row(-1)
    size = rule.words(last_value)
    return f"does not clear (it would be {size} by {month(last_month)})"


def projection_chart(scenario: WhatIf, rule: DisclosureRule) -> ProjectionChart:
    """Recorded months, then the list at the current rate and with the extra reviewers."""
    p = scenario.projection
    clearing = [m for m in (p.months_to_clear, scenario.months_to_clear) if m is not None]
    horizon = min(HORIZON_MONTHS, max(clearing, default=12))
    current = _path(p, p.rate, horizon, "At the current rate")
    paths = [p.history.with_columns(series=pl.lit("Recorded")), current]
    outcome = _outcome(p.months_to_clear, p.end, current, rule)
    summary = f"At the current rate the list {outcome}"
    if scenario.extra_reviews:
        name = f"With {counted(scenario.extra_reviewers, 'extra reviewer')}"
        extra = _path(p, scenario.rate, horizon, name)
        paths.append(extra)
        outcome = _outcome(scenario.months_to_clear, p.end, extra, rule)
        summary += f"; {_lower(name)} it {outcome}"
    long = pl.concat([frame.select("month", "series", "value", "basis") for frame in paths])
    title = f"People waiting for a review: recorded, and projected to {month(long['month'].max())}"
    return ProjectionChart(
        title=title,
        subtitle=_capital(p.scope),
        summary=f"{summary}. The projection rests on {p.rests_on}.",
        chart=_chart(long, rule),
        table=_long_table(long, rule, title),
    )
