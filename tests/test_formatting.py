"""Figures as councillors read them."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.domain import formatting


@pytest.mark.parametrize(
    ("pence", "style", "expected"),
    [
        (129_300_000, "auto", "£1.29m"),
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
        (None, "auto", "not published"),
    ],
)
def test_money(pence, style, expected):
    assert formatting.money(pence, style=style) == expected


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
