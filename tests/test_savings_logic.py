"""Savings programme logic on small literal frames: ratings, totals, bridges, findings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from dashboard.charts import figures as charts
from dashboard.domain import reconciliation, savings
from dashboard.domain.ratings import Thresholds, rule_text
from dashboard.domain.reconciliation import AGREES, DIFFERS, UNCHECKABLE, Finding

SCHEMA = {
    "code": pl.String,
    "financial_year": pl.String,
    "title": pl.String,
    "workstream": pl.String,
    "cohort": pl.String,
    "owner": pl.String,
    "target_pence": pl.Int64,
    "forecast_pence": pl.Int64,
    "delivered_pence": pl.Int64,
    "brag_override": pl.String,
    "override_reason": pl.String,
    "source": pl.String,
    "as_at": pl.Date,
    "basis": pl.String,
}


def _lines(*rows) -> pl.DataFrame:
    """Rows of (code, year, workstream, cohort, target, forecast, delivered, override)."""
    return pl.DataFrame(
        [
            {
                "code": code,
                "financial_year": year,
                "title": f"Line {code}",
                "workstream": ws,
                "cohort": cohort,
                "owner": None,
                "target_pence": target,
                "forecast_pence": forecast,
                "delivered_pence": delivered,
                "brag_override": override,
                "override_reason": "Finance confirm" if override else None,
                "source": "paper.txt",
                "as_at": date(2024, 3, 31),
                "basis": "published",
            }
            for code, year, ws, cohort, target, forecast, delivered, override in rows
        ],
        schema=SCHEMA,
    )


LINES = _lines(
    ("A", "2023/24", "W1", "younger", 100_000_00, 100_000_00, 100_000_00, None),  # Blue
    ("B", "2023/24", "W1", "older", 200_000_00, 190_000_00, None, None),  # Green, 95%
    ("C", "2024/25", "W2", "older", 300_000_00, 240_000_00, 60_000_00, None),  # Amber, 80%
    ("D", "2024/25", "W2", "all-age", 400_000_00, None, None, None),  # not rated
    ("E", "2024/25", "W2", "all-age", 50_000_00, 0, None, "Green"),  # override
)


def _rated(lines=LINES):
    return savings.rate_lines(lines, Thresholds(green_at=95, amber_at=80))


def test_each_line_gets_the_rule_rating_or_the_officer_override_with_reasons():
    assert _rated().select("code", "rating", "rated_by", "reason").rows() == [
        ("A", "Blue", "rule", "delivered £100,000 of £100,000 target"),
        ("B", "Green", "rule", "forecast £190,000 is 95.0% of £200,000 target"),
        ("C", "Amber", "rule", "forecast £240,000 is 80.0% of £300,000 target"),
        ("D", "Not rated", "rule", "no forecast reported"),
        ("E", "Green", "officer override", "Finance confirm"),
    ]


def test_configured_thresholds_move_the_boundary():
    rated = savings.rate_lines(LINES, Thresholds(green_at=80, amber_at=50))
    assert rated["rating"].to_list()[:3] == ["Blue", "Green", "Green"]


def test_rating_an_empty_frame_gives_an_empty_frame():
    assert _rated(LINES.head(0)).columns[-3:] == ["rating", "rated_by", "reason"]


@pytest.mark.parametrize(
    ("year", "cohort", "workstream", "codes"),
    [
        (None, None, None, ["A", "B", "C", "D", "E"]),
        ("2024/25", None, None, ["C", "D", "E"]),
        (None, "older", None, ["B", "C"]),
        (None, None, "W1", ["A", "B"]),
        ("2024/25", "older", "W2", ["C"]),
        ("2023/24", "all-age", None, []),
    ],
)
def test_filters_combine(year, cohort, workstream, codes):
    shown = savings.filter_lines(_rated(), year=year, cohort=cohort, workstream=workstream)
    assert shown["code"].to_list() == codes


def test_filter_options_are_sorted_and_distinct():
    assert savings.options(LINES, "financial_year") == ["2023/24", "2024/25"]
    assert savings.options(LINES, "cohort") == ["all-age", "older", "younger"]


def test_rating_options_run_worst_first_and_only_those_present():
    assert savings.options(_rated(), "rating") == ["Amber", "Green", "Blue", "Not rated"]


@pytest.mark.parametrize(
    ("rating", "codes"),
    [("Green", ["B", "E"]), ("Not rated", ["D"]), ("Red", [])],
)
def test_filter_by_rating(rating, codes):
    assert savings.filter_lines(_rated(), rating=rating)["code"].to_list() == codes


def test_lines_run_worst_rating_first_then_year_workstream_and_line():
    red = _lines(("F", "2023/24", "W9", "older", 100_000_00, 10_000_00, None, None))
    rated = _rated(pl.concat([LINES, red]))
    shown = savings.lines_table(rated).shown()
    assert shown.select("BRAG", "Line").rows() == [
        ("■ Red: at risk", "F"),
        ("▲ Amber: needs action", "C"),
        ("● Green: on track", "B"),
        ("● Green: on track", "E"),
        ("◆ Blue: delivered", "A"),
        ("○ Not rated: no forecast reported", "D"),
    ]


def test_lines_show_the_share_of_target_forecast_and_delivered_to_a_tenth():
    table = savings.lines_table(_rated())
    shown = table.shown().select("Line", "% forecast", "% delivered").rows()
    assert shown == [
        ("C", "80.0%", "20.0%"),
        ("B", "95.0%", "not published"),
        ("E", "0.0%", "not published"),
        ("A", "100.0%", "100.0%"),
        ("D", "not published", "not published"),
    ]
    held = table.values().select("Line", "Forecast as % of target").rows()
    assert held[0] == ("C", Decimal("80.0"))


def test_key_lines_are_nine_columns_with_each_lines_reference_before_its_title():
    lines = savings.lines_table(_rated())
    key = savings.key_lines(lines)
    assert key.frame.columns == list(savings.KEY_LINE_COLUMNS)
    assert key.shown().select("BRAG", "Saving", "Target").row(0) == (
        "▲ Amber: needs action",
        "C: Line C",
        "£300,000",
    )
    # the same kinds as the whole table, so screen, print and files read them alike
    assert [c.kind for c in key.columns] == [lines.column(n).kind for n in key.frame.columns]


def test_an_officers_rating_says_so_in_why():
    why = dict(savings.lines_table(_rated()).shown().select("Line", "Why").iter_rows())
    assert why["E"] == "Set by an officer: Finance confirm"
    assert why["B"] == "forecast £190,000 is 95.0% of £200,000 target"


def test_lines_table_says_rating_in_words_and_missing_money_as_not_published():
    table = savings.lines_table(_rated()).shown()
    row = table.filter(pl.col("Line") == "D").row(0, named=True)
    assert (row["Target"], row["Forecast"], row["BRAG"], row["Cohort"]) == (
        "£400,000",
        "not published",
        "○ Not rated: no forecast reported",
        "All ages",
    )
    assert table.filter(pl.col("Line") == "C")["BRAG"].item() == "▲ Amber: needs action"
    assert table["Owner"].to_list() == ["not stated"] * 5
    assert table["As at"].to_list() == ["31 Mar 2024"] * 5


def test_totals_add_only_what_is_reported_and_end_with_the_total():
    sums = savings.totals(_rated(), "workstream")
    assert sums.select(
        "workstream", "target_pence", "forecast_pence", "delivered_pence", "entries", "reported"
    ).rows() == [
        ("W1", 300_000_00, 290_000_00, 100_000_00, 2, 2),
        ("W2", 750_000_00, 240_000_00, 60_000_00, 3, 2),
        ("Total", 1_050_000_00, 530_000_00, 160_000_00, 5, 4),
    ]


def test_a_total_of_nothing_reported_is_not_published_not_zero():
    only_d = _rated().filter(pl.col("code") == "D")
    table = savings.totals_table(savings.totals(only_d, "cohort"), "cohort", "Cohort").shown()
    nothing = ("not published",) * 4
    assert table.rows() == [
        ("All ages", "£400,000", *nothing, "0 of 1"),
        ("Total", "£400,000", *nothing, "0 of 1"),
    ]


def test_totals_tables_by_workstream_cohort_and_year():
    tables = savings.totals_tables(_rated())
    assert list(tables) == ["Workstream", "Cohort", "Year"]
    # the shares are of the target of the entries reporting each figure: 2024/25 forecasts
    # £240,000 of the £350,000 of C and E (D reports none), and delivers £60,000 of C's £300,000
    assert tables["Year"].shown().rows() == [
        ("2023/24", "£300,000", "£290,000", "96.6%", "£100,000", "100.0%", "2 of 2"),
        ("2024/25", "£750,000", "£240,000", "68.5%", "£60,000", "20.0%", "2 of 3"),
        ("Total", "£1.05m", "£530,000", "81.5%", "£160,000", "40.0%", "4 of 5"),
    ]


def test_brag_split_by_value_in_severity_order():
    split = savings.brag_split(_rated())
    assert split.rows() == [
        ("Amber", "▲ Amber: needs action", 300_000_00, Decimal("28.6")),
        ("Green", "● Green: on track", 250_000_00, Decimal("23.8")),
        ("Blue", "◆ Blue: delivered", 100_000_00, Decimal("9.5")),
        ("Not rated", "○ Not rated: no forecast reported", 400_000_00, Decimal("38.1")),
    ]
    assert savings.brag_split_summary(split) == (
        "Of £1.05m targeted: £300,000 Amber (needs action), £250,000 Green (on track), "
        "£100,000 Blue (delivered), £400,000 Not rated (no forecast reported)."
    )
    assert savings.brag_split_table(split).shown()["Share of target value"].to_list() == [
        "28.6%",
        "23.8%",
        "9.5%",
        "38.1%",
    ]


def test_brag_split_figure_names_each_bar_in_words():
    fig = savings.brag_split_figure(savings.brag_split(_rated()))
    bar = fig.data[0]
    assert list(bar.y) == [
        "▲ Amber: needs action",
        "● Green: on track",
        "◆ Blue: delivered",
        "○ Not rated: no forecast reported",
    ]
    assert list(bar.x) == [0.3, 0.25, 0.1, 0.4] and list(bar.text)[0] == "£300,000"
    assert fig.layout.xaxis.range == (0, 0.5)  # room for the longest bar's label


MTFS = {
    "code": "M1",
    "period": "Five years from 2023/24",
    "required_pence": 6_700_000_000,
    "forecast_pence": 5_443_000_000,
    "reported_shortfall_pence": 1_262_000_000,
}


def test_mtfs_bridge_computes_the_gap_rather_than_copying_the_reported_one():
    gap = savings.mtfs_bridge(MTFS)
    assert gap.steps == (
        ("Required", 6_700_000_000, "absolute"),
        ("Gap to forecast", -1_257_000_000, "relative"),
        ("Forecast", 5_443_000_000, "total"),
    )
    assert gap.table().shown()["Amount"].to_list() == ["£67.00m", "-£12.57m", "£54.43m"]
    assert gap.table().values()["Amount"].to_list() == [
        Decimal("67000000.00"),
        Decimal("-12570000.00"),
        Decimal("54430000.00"),
    ]
    assert gap.summary == (
        "Five years from 2023/24: the forecast of £54.43m is £12.57m short of the £67.00m "
        "required; no delivered figure is reported."
    )
    assert gap.chart_steps()[1] == ("Gap to forecast", -12.57, "relative")


def test_text_from_the_store_in_a_chart_title_is_not_read_as_html():
    fig = savings.bridge_figure(savings.mtfs_bridge({**MTFS, "period": "<a href='x'>5 years</a>"}))
    assert charts.inert_figure(fig).layout.title.text == (
        "MTFS savings required against forecast: &lt;a href='x'&gt;5 years&lt;/a&gt;"
    )


def test_mtfs_headlines_are_the_reported_figures():
    assert savings.mtfs_headlines(MTFS) == [
        ("Required", 6_700_000_000),
        ("Forecast", 5_443_000_000),
        ("Reported shortfall", 1_262_000_000),
    ]


def test_programme_bridge_runs_from_target_to_delivered_when_all_report_delivery():
    progress = savings.programme_bridge(_rated().filter(pl.col("code").is_in(["A", "C"])))
    assert [(label, pence) for label, pence, _ in progress.steps] == [
        ("Target", 400_000_00),
        ("Gap to forecast", -60_000_00),
        ("Forecast", 340_000_00),
        ("Not yet delivered", -180_000_00),
        ("Delivered", 160_000_00),
    ]
    assert progress.summary == (
        "2 of 2 entries report a forecast: the forecast of £340,000 is £60,000 short of the "
        "£400,000 target; £160,000 is delivered."
    )


def test_programme_bridge_stops_at_forecast_when_delivery_is_partly_unreported():
    progress = savings.programme_bridge(_rated())
    assert [label for label, _, _ in progress.steps] == ["Target", "Gap to forecast", "Forecast"]
    assert progress.summary.startswith("4 of 5 entries report a forecast")


def test_no_forecast_no_programme_bridge():
    assert savings.programme_bridge(_rated().filter(pl.col("code") == "D")) is None


def test_rule_text_names_the_configured_thresholds():
    text = rule_text(Thresholds(green_at=90, amber_at=75))
    assert "at least 90% of target" in text and "Red below 75%" in text


def _finding(code, check, status=AGREES):
    return Finding(
        code=code,
        check=check,
        label=code,
        reported=1,
        computed=1,
        unit="money",
        status=status,
        source="paper.txt",
        explanation="",
    )


FRAMES = {
    "reported_totals": pl.DataFrame(
        {
            "code": ["RT-LINE", "RT-WS", "RT-PARTS", "RT-POST"],
            "dataset": ["savings_target", "savings_target", "components", "posts_cost"],
            "scope": [
                '{"line_code": "A"}',
                '{"workstream": "W2", "financial_year": "2024/25"}',
                '{"line_code": "C"}',
                '{"post_code": "P1"}',
            ],
        }
    ),
    "savings": LINES,
    "posts": pl.DataFrame({"code": ["P1", "P2"], "workstream": ["W2", "W1"]}),
}
FINDINGS = [
    _finding("M1", "shortfall", DIFFERS),
    _finding("RT-LINE", "total"),
    _finding("RT-WS", "total", DIFFERS),
    _finding("RT-PARTS", "total", UNCHECKABLE),
    _finding("RT-POST", "total"),
    _finding("P2", "post cost"),
]


def test_findings_are_placed_beside_the_figures_they_concern():
    placed = savings.place_findings(FINDINGS, FRAMES)
    assert [(p.finding.code, p.dataset, p.workstream) for p in placed] == [
        ("M1", "mtfs", None),
        ("RT-LINE", "savings_target", "W1"),
        ("RT-WS", "savings_target", "W2"),
        ("RT-PARTS", "components", "W2"),
        ("RT-POST", "posts_cost", "W2"),
        ("P2", "posts_cost", "W1"),
    ]


@pytest.mark.parametrize(
    ("dataset", "workstream", "code", "codes"),
    [
        ("savings_target", None, None, ["RT-LINE", "RT-WS"]),
        ("savings_target", "W2", None, ["RT-WS"]),
        ("posts_cost", "W1", None, ["P2"]),
        ("mtfs", None, "M1", ["M1"]),
        ("mtfs", None, "M2", []),
    ],
)
def test_findings_about_one_kind_of_figure(dataset, workstream, code, codes):
    placed = savings.place_findings(FINDINGS, FRAMES)
    found = savings.findings_about(placed, dataset, workstream=workstream, code=code)
    assert [f.code for f in found] == codes


@pytest.mark.parametrize(
    ("statuses", "text"),
    [
        ([], "No published totals cover these figures, so none could be checked."),
        ([AGREES], "1 published figure checked against the figures that make them up: all agree."),
        ([AGREES, AGREES, DIFFERS], "3 published figures checked: 2 agree, 1 needs attention."),
        ([DIFFERS, UNCHECKABLE], ""),  # the warnings and notes say it all
        (
            [AGREES, DIFFERS, UNCHECKABLE],
            "3 published figures checked: 1 agrees, 2 need attention.",
        ),
    ],
)
def test_check_summary(statuses, text):
    findings = [_finding(str(i), "total", s) for i, s in enumerate(statuses)]
    assert reconciliation.counts(findings).summary() == text
