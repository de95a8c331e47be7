"""A census extract's counts as backlog figures (dashboard/domain/case_counts.py): a literal
extract of twelve people in two teams, every figure worked out by hand below."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from dashboard.domain.case_counts import backlog_counts

EXTRACT_DATE = date(2024, 3, 31)
MARCH = date(2024, 3, 1)
D = date.fromisoformat

# (person, team, support_start, last_review, next_review_due, waiting since: assessment, OT,
# service), each with why it counts where it does at 31 March 2024
PEOPLE = [
    # reviewed 15 Jan 2023: due 15 Jan 2024, overdue; no review in 12 months
    ("N1", "North", "2020-01-01", "2023-01-15", "", "", "", ""),
    # reviewed 31 Mar 2023: due on the extract date, not overdue; exactly 12 months: not counted
    ("N2", "North", "2020-01-01", "2023-03-31", "", "", "", ""),
    # reviewed 30 Mar 2023: due 30 Mar 2024, overdue by a day; over 12 months
    ("N3", "North", "2020-01-01", "2023-03-30", "", "", "", ""),
    # support from 15 Jan 2024, no review: first review due 11 Mar 2024, overdue; under 12 months
    ("N4", "North", "2024-01-15", "", "", "", "", ""),
    # reviewed 1 Jun 2023, the council's date 1 Feb 2024 wins: overdue; not 12 months
    ("N5", "North", "2020-06-01", "2023-06-01", "2024-02-01", "", "", ""),
    # no support; awaiting a first assessment since 30 Sep 2023 (over six months); OT wait
    ("N6", "North", "", "", "", "2023-09-30", "2024-01-01", ""),
    # no support; awaiting assessment since 10 Jan 2024; an OT wait dated after the extract
    ("N7", "North", "", "", "", "2024-01-10", "2024-04-02", ""),
    # support since May 2019, never reviewed: overdue (first review); no review in 12 months
    ("S1", "South", "2019-05-01", "", "", "", "", ""),
    # reviewed 1 Dec 2023: not due; awaiting a service since 1 Feb 2024
    ("S2", "South", "2021-01-01", "2023-12-01", "", "", "", "2024-02-01"),
    # a review on the day support started does not count: first review overdue; over 12 months
    ("S3", "South", "2022-02-01", "2022-02-01", "", "", "", ""),
    # no support; awaiting assessment since 1 Oct 2023 (six months on 1 Apr: not over); OT wait
    ("S4", "South", "", "", "", "2023-10-01", "2023-12-01", ""),
    # support starts after the extract: none at its date; awaiting a service since that day
    ("S5", "South", "2024-04-10", "", "", "", "", "2024-03-31"),
]

# measure -> (North, South, All teams): the people of each comment above
EXPECTED = {
    "waiting_review": (4, 2, 6),  # N1 N3 N4 N5 | S1 S3
    "overdue_review": (4, 2, 6),
    "overdue_annual_reviews": (2, 2, 4),  # N1 N3 | S1 S3
    "waiting_ot_assessment": (1, 1, 2),  # N6 | S4
    "awaiting_assessment": (2, 1, 3),  # N6 N7 | S4
    "awaiting_assessment_over_6_months": (1, 0, 1),  # N6
    "awaiting_service": (0, 2, 2),  # S2 S5
}
PEOPLE_PER_TEAM = {"North": 7, "South": 5, "All teams": 12}


def extract_frame(people=PEOPLE, extract_date: date = EXTRACT_DATE) -> pl.DataFrame:
    columns = (
        "support_start",
        "last_review",
        "next_review_due",
        "waiting_assessment_since",
        "waiting_ot_since",
        "waiting_service_since",
    )
    rows = [
        {
            "person_id": pid,
            "team": team,
            "age_band": "65+",
            **{c: D(v) if v else None for c, v in zip(columns, dates, strict=True)},
            "extract_date": extract_date,
        }
        for pid, team, *dates in people
    ]
    return pl.DataFrame(
        rows,
        schema={
            "person_id": pl.String,
            "team": pl.String,
            "age_band": pl.String,
            **dict.fromkeys(columns, pl.Date),
            "extract_date": pl.Date,
        },
    )


def expected_rows() -> list[tuple]:
    return [
        (measure, MARCH, team, "All priorities", value, PEOPLE_PER_TEAM[team])
        for measure, values in EXPECTED.items()
        for team, value in zip(("North", "South", "All teams"), values, strict=True)
    ]


def test_each_measure_per_team_and_for_all_teams_by_hand():
    counts = backlog_counts(extract_frame())
    assert counts.columns == ["measure", "month", "team", "priority_band", "value", "people"]
    assert counts.rows() == expected_rows()


def test_the_month_is_the_first_of_the_extracts_month():
    counts = backlog_counts(extract_frame(PEOPLE[:1], date(2024, 2, 29)))
    assert set(counts["month"]) == {date(2024, 2, 1)}
    assert counts.filter(pl.col("measure") == "waiting_review").select("team", "value").rows() == [
        ("North", 1),
        ("All teams", 1),
    ]


def test_one_extract_at_a_time():
    both = pl.concat([extract_frame(PEOPLE[:2]), extract_frame(PEOPLE[2:4], date(2024, 2, 29))])
    with pytest.raises(ValueError, match="one extract date"):
        backlog_counts(both)
