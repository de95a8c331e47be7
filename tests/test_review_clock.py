"""The Care Act review clock and the national waiting lists on small literal extracts.

Every expected date, day count and band below is worked out by hand in the comments; none comes
from the code under test.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import polars as pl
import pytest

from dashboard.domain.review_clock import (
    DEFAULT_RULES,
    ClockRules,
    months_after,
    ot_waits,
    review_clock,
    waiting_lists,
)
from tests.census_support import LONG_AGO, census

SOON = "due within 28 days"
UP_TO_3 = "overdue up to 3 months"
M3_TO_6 = "overdue 3 to 6 months"
M6_TO_12 = "overdue 6 to 12 months"
OVER_12 = "overdue over 12 months"


def clock_of(*people: dict, rules: ClockRules = DEFAULT_RULES) -> dict[str, tuple]:
    """person_id -> (review_due, due_basis, days_overdue, band)."""
    clock = review_clock(census(*people), rules)
    return {
        row[0]: row[1:]
        for row in clock.select(
            "person_id", "review_due", "due_basis", "days_overdue", "band"
        ).iter_rows()
    }


# Python's own reading of "n calendar months later" ---------------------------------------------


def python_months_after(day: date, months: int) -> date:
    """Same day of the month ``months`` later, or that month's last day when it is shorter."""
    year, index = divmod(day.month - 1 + months, 12)
    year += day.year
    last = calendar.monthrange(year, index + 1)[1]
    return date(year, index + 1, min(day.day, last))


@pytest.mark.parametrize("months", [1, 3, 6, 12, 24])
def test_polars_month_offset_agrees_with_python_on_every_day(months: int) -> None:
    # every day of 2023 to 2025: three month-end Februaries, one of them in a leap year
    days = [date(2023, 1, 1) + timedelta(days=n) for n in range(3 * 365 + 1)]
    got = pl.DataFrame({"day": days}).select(months_after("day", months)).to_series().to_list()
    assert got == [python_months_after(d, months) for d in days]


