"""Younger and older adults logic on small literal frames holding the Nottinghamshire figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from dashboard.domain import adults

WS = "Care and support planning"
POUND = 100  # pence


def _savings(*rows) -> pl.DataFrame:
    """Rows of (code, workstream, cohort, year, target in pounds)."""
    return pl.DataFrame(
        [
            {
                "code": code,
                "workstream": ws,
                "cohort": cohort,
                "financial_year": year,
                "title": f"{cohort} line",
                "target_pence": pounds * POUND,
                "source": "paper.txt (paragraph 25)",
                "as_at": date(2017, 10, 9),
            }
            for code, ws, cohort, year, pounds in rows
        ],
        schema={
            "code": pl.String,
            "workstream": pl.String,
            "cohort": pl.String,
            "financial_year": pl.String,
            "title": pl.String,
            "target_pence": pl.Int64,
            "source": pl.String,
            "as_at": pl.Date,
        },
    )


NOTTS = _savings(
    ("YA", WS, "younger", "2018/19", 1_500_000),
    ("YA", WS, "younger", "2019/20", 749_000),
    ("YA", WS, "younger", "2020/21", 100_000),
    ("OA", WS, "older", "2018/19", 130_000),
    ("OA", WS, "older", "2019/20", 130_000),
    ("OA", WS, "older", "2020/21", 199_000),
)


def _components(*rows) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "code": c,
                "line_code": line,
                "title": f"component {c}",
                "amount_pence": None if pounds is None else pounds * POUND,
                "source": "paper.txt",
            }
            for c, line, pounds in rows
        ],
        schema={
            "code": pl.String,
            "line_code": pl.String,
            "title": pl.String,
            "amount_pence": pl.Int64,
            "source": pl.String,
        },
    )


COMPONENTS = _components(
    ("YA-1", "YA", 1_900_000),
    ("YA-2", "YA", 325_000),
    ("YA-3", "YA", 124_000),
    ("OA-1", "OA", None),
    ("OA-2", "OA", None),
    ("OA-3", "OA", None),
)


def test_only_workstreams_with_both_cohorts_are_offered():
    lines = pl.concat(
        [
            NOTTS,
            _savings(
                ("X", "Older only", "older", "2020/21", 1),
                ("Y", "All ages", "all-age", "2020/21", 1),
            ),
            _savings(
                ("Z1", "A first", "younger", "2021/22", 1), ("Z2", "A first", "older", "2021/22", 1)
            ),
        ]
    )
    assert adults.workstreams_with_both(lines) == ["A first", WS]


def test_savings_table_reads_exactly_as_published_in_thousands():
    table = adults.savings_table(adults.cohort_years(NOTTS, WS))
    shown = table.shown()
    assert shown.columns == ["£000s", "2018/19", "2019/20", "2020/21", "3 year total"]
    assert shown.rows() == [
        ("Younger adults", "1,500", "749", "100", "2,349"),
        ("Older adults", "130", "130", "199", "459"),
        ("Total of savings", "1,630", "879", "299", "2,808"),
    ]


def test_savings_table_download_holds_exact_pounds_headed_by_cohort():
    values = adults.savings_table(adults.cohort_years(NOTTS, WS)).values()
    assert values.columns == ["Cohort", "2018/19", "2019/20", "2020/21", "3 year total"]
    assert all(str(values.schema[c]).startswith("Decimal") for c in values.columns[1:])
    assert values.row(2) == (
        "Total of savings",
        Decimal("1630000"),
        Decimal("879000"),
        Decimal("299000"),
        Decimal("2808000"),
    )


def test_totals_are_added_up_from_the_parts_in_pence():
    by_year = adults.cohort_years(NOTTS, WS)
    assert by_year.row(2) == ("Total of savings", 163_000_000, 87_900_000, 29_900_000, 280_800_000)
    assert adults.grand_total(by_year) == 280_800_000


def test_a_year_with_no_line_for_a_cohort_is_not_published_and_still_adds_up():
    lines = NOTTS.filter(~((pl.col("cohort") == "older") & (pl.col("financial_year") == "2018/19")))
    table = adults.savings_table(adults.cohort_years(lines, WS))
    assert table.shown().row(1) == ("Older adults", "not published", "130", "199", "329")
    assert table.shown().row(2) == ("Total of savings", "1,500", "879", "299", "2,678")
    assert table.values().row(1)[1] is None  # never £0 in a download


def test_two_lines_in_one_cohort_are_added_together():
    lines = pl.concat([NOTTS, _savings(("YB", WS, "younger", "2018/19", 250_500))])
    # £1,750,500 in £000s is 1,750.5, never rounded to 1,751
    shown = adults.savings_table(adults.cohort_years(lines, WS)).shown()
    assert shown.row(0) == ("Younger adults", "1,750.5", "749", "100", "2,599.5")
    assert shown.row(1)[1] == "130.0"  # the column's places, so its figures line up


def test_other_workstreams_are_left_out():
    lines = pl.concat([NOTTS, _savings(("Q", "Other", "younger", "2018/19", 9_000_000))])
    assert adults.grand_total(adults.cohort_years(lines, WS)) == 280_800_000


def test_savings_summary_names_the_totals_and_the_largest_year():
    assert adults.savings_summary(adults.cohort_years(NOTTS, WS)) == (
        "£2,808,000 of savings over 2018/19 to 2020/21: younger adults £2,349,000, older adults "
        "£459,000. The largest year is 2018/19 (£1,630,000)."
    )


def test_savings_figure_shows_each_cohort_by_year_in_thousands():
    fig = adults.savings_figure(adults.cohort_years(NOTTS, WS))
    assert [(t.name, list(t.x), list(t.y)) for t in fig.data] == [
        ("Younger adults", ["2018/19", "2019/20", "2020/21"], [1500.0, 749.0, 100.0]),
        ("Older adults", ["2018/19", "2019/20", "2020/21"], [130.0, 130.0, 199.0]),
    ]
    assert fig.layout.title.text == (
        "Savings targeted by financial year, younger and older adults (£000s)"
    )


def test_unpublished_components_say_not_published_never_zero():
    table = adults.components_table(COMPONENTS, NOTTS, WS)
    assert table.values()["Amount"].to_list()[:3] == [
        Decimal("1900000"),
        Decimal("325000"),
        Decimal("124000"),
    ]
    assert table.values()["Amount"].null_count() == 3
    assert table.shown().select("Cohort", "£000s").rows() == [
        ("Younger adults", "1,900"),
        ("Younger adults", "325"),
        ("Younger adults", "124"),
        ("Older adults", "not published"),
        ("Older adults", "not published"),
        ("Older adults", "not published"),
    ]


@pytest.mark.parametrize(
    ("components", "notes"),
    [
        (
            COMPONENTS,
            [
                "Younger adults: 1,900 + 325 + 124 = 2,349 (£000s), the line's total.",
                "Older adults: how the 459 (£000s) splits across its 3 components is not "
                "published.",
            ],
        ),
        (
            _components(
                ("YA-1", "YA", 1_900_000),
                ("YA-2", "YA", 325_000),
                ("OA-1", "OA", None),
                ("OA-2", "OA", 100_000),
            ),
            [
                "Younger adults: 1,900 + 325 = 2,225 (£000s), against a total of 2,349.",
                "Older adults: how the 459 (£000s) splits across its 2 components is not published "
                "(1 of 2 amounts).",
            ],
        ),
        (
            _components(),
            [
                "Younger adults: no components are recorded for this line (total 2,349, £000s).",
                "Older adults: no components are recorded for this line (total 459, £000s).",
            ],
        ),
    ],
)
def test_component_notes_add_up_each_line_or_say_what_is_missing(components, notes):
    assert adults.component_notes(components, NOTTS, WS) == notes


@pytest.mark.parametrize(
    ("hundredths", "text"), [(100, "1"), (50, "0.5"), (700, "7"), (125, "1.25"), (1, "0.01")]
)
def test_fte_reads_as_the_paper_writes_it(hundredths, text):
    assert adults.fte(hundredths) == text


def _posts(*rows) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "code": code,
                "area_of_support": area,
                "post_title": title,
                "band": band,
                "fte_hundredths": fte,
                "start_date": date(2018, 4, 1),
                "end_date": date(2019, 3, 31),
                "period_label": label,
                "cost_pence": pounds * POUND,
                "unit_cost_pence": None if unit is None else unit * POUND,
                "workstream": ws,
                "source": "paper.txt (paragraph 26)",
                "as_at": date(2017, 10, 9),
            }
            for code, ws, area, title, band, fte, label, pounds, unit in rows
        ],
        schema={
            "code": pl.String,
            "area_of_support": pl.String,
            "post_title": pl.String,
            "band": pl.String,
            "fte_hundredths": pl.Int64,
            "start_date": pl.Date,
            "end_date": pl.Date,
            "period_label": pl.String,
            "cost_pence": pl.Int64,
            "unit_cost_pence": pl.Int64,
            "workstream": pl.String,
            "source": pl.String,
            "as_at": pl.Date,
        },
    )


POSTS = _posts(
    (
        "P1",
        WS,
        "Older Adults",
        "Strategic Development Manager",
        "Band E",
        100,
        "2 years (April 18-March 20)",
        124_372,
        None,
    ),
    (
        "P2",
        WS,
        "Younger Adults",
        "Commissioning Manager",
        "Band E",
        100,
        "15 months (Dec 17- March 19)",
        77_733,
        None,
    ),
    ("P3", WS, "Younger Adults", "Commissioning Officer", "Band C", 100, None, 52_076, None),
    ("P4", WS, "Younger Adults", "Assistant Accountant", "Band A", 50, None, 19_910, None),
    ("P5", WS, "Younger Adults", "Community Care Officers", "Grade 5", 700, None, 229_418, 32_774),
    ("P6", WS, "Younger Adults", "Senior Practitioner", "Band C", 100, None, 52_076, None),
    ("P7", WS, "Younger Adults", "Occupational Therapist", "Band B", 50, None, 22_441, None),
    ("P8", "Other", "Younger Adults", "Not this workstream", None, 100, None, 1_000_000, None),
)


def test_posts_table_lists_each_post_then_the_total_cost():
    posts = adults.posts_for(POSTS, WS)
    table = adults.posts_table(posts)
    assert table.height == 8 and adults.implementation_cost(posts) == 57_802_600
    assert table.values()["Cost"].to_list()[-1] == Decimal("578026")
    shown = table.shown()
    assert shown.row(0) == (
        "Older Adults",
        "Strategic Development Manager",
        "Band E",
        "1",
        "2 years (April 18-March 20)",
        "£124,372",
        "not published",
    )
    assert shown.row(4) == (
        "Younger Adults",
        "Community Care Officers",
        "Grade 5",
        "7",
        "Apr 2018 to Mar 2019",
        "£229,418",
        "£32,774",
    )
    assert shown.row(7) == ("Total", "", "", "", "", "£578,026", "not published")


def test_savings_net_of_implementation_cost_is_computed():
    net = adults.net_of_cost(280_800_000, 57_802_600)
    assert net.steps[-1] == ("Net of cost", 222_997_400, "total")
    assert net.summary == (
        "Savings of £2,808,000 less implementation costs of £578,026 leave £2,229,974 net."
    )
    assert net.table().shown()["Amount"].to_list() == ["£2,808,000", "-£578,026", "£2,229,974"]
    assert adults.net_headlines(net) == [
        ("Savings", "£2,808,000"),
        ("Implementation cost", "£578,026"),
        ("Net of implementation cost", "£2,229,974"),
    ]


def test_sources_name_every_paper_behind_the_rows_shown():
    assert adults.sources(NOTTS, adults.posts_for(POSTS, WS), WS) == (
        "Source: paper.txt (paragraph 25), as at 9 Oct 2017; paper.txt (paragraph 26), "
        "as at 9 Oct 2017."
    )
