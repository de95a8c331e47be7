"""The savings programme: each line's BRAG rating and why, totals, the bridges from what is
required to what is forecast and delivered, and the reconciliation findings beside them.

Amounts are integer pence throughout; they become strings (or floats of £m for a chart axis)
only at the edge, for display.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import plotly.graph_objects as go
import polars as pl

from dashboard.charts import figures as charts
from dashboard.domain import formatting
from dashboard.domain.ratings import BRAG_ORDER, BRAG_STYLES, OVERRIDDEN, Thresholds, brag
from dashboard.domain.reconciliation import (
    BRIDGE_MOVES,
    BRIDGE_SIGNS,
    Finding,
    bridge_reports,
    scope_of,
)
from dashboard.domain.table import Column, Kind, Table
from dashboard.domain.tracking import tracked as tracked  # the years the totals count
from data_access import papers
from data_access.text_columns import text_per_value

COHORT_LABELS = {"younger": "Younger adults", "older": "Older adults", "all-age": "All ages"}
# the filters kept in the URL: (query parameter, label, column filtered)
FILTERS = (
    ("rating", "BRAG rating", "rating"),
    ("year", "Financial year", "financial_year"),
    ("cohort", "Cohort", "cohort"),
    ("workstream", "Workstream", "workstream"),
)
# the totals tables: (column grouped by, its heading)
TOTALS_BY = (("workstream", "Workstream"), ("cohort", "Cohort"), ("financial_year", "Year"))


def cohort_label(cohort: str | None) -> str:
    return COHORT_LABELS.get(cohort or "", cohort or "not stated")


# a savings year that stopped (data_access.vocab.SavingsStatus): its columns in the frames
STATUS_COLUMNS = {
    "status": pl.String,
    "status_date": pl.Date,
    "status_reason": pl.String,
    "deferred_to": pl.String,
    "replaced_by": pl.String,
}


def with_status(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with the status columns; a frame read before they existed has every year
    tracked."""
    missing = [pl.lit(None, dtype=t).alias(c) for c, t in STATUS_COLUMNS.items() if c not in frame]
    return frame.with_columns(missing) if missing else frame


def rate_lines(savings: pl.DataFrame, thresholds: Thresholds) -> pl.DataFrame:
    """Each line and year with ``rating``, ``rated_by`` ("rule", "officer override" or the
    status of a year that stopped) and ``reason``, from the one BRAG rule."""
    savings = with_status(savings)
    rated = [
        brag(
            row["target_pence"],
            row["forecast_pence"],
            row["delivered_pence"],
            override=row["brag_override"],
            override_reason=row["override_reason"],
            thresholds=thresholds,
            status=row["status"],
            status_reason=row["status_reason"],
        )
        for row in savings.select(
            "target_pence",
            "forecast_pence",
            "delivered_pence",
            "brag_override",
            "override_reason",
            "status",
            "status_reason",
        ).iter_rows(named=True)
    ]
    return savings.with_columns(
        rating=pl.Series([r.rating for r in rated], dtype=pl.String),
        rated_by=pl.Series([r.basis for r in rated], dtype=pl.String),
        reason=pl.Series([r.reason for r in rated], dtype=pl.String),
    )


_STATUS_ORDER = {"withdrawn": 0, "deferred": 1, "replaced": 2}


def stopped(rows: pl.DataFrame) -> pl.DataFrame:
    """The years withdrawn, deferred or replaced, oldest year first."""
    rows = with_status(rows).filter(pl.col("status").is_not_null())
    rank = pl.col("status").replace_strict(_STATUS_ORDER, default=len(_STATUS_ORDER))
    return rows.sort("financial_year", rank, "code")


def stopped_sentences(rows: pl.DataFrame) -> list[str]:
    """``£46m withdrawn for 2025/26.``: the value that stopped, by status and year (and, for a
    deferral, the year it moves to; for a replacement, the line that replaces it)."""
    keys = ["status", "financial_year", "deferred_to", "replaced_by"]
    sums = rows.group_by(keys).agg(pl.col("target_pence").sum())
    order = _STATUS_ORDER
    sentences = []
    for row in sorted(
        sums.iter_rows(named=True),
        key=lambda r: (
            r["financial_year"],
            order.get(r["status"], 3),
            r["deferred_to"] or "",
            r["replaced_by"] or "",
        ),
    ):
        value = formatting.money(row["target_pence"])
        if row["status"] == "deferred":
            sentences.append(
                f"{value} deferred from {row['financial_year']} to {row['deferred_to']}."
            )
        elif row["status"] == "replaced":
            sentences.append(
                f"{value} replaced for {row['financial_year']} by line {row['replaced_by']}."
            )
        else:
            sentences.append(f"{value} {row['status']} for {row['financial_year']}.")
    return sentences


