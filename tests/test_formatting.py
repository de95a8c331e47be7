"""Figures as councillors read them."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from dashboard.domain import formatting
from dashboard.domain.table import Kind, Table


@pytest.mark.parametrize(
    ("pence", "style", "expected"),
    [
        # a third place in £m where the amount has it, as papers write it: never £1.29m
        (129_300_000, "auto", "£1.293m"),
        (1_253_700_000, "auto", "£12.537m"),
        (129_000_000, "auto", "£1.29m"),
        (119_100_000, "auto", "£1.191m"),
        # finer than a thousand pounds: written in full, not rounded to £1.19m
        (119_123_400, "auto", "£1,191,234"),
        (119_123_456, "auto", "£1,191,234.56"),
        (-125_370_000, "auto", "-£1,253,700"),
        (6_700_000_000, "auto", "£67.00m"),
        (5_443_000_000, "auto", "£54.43m"),
        (42_900_000, "auto", "£429,000"),
        (99_999_999, "auto", "£999,999.99"),
        (100_000_000, "auto", "£1.00m"),
        (57_802_600, "exact", "£578,026"),
        (150_050, "exact", "£1,500.50"),
        (-5_000_000, "exact", "-£50,000"),
        (163_000_000, "thousands", "1,630"),
        (280_800_000, "thousands", "2,808"),
        # a £000s table keeps what the amount has: £1,500,500 is 1,500.5, £578,026 is 578.026
        (150_050_000, "thousands", "1,500.5"),
        (57_802_600, "thousands", "578.026"),
        (None, "auto", "not published"),
    ],
)
def test_money(pence, style, expected):
    assert formatting.money(pence, style=style) == expected


def test_money_in_a_column_lines_up_to_the_places_one_amount_needs():
    amounts = pl.Series([240_000_000, 129_300_000, 90_000_000, 1_040_100_000, None])
    places = formatting.money_places(amounts)
    assert places == 3
    written = [formatting.money(p, places=places) for p in amounts]
    assert written == ["£2.400m", "£1.293m", "£900,000", "£10.401m", "not published"]
    # with no third place anywhere, two
    assert formatting.money_places(pl.Series([240_000_000, 6_700_000_000])) == 2
    # places asked for never round an amount that needs more
    assert formatting.money(129_300_000, places=2) == "£1.293m"


def test_money_places_of_an_empty_or_all_missing_column():
    assert formatting.money_places(pl.Series([], dtype=pl.Int64)) == 2
    assert formatting.money_places(pl.Series([None, None])) == 2
    assert formatting.money_places(pl.Series([None], dtype=pl.Int64), style="thousands") == 0
    assert formatting.money_places(pl.Series([1]), style="exact") is None


# amounts that rounding to £0.01m (or to £000s) used to make look the same
CLOSE_AMOUNTS = [
    1_253_700_000,  # £12.537m
    1_254_000_000,  # £12.54m
    1_253_740_000,  # £12,537,400
    1_253_741_250,  # £12,537,412.50
    129_300_000,
    129_000_000,
    129_349_900,
    100_000_000,
    99_999_999,
    57_802_600,
    57_800_000,
]


@pytest.mark.parametrize("style", ["auto", "thousands", "exact"])
def test_different_amounts_never_read_the_same(style):
    column = pl.Series(CLOSE_AMOUNTS)
    places = formatting.money_places(column, style=style)
    written = [formatting.money(p, style=style, places=places) for p in CLOSE_AMOUNTS]
    assert len(set(written)) == len(CLOSE_AMOUNTS), written
    alone = [formatting.money(p, style=style) for p in CLOSE_AMOUNTS]
    assert len(set(alone)) == len(CLOSE_AMOUNTS), alone


@pytest.mark.parametrize("style", ["auto", "thousands"])
def test_every_amount_reads_back_exactly(style):
    """Whatever is written stands for exactly the amount: nothing is rounded away."""
    for pence in CLOSE_AMOUNTS:
        text = formatting.money(pence, style=style)
        number = Decimal(text.removeprefix("£").removesuffix("m").replace(",", ""))
        pounds = number * (1_000_000 if text.endswith("m") else 1)
        if style == "thousands":
            pounds = number * 1000
        assert pounds * 100 == pence, text


def test_a_tables_money_column_is_written_to_one_precision():
    frame = pl.DataFrame({"Line": ["A", "B", "C"], "Target": [240_000_000, 129_300_000, None]})
    table = Table.of("T", frame, {"Target": Kind.MONEY})
    assert table.shown()["Target"].to_list() == ["£2.400m", "£1.293m", "not published"]
    # the file holds exact pounds
    assert table.values()["Target"].to_list() == [
        Decimal("2400000.00"),
        Decimal("1293000.00"),
        None,
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (42, "42%"),
        (1_250, "1,250%"),
        (Decimal("50.1"), "50.1%"),
        (Decimal("50"), "50.0%"),
        (Decimal("4.50"), "4.5%"),
        (None, "not published"),
    ],
)
def test_percent_keeps_its_place(value, expected):
    assert formatting.percent(value) == expected


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (175_000_000, 180_000_000, Decimal("97.2")),  # 97.22%
        (50_100, 100_000, Decimal("50.1")),
        (9_496, 10_000, Decimal("94.9")),  # under a 95% threshold, as it is
        (9_500, 10_000, Decimal("95.0")),
        (1, 3, Decimal("33.3")),
        (2, 3, Decimal("66.6")),
        (12_000_000, 90_000_000, Decimal("13.3")),
        (0, 5, Decimal("0.0")),
        (None, 5, None),
        (5, 0, None),
        (5, None, None),
    ],
)
def test_percent_of_is_exact_to_a_tenth_rounded_down(part, whole, expected):
    assert formatting.percent_of(part, whole) == expected


def test_percent_of_column_is_the_same_rule():
    cases = list(
        itertools.product(
            [0, 1, 2, 9_496, 9_500, 50_100, 175_000_000, None], [3, 10_000, 180_000_000, 0]
        )
    )
    frame = pl.DataFrame(cases, schema={"part": pl.Int64, "whole": pl.Int64}, orient="row")
    column = frame.select(formatting.percent_of_column(pl.col("part"), pl.col("whole")))
    assert column.to_series().to_list() == [formatting.percent_of(p, w) for p, w in cases]


def test_dates_read_as_people_write_them():
    assert formatting.day(date(2024, 3, 31)) == "31 Mar 2024"
    assert formatting.month(date(2023, 11, 1)) == "Nov 2023"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[x](javascript:alert(1))", r"\[x\]\(javascript\:alert\(1\)\)"),
        ("**bold**", r"\*\*bold\*\*"),
        ("<script>", r"\<script\>"),
        ("# h1", r"\# h1"),
        ("Plain words", "Plain words"),
        ("see https://evil.example/x", "see https\\:\u2060//evil\\.example/x"),
        ("WWW.evil.example", "WWW\u2060\\.evil\\.example"),
        ("mail a.b@council.gov.uk", "mail a\\.b@council\\.gov\\.uk"),
    ],
)
def test_plain_escapes_every_markdown_special(text, expected):
    assert formatting.plain(text) == expected
