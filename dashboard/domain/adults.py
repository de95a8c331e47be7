"""Younger and older adults: one workstream's savings by cohort and financial year, totalled as
a committee paper prints them (£000s), the components behind each line, the posts funded to
deliver them, and the savings net of what those posts cost.

Amounts are integer pence; totals are added up from the stored parts, never copied from a paper
(the reconciliation check compares them with what the paper printed).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import plotly.graph_objects as go
import polars as pl

from dashboard.charts import figures as charts
from dashboard.domain import formatting
from dashboard.domain.savings import Bridge, cohort_label, tracked
from dashboard.domain.table import Column, Kind, Table
from data_access import papers
from data_access.text_columns import text_per_value

COHORTS = ("younger", "older")
TOTAL_ROW = "Total of savings"
CORNER = "£000s"  # the paper's table heads its first column with the unit
_COHORT_ORDER = {cohort: i for i, cohort in enumerate(COHORTS)}


def workstreams_with_both(savings: pl.DataFrame) -> list[str]:
    """Workstreams with lines for both younger and older adults, in name order."""
    both = (
        savings.filter(pl.col("cohort").is_in(COHORTS))
        .group_by("workstream")
        .agg(pl.col("cohort").n_unique().alias("cohorts"))
        .filter(pl.col("cohorts") == len(COHORTS))
    )
    return sorted(both["workstream"].to_list())


def _lines(savings: pl.DataFrame, workstream: str) -> pl.DataFrame:
    """The workstream's lines and years still tracked (withdrawn, deferred and replaced years
    are out of the totals: ``dashboard.domain.savings.tracked``)."""
    return tracked(savings).filter(
        (pl.col("workstream") == workstream) & pl.col("cohort").is_in(COHORTS)
    )


def cohort_years(savings: pl.DataFrame, workstream: str) -> pl.DataFrame:
    """Target (pence) by cohort and year: a row per cohort then the total row, a column per
    financial year then the total column. A year with no line for a cohort stays empty."""
    lines = _lines(savings, workstream)
    years = sorted(lines["financial_year"].unique().to_list())
    sums = {
        (cohort, year): int(pence)
        for cohort, year, pence in lines.group_by("cohort", "financial_year")
        .agg(pl.col("target_pence").sum())
        .iter_rows()
    }
    rows = [_row(cohort_label(c), {y: sums.get((c, y)) for y in years}) for c in COHORTS]
    totals = {y: _add(sums.get((c, y)) for c in COHORTS) for y in years}
    rows.append(_row(TOTAL_ROW, totals))
    schema = {"row": pl.String, **{y: pl.Int64 for y in years}, "total": pl.Int64}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _add(values) -> int | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _row(label: str, by_year: dict[str, int | None]) -> list:
    return [label, *by_year.values(), _add(by_year.values())]


def years_of(table: pl.DataFrame) -> list[str]:
    return [c for c in table.columns if c not in ("row", "total")]


def total_heading(table: pl.DataFrame) -> str:
    return f"{len(years_of(table))} year total"


def savings_table(table: pl.DataFrame) -> Table:
    """The table as the paper prints it: £000s, commas, the unit in the corner; a year with no
    line for a cohort "not published". A download holds the exact pounds, headed "Cohort"."""
    thousands = Column("", Kind.MONEY, money="thousands")
    total = total_heading(table)
    frame = table.select(
        pl.col("row").alias(CORNER),
        *[pl.col(y) for y in years_of(table)],
        pl.col("total").alias(total),
    )
    kinds = {name: replace(thousands, name=name) for name in (*years_of(table), total)}
    kinds[CORNER] = Column(CORNER, file_name="Cohort")
    return Table.of("Savings by financial year", frame, kinds)


def grand_total(table: pl.DataFrame) -> int:
    return table.filter(pl.col("row") == TOTAL_ROW)["total"].fill_null(0).item()


def savings_summary(table: pl.DataFrame) -> str:
    """``£2,808,000 of savings over 2018/19 to 2020/21: younger adults £2,349,000, ...``."""
    years = years_of(table)
    by_row = dict(zip(table["row"], table["total"], strict=True))
    totals = table.filter(pl.col("row") == TOTAL_ROW).row(0, named=True)
    biggest = max(years, key=lambda y: totals[y] or 0)
    cohorts = ", ".join(
        f"{cohort_label(c).lower()} {formatting.money(by_row[cohort_label(c)], style='exact')}"
        for c in COHORTS
    )
    return (
        f"{formatting.money(by_row[TOTAL_ROW], style='exact')} of savings over "
        f"{years[0]} to {years[-1]}: {cohorts}. The largest year is {biggest} "
        f"({formatting.money(totals[biggest], style='exact')})."
    )


def savings_figure(table: pl.DataFrame) -> go.Figure:
    long = table.filter(pl.col("row") != TOTAL_ROW).unpivot(
        index="row", on=years_of(table), variable_name="year", value_name="pence"
    )
    # £000s as a float for the axis only; the table beside it is exact. In Python, because
    # polars divides by a constant as a multiplication (1500.0000000000002, not 1500.0)
    thousands = [None if p is None else float(Decimal(p) / 100_000) for p in long["pence"]]
    long = long.with_columns(thousands=pl.Series(thousands, dtype=pl.Float64))
    return charts.bar_chart(
        long,
        x="year",
        y="thousands",
        series="row",
        y_title="£000s",
        title="Savings targeted by financial year, younger and older adults (£000s)",
        y_tickformat=",",
    )


def components_table(components: pl.DataFrame, savings: pl.DataFrame, workstream: str) -> Table:
    """Each line's components in £000s; an amount the paper did not publish says so. A
    download holds each amount in exact pounds, headed "Amount"."""
    lines = _line_attributes(savings, workstream)
    frame = (
        components.join(lines, left_on="line_code", right_on="code", how="inner")
        .sort("order", "code")
        .select(
            text_per_value(lines, "cohort", cohort_label).alias("Cohort"),
            pl.col("title").alias("Component"),
            pl.col("amount_pence").cast(pl.Int64).alias(CORNER),
            pl.col("line_title").alias("Savings line"),
            pl.col("source").alias("Source"),
        )
    )
    amount = Column(CORNER, Kind.MONEY, money="thousands", file_name="Amount")
    return Table.of("Savings components", frame, {CORNER: amount, "Source": Kind.SOURCE})


def _line_attributes(savings: pl.DataFrame, workstream: str) -> pl.DataFrame:
    return (
        _lines(savings, workstream)
        .group_by("code", "cohort")
        .agg(pl.col("title").first().alias("line_title"), pl.col("target_pence").sum())
        .with_columns(order=pl.col("cohort").replace_strict(_COHORT_ORDER, return_dtype=pl.Int64))
        .sort("order", "code")
    )


def component_notes(components: pl.DataFrame, savings: pl.DataFrame, workstream: str) -> list[str]:
    """One sentence per line: its components added up against its total, or what is missing."""
    notes = []
    for line in _line_attributes(savings, workstream).iter_rows(named=True):
        amounts = components.filter(pl.col("line_code") == line["code"])["amount_pence"]
        notes.append(_component_note(line, amounts.to_list()))
    return notes


def _component_note(line: dict, amounts: list[int | None]) -> str:
    def k(pence):
        return formatting.money(pence, style="thousands")

    who, total = cohort_label(line["cohort"]), k(line["target_pence"])
    if not amounts:
        return f"{who}: no components are recorded for this line (total {total}, £000s)."
    missing = sum(a is None for a in amounts)
    if missing:
        which = "" if missing == len(amounts) else f" ({missing} of {len(amounts)} amounts)"
        return (
            f"{who}: how the {total} (£000s) splits across its {len(amounts)} components is "
            f"not published{which}."
        )
    parts, added = " + ".join(k(a) for a in amounts), sum(amounts)
    agrees = "the line's total" if added == line["target_pence"] else f"against a total of {total}"
    return f"{who}: {parts} = {k(added)} (£000s), {agrees}."


def fte(hundredths: int) -> str:
    """FTE held in hundredths, written as the paper writes it: 1, 0.5, 7, 1.25."""
    return f"{(Decimal(hundredths) / 100).normalize():f}"


def posts_for(posts: pl.DataFrame, workstream: str) -> pl.DataFrame:
    return posts.filter(pl.col("workstream") == workstream).sort("code")


def posts_table(posts: pl.DataFrame) -> Table:
    """The funded posts as the paper lists them, then the total cost (added up, in pence)."""
    rows = [
        {
            "Area of support": row["area_of_support"],
            "Post": row["post_title"],
            "Band": row["band"] or "",
            "FTE": fte(row["fte_hundredths"]),
            "Period": row["period_label"] or _period(row),
            "Cost": row["cost_pence"],
            "Unit cost": row["unit_cost_pence"],
        }
        for row in posts.iter_rows(named=True)
    ]
    rows.append({"Area of support": "Total", "Cost": implementation_cost(posts)})
    words = ("Area of support", "Post", "Band", "FTE", "Period")
    schema = {**{c: pl.String for c in words}, "Cost": pl.Int64, "Unit cost": pl.Int64}
    frame = pl.DataFrame(rows, schema=schema).with_columns(pl.col(words).fill_null(""))
    return Table.of("Funded posts", frame, {"Cost": Kind.MONEY, "Unit cost": Kind.MONEY})


def _period(row: dict) -> str:
    return f"{formatting.month(row['start_date'])} to {formatting.month(row['end_date'])}"


def implementation_cost(posts: pl.DataFrame) -> int:
    return int(posts["cost_pence"].sum())


def net_of_cost(savings_pence: int, cost_pence: int) -> Bridge:
    """Savings less the cost of the posts funded to deliver them (both added up here)."""
    net = savings_pence - cost_pence
    summary = (
        f"Savings of {formatting.money(savings_pence, style='exact')} less implementation "
        f"costs of {formatting.money(cost_pence, style='exact')} leave "
        f"{formatting.money(net, style='exact')} net."
    )
    steps = (
        ("Savings", savings_pence, "absolute"),
        ("Implementation cost", -cost_pence, "relative"),
        ("Net of cost", net, "total"),
    )
    return Bridge("Savings net of implementation cost", steps, summary, money_style="exact")


def net_headlines(net: Bridge) -> list[tuple[str, str]]:
    """The three figures of a net-of-cost bridge as headline cards read them (no minus sign:
    the label says the cost is taken away)."""
    labels = ("Savings", "Implementation cost", "Net of implementation cost")
    return [
        (label, formatting.money(abs(pence), style="exact"))
        for label, (_, pence, _) in zip(labels, net.steps, strict=True)
    ]


def sources(savings: pl.DataFrame, posts: pl.DataFrame, workstream: str) -> str:
    """``Source: paper (paragraph 25 table), as at 9 Oct 2017; ...`` for every row shown."""
    seen = []
    for frame in (_lines(savings, workstream), posts):
        for source, as_at in frame.select("source", "as_at").unique().sort("source").iter_rows():
            text = f"{papers.titled(source)}, as at {formatting.day(as_at)}"
            if text not in seen:
                seen.append(text)
    return "Source: " + "; ".join(seen) + "." if seen else ""