STOPPED_KINDS = {"Target": Kind.MONEY, "Since": Kind.DATE}


def stopped_table(rows: pl.DataFrame) -> Table:
    """Each stopped line and year with its value, status, date and reason."""
    rows = with_status(rows)
    frame = rows.select(
        pl.col("financial_year").alias("Year"),
        pl.col("code").alias("Line"),
        pl.col("title").alias("Saving"),
        pl.col("status").str.to_titlecase().alias("Status"),
        pl.col("target_pence").alias("Target"),
        pl.col("status_date").alias("Since"),
        pl.col("status_reason").alias("Reason"),
        pl.col("deferred_to").fill_null("").alias("Deferred to"),
        pl.col("replaced_by").fill_null("").alias("Replaced by"),
        pl.col("workstream").alias("Workstream"),
    )
    return Table.of("Savings withdrawn, deferred or replaced", frame, STOPPED_KINDS)


def options(rows: pl.DataFrame, column: str) -> list[str]:
    """The values a filter offers: ratings worst first (Red, Amber, Green, Blue, Not rated),
    anything else in alphabetical order."""
    present = rows.get_column(column).drop_nulls().unique().to_list()
    if column == "rating":
        return [rating for rating in BRAG_ORDER if rating in present]
    return sorted(present)


def filter_lines(
    rows: pl.DataFrame,
    *,
    year: str | None = None,
    cohort: str | None = None,
    workstream: str | None = None,
    rating: str | None = None,
) -> pl.DataFrame:
    chosen = (
        ("financial_year", year),
        ("cohort", cohort),
        ("workstream", workstream),
        ("rating", rating),
    )
    for column, value in chosen:
        if value is not None:
            rows = rows.filter(pl.col(column) == value)
    return rows


def by_rating(rows: pl.DataFrame, *then: str) -> pl.DataFrame:
    """``rows`` worst rating first, as committees ask for them: Red, Amber, Green, Blue (the
    order of the BRAG scale), Not rated last; then by ``then``."""
    rank = pl.col("rating").replace_strict(
        {rating: index for index, rating in enumerate(BRAG_ORDER)},
        default=len(BRAG_ORDER),
        return_dtype=pl.Int64,
    )
    return rows.sort(rank, *then)


def showing(shown: pl.DataFrame, rated: pl.DataFrame) -> str:
    return (
        f"Showing {shown.height} of {rated.height} entries "
        "(one for each savings line in each financial year)."
    )


FORECAST_SHARE, DELIVERED_SHARE = "% forecast", "% delivered"
# the share columns, whatever table they are in: a tenth of a percent of the target
SHARE_KINDS = {
    FORECAST_SHARE: Column(FORECAST_SHARE, Kind.PERCENT, file_name="Forecast as % of target"),
    DELIVERED_SHARE: Column(DELIVERED_SHARE, Kind.PERCENT, file_name="Delivered as % of target"),
}
LINE_KINDS = {
    "BRAG": Column("BRAG", Kind.RATING, scale="BRAG"),
    "Target": Kind.MONEY,
    "Forecast": Kind.MONEY,
    "Delivered": Kind.MONEY,
    **SHARE_KINDS,
    "Source": Kind.SOURCE,
    "As at": Kind.DATE,
}
SHARES_NOTE = (
    "% forecast and % delivered are shares of the target, to one decimal place, rounded "
    "down (a line at 94.96% reads 94.9%); a total's shares are of the target of the entries "
    "that report that figure."
)


def lines_table(rated: pl.DataFrame) -> Table:
    """Every line and year in the columns members read, worst rating first: the rating in
    shape and text, money exact, the shares of target delivered and forecast, a missing
    forecast "not published" (never £0)."""
    target = pl.col("target_pence")
    frame = by_rating(rated, "financial_year", "workstream", "code").select(
        pl.col("rating").alias("BRAG"),
        pl.col("code").alias("Line"),
        pl.col("title").alias("Saving"),
        pl.col("financial_year").alias("Year"),
        target.alias("Target"),
        pl.col("forecast_pence").alias("Forecast"),
        formatting.percent_of_column(pl.col("forecast_pence"), target).alias(FORECAST_SHARE),
        pl.col("delivered_pence").alias("Delivered"),
        formatting.percent_of_column(pl.col("delivered_pence"), target).alias(DELIVERED_SHARE),
        # an officer's rating says so where it is read: the screen and the pack leave the
        # "Rated by" column to the download
        pl.when(pl.col("rated_by") == OVERRIDDEN)
        .then(pl.format("Set by an officer: {}", "reason"))
        .otherwise(pl.col("reason"))
        .alias("Why"),
        pl.col("rated_by").alias("Rated by"),
        pl.col("workstream").alias("Workstream"),
        text_per_value(rated, "cohort", cohort_label, skip_nulls=False).alias("Cohort"),
        pl.col("owner").fill_null(formatting.NOT_STATED).alias("Owner"),
        pl.col("source").alias("Source"),
        pl.col("as_at").alias("As at"),
    )
    return Table.of("Savings lines", frame, LINE_KINDS)


