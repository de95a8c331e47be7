"""The savings lines set against an MTFS requirement, by the financial years its period names."""

from __future__ import annotations

import polars as pl
import pytest

from dashboard.domain import mtfs


@pytest.mark.parametrize(
    ("period", "years"),
    [
        ("2024/25", ("2024/25",)),
        ("2024/25 (adult social care)", ("2024/25",)),
        ("2023/24 to 2025/26", ("2023/24", "2024/25", "2025/26")),
        (
            "Five years from 2023/24 (adult social care)",
            tuple(f"20{y}/{y + 1}" for y in range(23, 28)),
        ),
        ("3 years from 2024/25", ("2024/25", "2025/26", "2026/27")),
        ("one year from 2099/00", ("2099/00",)),
        ("ten years from 2020/21", tuple(f"20{y}/{y + 1}" for y in range(20, 30))),
        # forms that do not say which years: no guess
        ("Three-year plan to 2026/27", None),
        ("Medium term", None),
        ("2023/25", None),  # not a financial year
        ("2025/26 to 2023/24", None),
        ("Twelve years from 2023/24", None),
        ("2023/24 and 2024/25", None),
    ],
)
def test_period_years(period, years):
    assert mtfs.period_years(period) == years


REQUIREMENT = {"period": "Five years from 2023/24", "required_pence": 6_700_000_000}


def _lines(*rows: tuple[str, str, int]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"code": pl.String, "financial_year": pl.String, "target_pence": pl.Int64},
        orient="row",
    )


DEMO = _lines(
    ("NCC-YA", "2018/19", 150_000_000),
    ("NCC-OA", "2018/19", 13_000_000),
    ("NCC-YA", "2019/20", 74_900_000),
    ("NCC-OA", "2019/20", 13_000_000),
    ("NCC-YA", "2020/21", 10_000_000),
    ("NCC-OA", "2020/21", 19_900_000),
    ("NCITY-REV", "2023/24", 129_300_000),
    ("LCC-W1", "2024/25", 240_000_000),
    ("LCC-W2", "2024/25", 180_000_000),
    ("LCC-W3", "2024/25", 120_000_000),
    ("LCC-W4", "2024/25", 90_000_000),
)


def test_the_demo_lines_against_the_five_year_requirement():
    covered = mtfs.coverage(REQUIREMENT, DEMO)
    assert (covered.lines, covered.target, covered.other_lines, covered.other_target) == (
        5,
        759_300_000,
        2,
        280_800_000,
    )
    assert covered.sentence() == (
        "The 5 savings lines for 2023/24 to 2027/28 target £7.593m against the MTFS "
        "requirement of £67.00m for those years; £59.407m of it is not yet covered by a line. "
        "A further £2.808m is targeted by 2 lines in 2018/19 to 2020/21, outside those years."
    )


def test_lines_that_cover_more_than_the_requirement_say_by_how_much():
    lines = _lines(("A", "2024/25", 500_000_000), ("B", "2024/25", 250_000_000))
    requirement = {"period": "2024/25", "required_pence": 700_000_000}
    assert mtfs.coverage(requirement, lines).sentence() == (
        "The 2 savings lines for 2024/25 target £7.50m against the MTFS requirement of £7.00m "
        "for those years; they cover all of it, with £500,000 to spare."
    )


def test_one_line_covering_exactly_the_requirement():
    requirement = {"period": "2024/25", "required_pence": 500_000_000}
    assert mtfs.coverage(requirement, _lines(("A", "2024/25", 500_000_000))).sentence() == (
        "The only savings line for 2024/25 targets £5.00m against the MTFS requirement of "
        "£5.00m for those years; it covers all of it."
    )


def test_no_line_in_the_requirements_years():
    requirement = {"period": "2030/31", "required_pence": 100_000_000}
    assert mtfs.coverage(requirement, DEMO.head(2)).sentence() == (
        "No savings line is for 2030/31, the years of the MTFS requirement of £1.00m: none of "
        "it is covered by a line. A further £1.63m is targeted by 2 lines in 2018/19, outside "
        "those years."
    )


def test_a_period_that_does_not_name_its_years_is_not_compared():
    requirement = {"period": "Medium term", "required_pence": 100_000_000}
    assert mtfs.coverage(requirement, DEMO).sentence() == (
        "The MTFS requirement of £1.00m (Medium term) does not say which financial years it "
        "covers, so the savings lines cannot be set against it."
    )


def test_no_lines_at_all():
    assert mtfs.coverage(REQUIREMENT, DEMO.clear()).sentence() == (
        "No savings line is for 2023/24 to 2027/28, the years of the MTFS requirement of "
        "£67.00m: none of it is covered by a line."
    )