def test_python_reasoning_at_month_ends() -> None:
    # the helper itself, against dates worked by hand
    assert python_months_after(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert python_months_after(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert python_months_after(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert python_months_after(date(2024, 8, 31), 3) == date(2024, 11, 30)
    assert python_months_after(date(2023, 2, 28), 12) == date(2024, 2, 28)


# the clock at its edges ------------------------------------------------------------------------


def test_exactly_twelve_months_after_the_last_review_is_due_that_day_not_overdue() -> None:
    got = clock_of(
        {"person_id": "on", "support_start": LONG_AGO, "last_review": date(2024, 6, 30)},
        {
            "person_id": "after",
            "support_start": LONG_AGO,
            "last_review": date(2024, 6, 30),
            "extract_date": date(2025, 7, 1),
        },
    )
    assert got["on"] == (date(2025, 6, 30), "periodic review", 0, SOON)
    assert got["after"] == (date(2025, 6, 30), "periodic review", 1, UP_TO_3)


def test_a_review_on_29_february_is_next_due_on_28_february() -> None:
    leap = {"support_start": LONG_AGO, "last_review": date(2024, 2, 29)}
    got = clock_of(
        {"person_id": "28 Feb", **leap, "extract_date": date(2025, 2, 28)},
        {"person_id": "1 Mar", **leap, "extract_date": date(2025, 3, 1)},
    )
    assert got["28 Feb"] == (date(2025, 2, 28), "periodic review", 0, SOON)
    assert got["1 Mar"] == (date(2025, 2, 28), "periodic review", 1, UP_TO_3)


def test_first_review_at_exactly_eight_weeks_and_a_day_after() -> None:
    # 6 January 2025 + 56 days: 25 days to 31 January, 28 more to 28 February, 3 more: 3 March
    new = {"support_start": date(2025, 1, 6)}
    got = clock_of(
        {"person_id": "8 weeks", **new, "extract_date": date(2025, 3, 3)},
        {"person_id": "a day after", **new, "extract_date": date(2025, 3, 4)},
    )
    assert got["8 weeks"] == (date(2025, 3, 3), "first review", 0, SOON)
    assert got["a day after"] == (date(2025, 3, 3), "first review", 1, UP_TO_3)


def test_only_a_review_after_the_plan_started_counts() -> None:
    start = date(2025, 5, 1)  # first review due 1 May + 56 days = 26 June
    got = clock_of(
        {"person_id": "before", "support_start": start, "last_review": date(2025, 4, 30)},
        {"person_id": "same day", "support_start": start, "last_review": start},
        {"person_id": "day after", "support_start": start, "last_review": date(2025, 5, 2)},
        # a review dated after the extract cannot have happened by then
        {"person_id": "future", "support_start": start, "last_review": date(2025, 7, 1)},
    )
    assert got["before"] == (date(2025, 6, 26), "first review", 4, UP_TO_3)
    assert got["same day"] == (date(2025, 6, 26), "first review", 4, UP_TO_3)
    # 2 May 2025 + 12 months = 2 May 2026: more than 28 days after 30 June 2025
    assert got["day after"] == (date(2026, 5, 2), "periodic review", 0, "not due")
    assert got["future"] == (date(2025, 6, 26), "first review", 4, UP_TO_3)


def test_who_has_long_term_support_at_the_extract_date() -> None:
    clock = review_clock(
        census(
            {"person_id": "none", "waiting_assessment_since": date(2025, 1, 1)},
            {"person_id": "starts tomorrow", "support_start": date(2025, 7, 1)},
            # starting on the extract date: first review 30 June + 56 days = 25 August
            {"person_id": "starts today", "support_start": date(2025, 6, 30)},
        )
    )
    assert clock["person_id"].to_list() == ["starts today"]
    assert clock.row(0, named=True)["review_due"] == date(2025, 8, 25)
    assert clock.row(0, named=True)["band"] == "not due"


def test_the_council_date_wins_only_when_earlier_and_still_live() -> None:
    # statutory date: 1 September 2024 + 12 months = 1 September 2025
    reviewed = {"support_start": LONG_AGO, "last_review": date(2024, 9, 1)}
    got = clock_of(
        {"person_id": "earlier", **reviewed, "next_review_due": date(2025, 3, 1)},
        {"person_id": "later", **reviewed, "next_review_due": date(2025, 12, 1)},
        # a date the 1 September review has already met is stale
        {"person_id": "stale", **reviewed, "next_review_due": date(2024, 8, 1)},
        {"person_id": "on the review", **reviewed, "next_review_due": date(2024, 9, 1)},
        # a new plan (first review 1 May + 56 days = 26 June) with an earlier council date
        {
            "person_id": "new plan",
            "support_start": date(2025, 5, 1),
            "next_review_due": date(2025, 6, 1),
        },
        {
            "person_id": "before the plan",
            "support_start": date(2025, 5, 1),
            "next_review_due": date(2025, 4, 30),
        },
    )
    # 1 March to 30 June: 30 + 30 + 31 + 30 = 121 days; 1 March + 3 months = 1 June, so 3 to 6
    assert got["earlier"] == (date(2025, 3, 1), "council's date", 121, M3_TO_6)
    assert got["later"] == (date(2025, 9, 1), "periodic review", 0, "not due")
    assert got["stale"] == (date(2025, 9, 1), "periodic review", 0, "not due")
    assert got["on the review"] == (date(2025, 9, 1), "periodic review", 0, "not due")
    assert got["new plan"] == (date(2025, 6, 1), "council's date", 29, UP_TO_3)
    assert got["before the plan"] == (date(2025, 6, 26), "first review", 4, UP_TO_3)


def test_each_ageing_band_at_both_of_its_edges() -> None:
    # last review 31 August 2023: due 31 August 2024. Month ends: + 3 months = 30 November,
    # + 6 = 28 February 2025, + 12 = 31 August 2025.
    due = {"support_start": LONG_AGO, "last_review": date(2023, 8, 31)}
    cases = {
        # 2 August + 28 days = 30 August, before the due date: not due
        date(2024, 8, 2): (0, "not due"),
        # 3 August + 28 days = 31 August: due within 28 days
        date(2024, 8, 3): (0, SOON),
        date(2024, 8, 31): (0, SOON),
        date(2024, 9, 1): (1, UP_TO_3),
        # 30 (Sep) + 31 (Oct) + 30 (Nov) = 91 days
        date(2024, 11, 30): (91, UP_TO_3),
        date(2024, 12, 1): (92, M3_TO_6),
        # 91 + 31 (Dec) + 31 (Jan) + 28 (Feb) = 181
        date(2025, 2, 28): (181, M3_TO_6),
        date(2025, 3, 1): (182, M6_TO_12),
        # 365 days from 31 August 2024 to 31 August 2025 (no 29 February between)
        date(2025, 8, 31): (365, M6_TO_12),
        date(2025, 9, 1): (366, OVER_12),
    }
    got = clock_of(
        *({"person_id": str(extract), **due, "extract_date": extract} for extract in cases)
    )
    for extract, (days, band) in cases.items():
        assert got[str(extract)] == (date(2024, 8, 31), "periodic review", days, band), extract


def test_the_bands_follow_the_rules_and_sort_in_order() -> None:
    rules = ClockRules(first_review_weeks=6, review_months=6, due_soon_days=7)
    assert rules.bands == (
        "not due",
        "due within 7 days",
        UP_TO_3,
        M3_TO_6,
        M6_TO_12,
        OVER_12,
    )
    got = clock_of(
        # 6 weeks after 1 June 2025 = 13 July: more than 7 days after 30 June
        {"person_id": "new", "support_start": date(2025, 6, 1)},
        # 6 weeks after 1 May = 12 June: 18 days overdue
        {"person_id": "six weeks", "support_start": date(2025, 5, 1)},
        # 6 months after 1 January 2025 = 1 July: due within 7 days
        {"person_id": "six months", "support_start": LONG_AGO, "last_review": date(2025, 1, 1)},
        rules=rules,
    )
    assert got["new"] == (date(2025, 7, 13), "first review", 0, "not due")
    assert got["six weeks"] == (date(2025, 6, 12), "first review", 18, UP_TO_3)
    assert got["six months"] == (date(2025, 7, 1), "periodic review", 0, "due within 7 days")
    clock = review_clock(
        census(
            {"person_id": "new", "support_start": date(2025, 6, 1)},
            {"person_id": "x", "support_start": LONG_AGO},
            {"person_id": "six weeks", "support_start": date(2025, 5, 1)},
        ),
        rules,
    )
    assert clock.schema["band"] == pl.Enum(rules.bands)
    # by band: not due, then overdue up to 3 months, then (no review since 2020) over 12 months
    assert clock.sort("band")["person_id"].to_list() == ["new", "six weeks", "x"]
    assert clock.schema["days_overdue"] == pl.Int64


@pytest.mark.parametrize(
    "settings",
    [
        {"first_review_weeks": 0},
        {"review_months": -1},
        {"due_soon_days": -1},
        {"review_months": 12.0},
        {"due_soon_days": True},
    ],
)
def test_rules_refuse_values_that_make_no_clock(settings: dict) -> None:
    with pytest.raises(ValueError, match=next(iter(settings))):
        ClockRules(**settings)


def test_an_extract_without_a_column_or_with_text_dates_is_refused() -> None:
    with pytest.raises(ValueError, match="no column last_review"):
        review_clock(census({"person_id": "a"}).drop("last_review"))
    text_dates = census({"person_id": "a"}).with_columns(pl.col("support_start").cast(pl.String))
    with pytest.raises(ValueError, match="support_start is String, not Date"):
        review_clock(text_dates)


# the national waiting-list categories ----------------------------------------------------------

# extract 30 June 2025 for everyone
PEOPLE = (
    # six months after 30 December 2024 is 30 June 2025: waiting, not over six months
    {
        "person_id": "A",
        "team": "North",
        "age_band": "65+",
        "waiting_assessment_since": date(2024, 12, 30),
    },
    # six months after 29 December 2024 is 29 June 2025, before the extract: over six months
    {
        "person_id": "B",
        "team": "North",
        "age_band": "18-64",
        "waiting_assessment_since": date(2024, 12, 29),
    },
    # waiting from after the extract date: not waiting at it
    {
        "person_id": "C",
        "team": "South",
        "age_band": "65+",
        "waiting_assessment_since": date(2025, 7, 1),
    },
    # two categories: review due 31 March 2025 (overdue) and awaiting a service since 1 May
    {
        "person_id": "D",
        "team": "South",
        "age_band": "65+",
        "support_start": LONG_AGO,
        "last_review": date(2024, 3, 31),
        "waiting_service_since": date(2025, 5, 1),
    },
    # awaiting a service from the extract date itself
    {
        "person_id": "E",
        "team": "South",
        "age_band": "18-64",
        "waiting_service_since": date(2025, 6, 30),
    },
    # review due 15 July 2025: due soon, not overdue, so on no list
    {
        "person_id": "F",
        "team": "North",
        "age_band": "65+",
        "support_start": LONG_AGO,
        "last_review": date(2024, 7, 15),
    },
    # first review due 1 January + 56 days = 26 February 2025: overdue
    {"person_id": "G", "team": "North", "age_band": "18-64", "support_start": date(2025, 1, 1)},
)
COLUMNS = (
    "awaiting_assessment",
    "awaiting_assessment_over_six_months",
    "awaiting_service",
    "overdue_review",
    "people_waiting",
)


def test_national_categories_in_total_count_a_person_in_each_of_their_categories() -> None:
    total = waiting_lists(census(*PEOPLE))
    assert total.columns == list(COLUMNS)
    # A and B await assessment (B over six months); D and E await a service; D and G are
    # overdue a review. D is in two categories: 6 places on the lists, 5 people (A B D E G).
    assert total.row(0) == (2, 1, 2, 2, 5)
    assert all(total.schema[c] == pl.Int64 for c in COLUMNS)


def test_national_categories_by_team_and_by_age_band() -> None:
    by_team = waiting_lists(census(*PEOPLE), by=("team",))
    assert by_team.rows() == [
        ("North", 2, 1, 0, 1, 3),  # A, B, G (F waits for nothing)
        ("South", 0, 0, 2, 1, 2),  # D twice, E (C not yet waiting)
    ]
    by_band = waiting_lists(census(*PEOPLE), by=("age_band",))
    assert by_band.rows() == [
        ("18-64", 1, 1, 1, 1, 3),  # B, E, G
        ("65+", 1, 0, 1, 1, 2),  # A, D twice (C and F on no list)
    ]
    both = waiting_lists(census(*PEOPLE), by=("team", "age_band"))
    assert both.filter(team="South", age_band="65+").row(0)[2:] == (0, 0, 1, 1, 1)


def test_over_six_months_at_a_month_end() -> None:
    # 31 January + 6 months = 31 July: on 31 July six months exactly, from 1 August over
    since = {"waiting_assessment_since": date(2025, 1, 31)}
    # 31 December + 6 months = 30 June (June has no 31st): over six months from 1 July
    dec = {"waiting_assessment_since": date(2024, 12, 31)}
    rows = [
        ({**since, "extract_date": date(2025, 7, 31)}, 0),
        ({**since, "extract_date": date(2025, 8, 1)}, 1),
        ({**dec, "extract_date": date(2025, 6, 30)}, 0),
        ({**dec, "extract_date": date(2025, 7, 1)}, 1),
    ]
    for person, over in rows:
        got = waiting_lists(census({"person_id": "x", **person}))
        assert got.row(0)[:2] == (1, over), person


def test_an_empty_extract_has_a_total_row_of_zeros() -> None:
    assert waiting_lists(census()).rows() == [(0, 0, 0, 0, 0)]
    assert ot_waits(census()).rows() == [(0, None, None)]


# occupational-therapy waits --------------------------------------------------------------------

OT = (
    {"person_id": "o1", "team": "North", "waiting_ot_since": date(2025, 6, 20)},  # 10 days
    {"person_id": "o2", "team": "North", "waiting_ot_since": date(2025, 6, 17)},  # 13 days
    {"person_id": "o3", "team": "South", "waiting_ot_since": date(2025, 6, 10)},  # 20 days
    # 11 days to 31 May + 30 in June = 41 days
    {"person_id": "o4", "team": "South", "waiting_ot_since": date(2025, 5, 20)},
    {"person_id": "o5", "team": "South", "waiting_ot_since": date(2025, 7, 1)},  # after: none
    {"person_id": "o6", "team": "East"},  # not waiting
)


def test_ot_waits_median_of_an_even_count_and_longest() -> None:
    # 10, 13, 20, 41: median (13 + 20) / 2 = 16.5
    assert ot_waits(census(*OT)).rows() == [(4, 16.5, 41)]


def test_ot_waits_by_team() -> None:
    assert ot_waits(census(*OT), by=("team",)).rows() == [
        ("East", 0, None, None),
        ("North", 2, 11.5, 13),  # (10 + 13) / 2
        ("South", 2, 30.5, 41),  # (20 + 41) / 2; o5 waits from after the extract
    ]


def test_ot_wait_on_the_extract_date_is_zero_days() -> None:
    one = census({"person_id": "x", "waiting_ot_since": date(2025, 6, 30)})
    assert ot_waits(one).rows() == [(1, 0.0, 0)]