# the lines on screen and in print: the columns a committee reads; the rest are in the download
KEY_LINE_COLUMNS = ("BRAG", "Saving", "Year", "Target", "Forecast", FORECAST_SHARE)
KEY_LINE_COLUMNS += ("Delivered", DELIVERED_SHARE, "Why")


def key_lines(lines: Table, *, widths: tuple[float, ...] = ()) -> Table:
    """``lines_table`` in the columns a committee reads, each line's reference before its title
    as the attention list names it ("LCC-W4: Partnership working"): nine columns, which fit
    the page without scrolling sideways at 1366 pixels with the sidebar open, and at 768."""
    frame = lines.frame.with_columns(pl.format("{}: {}", "Line", "Saving").alias("Saving"))
    columns = tuple(lines.column(name) for name in KEY_LINE_COLUMNS)
    return Table(lines.title, frame.select(KEY_LINE_COLUMNS), columns, widths)


def _reported_sum(column: str) -> pl.Expr:
    # a sum of nothing reported is "not reported", not £0
    return pl.when(pl.col(column).is_not_null().any()).then(pl.col(column).sum()).alias(column)


def totals(rated: pl.DataFrame, by: str) -> pl.DataFrame:
    """Target, forecast and delivered (pence) for each value of ``by``, then a ``Total`` row.
    Forecast and delivered add up only what is reported; ``reported`` counts those entries;
    ``forecasting`` and ``delivering`` are the target of the entries that report each, which
    the shares are of."""
    target = pl.col("target_pence")
    aggs = [
        target.sum(),
        _reported_sum("forecast_pence"),
        _reported_sum("delivered_pence"),
        pl.len().alias("entries"),
        pl.col("forecast_pence").is_not_null().sum().alias("reported"),
        target.filter(pl.col("forecast_pence").is_not_null()).sum().alias("forecasting"),
        target.filter(pl.col("delivered_pence").is_not_null()).sum().alias("delivering"),
    ]
    groups = rated.group_by(by).agg(aggs).sort(by)
    overall = rated.select(aggs).with_columns(pl.lit("Total").alias(by))
    return pl.concat([groups, overall.select(groups.columns)], how="vertical_relaxed")


def totals_table(sums: pl.DataFrame, by: str, heading: str) -> Table:
    first = pl.col(by)
    if by == "cohort":
        first = text_per_value(sums, by, lambda c: c if c == "Total" else cohort_label(c))
    frame = sums.select(
        first.alias(heading),
        pl.col("target_pence").alias("Target"),
        pl.col("forecast_pence").alias("Forecast"),
        formatting.percent_of_column(pl.col("forecast_pence"), pl.col("forecasting")).alias(
            FORECAST_SHARE
        ),
        pl.col("delivered_pence").alias("Delivered"),
        formatting.percent_of_column(pl.col("delivered_pence"), pl.col("delivering")).alias(
            DELIVERED_SHARE
        ),
        pl.format("{} of {}", "reported", "entries").alias("Forecasts reported"),
    )
    kinds = {"Target": Kind.MONEY, "Forecast": Kind.MONEY, "Delivered": Kind.MONEY}
    return Table.of(f"Savings totals by {heading.lower()}", frame, kinds | SHARE_KINDS)


def totals_tables(rated: pl.DataFrame) -> dict[str, Table]:
    """The totals tables by workstream, cohort and year, keyed by their heading."""
    return {heading: totals_table(totals(rated, by), by, heading) for by, heading in TOTALS_BY}


def brag_split(rated: pl.DataFrame) -> pl.DataFrame:
    """Target value in each rating, in severity order, with its share of the whole (to a
    tenth of a percent, ``formatting.share_of``)."""
    by_rating = dict(rated.group_by("rating").agg(pl.col("target_pence").sum()).iter_rows())
    whole = sum(by_rating.values())
    rows = [
        {
            "rating": rating,
            "label": BRAG_STYLES[rating].label,
            "target_pence": by_rating[rating],
            "percent": formatting.share_of(by_rating[rating], whole),
        }
        for rating in BRAG_ORDER
        if rating in by_rating
    ]
    schema = {
        "rating": pl.String,
        "label": pl.String,
        "target_pence": pl.Int64,
        "percent": formatting.PERCENT_OF,
    }
    return pl.DataFrame(rows, schema=schema)


def brag_split_table(split: pl.DataFrame) -> Table:
    frame = split.select(
        pl.col("label").alias("BRAG"),
        pl.col("target_pence").alias("Target value"),
        pl.col("percent").alias("Share of target value"),
    )
    kinds = {"Target value": Kind.MONEY, "Share of target value": Kind.PERCENT}
    return Table.of("Value of savings targeted, by BRAG rating", frame, kinds)


def brag_split_summary(split: pl.DataFrame) -> str:
    """``Of £10.40m targeted, £2.40m is Blue (delivered), ...``."""
    if split.is_empty():
        return "No savings lines to rate."
    whole = formatting.money(int(split["target_pence"].sum()))
    parts = [
        f"{formatting.money(row['target_pence'])} {row['rating']} "
        f"({BRAG_STYLES[row['rating']].meaning.lower()})"
        for row in split.iter_rows(named=True)
    ]
    return f"Of {whole} targeted: " + ", ".join(parts) + "."


def brag_split_figure(split: pl.DataFrame) -> go.Figure:
    return charts.rating_bar_chart(
        split["label"].to_list(),
        [millions(p) for p in split["target_pence"]],
        colours=[BRAG_STYLES[r].colour for r in split["rating"]],
        texts=[formatting.money(p) for p in split["target_pence"]],
        title="Value of savings targeted, by BRAG rating",
        x_title="£m targeted",
    )


def millions(pence: int) -> float:
    """Pounds in millions for a chart axis only; every figure shown as text stays exact."""
    return float(Decimal(pence) / 100_000_000)


@dataclass(frozen=True)
class Bridge:
    """Steps from what is required to what is forecast (and delivered, where reported)."""

    title: str
    steps: tuple[tuple[str, int, str], ...]  # (label, pence, "absolute" | "relative" | "total")
    summary: str
    money_style: str = "auto"  # "exact" where the paper gives pounds to the pound

    def chart_steps(self) -> list[tuple[str, float, str]]:
        return [(label, millions(p), kind) for label, p, kind in self.steps]

    def texts(self) -> list[str]:
        return [formatting.money(p, style=self.money_style) for _, p, _ in self.steps]

    def table(self) -> Table:
        frame = pl.DataFrame(
            {"Step": [s[0] for s in self.steps], "Amount": [s[1] for s in self.steps]},
            schema={"Step": pl.String, "Amount": pl.Int64},
        )
        amount = Column("Amount", Kind.MONEY, money=self.money_style)
        return Table.of(self.title, frame, {"Amount": amount})


def bridge_figure(steps: Bridge) -> go.Figure:
    return charts.bridge_chart(
        steps.chart_steps(), title=steps.title, y_title="£m", texts=steps.texts()
    )


def bridge(
    required: int,
    forecast: int,
    delivered: int | None,
    *,
    required_label: str,
    scope: str,
    title: str,
) -> Bridge:
    """Required -> gap -> forecast, then -> not yet delivered -> delivered when reported."""
    steps = [
        (required_label, required, "absolute"),
        ("Gap to forecast", forecast - required, "relative"),
        ("Forecast", forecast, "total"),
    ]
    gap = required - forecast
    said = "short of" if gap > 0 else "over"
    summary = (
        f"{scope}: the forecast of {formatting.money(forecast)} is {formatting.money(abs(gap))} "
        f"{said} the {formatting.money(required)} {required_label.lower()}"
    )
    if delivered is None:
        return Bridge(title, tuple(steps), summary + "; no delivered figure is reported.")
    steps += [
        ("Not yet delivered", delivered - forecast, "relative"),
        ("Delivered", delivered, "total"),
    ]
    return Bridge(title, tuple(steps), summary + f"; {formatting.money(delivered)} is delivered.")


def budget_bridges(steps: pl.DataFrame) -> list[Bridge]:
    """Each budget-monitoring report's bridge as it states it: the start, each amount taken
    off or added, then the result the report gives (the check that they agree is
    ``reconciliation.check_bridges``), in the order the steps were loaded."""
    bridges = []
    for report, rows in bridge_reports(steps):
        ordered = [r for r in rows if r["kind"] == "start"]
        ordered += [r for r in rows if r["kind"] in BRIDGE_MOVES]
        ordered += [r for r in rows if r["kind"] == "result"]
        chart = tuple(
            (
                r["label"],
                r["amount_pence"] * BRIDGE_SIGNS.get(r["kind"], 1),
                {"start": "absolute", "result": "total"}.get(r["kind"], "relative"),
            )
            for r in ordered
        )
        said = ", ".join(
            f"{r['kind'] if r['kind'] in ('less', 'plus') else ''} {r['label'].lower()} "
            f"{formatting.money(r['amount_pence'], style='exact')}".strip()
            for r in ordered
            if r["kind"] != "result"
        )
        results = [r for r in ordered if r["kind"] == "result"]
        if results:
            said += (
                f", leaves {results[0]['label'].lower()} "
                f"{formatting.money(results[0]['amount_pence'], style='exact')}"
            )
        bridges.append(Bridge(report, chart, f"{report}: {said}.", money_style="exact"))
    return bridges


def mtfs_bridge(mtfs_row: dict) -> Bridge:
    """The MTFS gap computed from required and forecast (the reported shortfall is checked
    separately, so a paper's arithmetic slip shows as a finding, not in the chart)."""
    return bridge(
        mtfs_row["required_pence"],
        mtfs_row["forecast_pence"],
        None,
        required_label="Required",
        scope=mtfs_row["period"],
        title=f"MTFS savings required against forecast: {mtfs_row['period']}",
    )


def mtfs_headlines(mtfs_row: dict) -> list[tuple[str, int | None]]:
    """The three figures members quote, as the paper reports them."""
    return [
        ("Required", mtfs_row["required_pence"]),
        ("Forecast", mtfs_row["forecast_pence"]),
        ("Reported shortfall", mtfs_row["reported_shortfall_pence"]),
    ]


def programme_bridge(rated: pl.DataFrame) -> Bridge | None:
    """Target -> forecast -> delivered over the entries that report a forecast; delivered
    only when every one of them reports it (a partial sum would understate delivery)."""
    reported = rated.filter(pl.col("forecast_pence").is_not_null())
    if reported.is_empty():
        return None
    delivered = reported["delivered_pence"]
    scope = f"{reported.height} of {rated.height} entries report a forecast"
    return bridge(
        int(reported["target_pence"].sum()),
        int(reported["forecast_pence"].sum()),
        None if delivered.null_count() else int(delivered.sum()),
        required_label="Target",
        scope=scope,
        title="Savings targeted, forecast and delivered (lines with a forecast)",
    )


@dataclass(frozen=True)
class Placed:
    """A reconciliation finding and the figures it concerns, so a page can show it beside them."""

    finding: Finding
    dataset: str  # "mtfs", "bridges", "savings_target", "components" or "posts_cost"
    workstream: str | None


def place_findings(findings: list[Finding], frames: dict[str, pl.DataFrame]) -> list[Placed]:
    """Where each finding belongs, from the frames ``reconcile`` checked."""
    reported = {r["code"]: r for r in frames["reported_totals"].iter_rows(named=True)}
    line_ws = dict(frames["savings"].select("code", "workstream").unique().iter_rows())
    post_ws = dict(frames["posts"].select("code", "workstream").iter_rows())
    placed = []
    for finding in findings:
        if finding.check == "shortfall":
            placed.append(Placed(finding, "mtfs", None))
        elif finding.check == "bridge":
            placed.append(Placed(finding, "bridges", None))
        elif finding.check == "post cost":
            placed.append(Placed(finding, "posts_cost", post_ws.get(finding.code)))
        elif finding.code in reported:
            row = reported[finding.code]
            scope = scope_of(row["scope"])
            workstream = (
                scope.get("workstream")
                or line_ws.get(scope.get("line_code"))
                or (post_ws.get(scope.get("post_code")))
            )
            placed.append(Placed(finding, row["dataset"], workstream))
    return placed


def findings_about(
    placed: list[Placed], dataset: str, *, workstream: str | None = None, code: str | None = None
) -> list[Finding]:
    """The findings on one kind of figure, narrowed to a workstream or a finding's code."""
    return [
        p.finding
        for p in placed
        if p.dataset == dataset
        and (workstream is None or p.workstream == workstream)
        and (code is None or p.finding.code == code)
    ]


def source_note(row: dict) -> str:
    source = papers.titled(row["source"])
    return f"Source: {source}, as at {formatting.day(row['as_at'])} ({row['basis']})."
