"""CLD reviews on small literal frames: completed per month, and long-term clients reviewed in
the last 12 months, each answer worked by hand in the test."""

from __future__ import annotations

from fractions import Fraction

import polars as pl

from dashboard.domain import cld
from tests.cld_support import ST_MAX, d, events, review, service

NORTH, SOUTH = "North locality", "South locality"


def test_reviews_per_month_planned_and_unplanned_by_team():
    rows = [
        review("a", d(2024, 1, 5), "Planned", team=NORTH),
        review("b", d(2024, 1, 31), "Unplanned - Hospital", team=NORTH),
        review("c", d(2024, 1, 20), "Planned", team=SOUTH, start=d(2023, 12, 1)),
        review("d", d(2024, 2, 1), "Unplanned - Safeguarding", team=NORTH),
        review("e", d(2024, 2, 29), "Unplanned - Carer related", team=NORTH),
        review("f", d(2024, 2, 10), None, team=NORTH),
        review("g", d(2024, 2, 10), "Planned", team=None),
        # not complete: no end date, so not counted anywhere
        review("h", None, "Planned", team=NORTH, start=d(2024, 2, 1)),
        # not a review
        service("i", d(2024, 1, 5), team=NORTH),
    ]
    table = cld.reviews_per_month(events(*rows))
    assert table.columns == ["month", "team", "planned", "unplanned", "not_stated", "total"]
    # a review counts in the month it was completed: c started in December, ended in January
    assert table.rows() == [
        (d(2024, 1, 1), NORTH, 1, 1, 0, 2),
        (d(2024, 1, 1), SOUTH, 1, 0, 0, 1),
        (d(2024, 2, 1), NORTH, 0, 2, 1, 3),
        (d(2024, 2, 1), None, 1, 0, 0, 1),
    ]
    assert table.schema["planned"] == pl.Int64


def test_no_reviews_gives_an_empty_table():
    table = cld.reviews_per_month(events(service("a", d(2024, 1, 5))))
    assert table.is_empty()
    assert table.columns == ["month", "team", "planned", "unplanned", "not_stated", "total"]


AT = d(2025, 3, 31)


def test_share_of_long_term_clients_reviewed_in_the_last_12_months():
    rows = [
        # exactly 12 months before the date: inside the window (due that day, not overdue)
        service("p1", d(2020, 1, 1)),
        review("p1", d(2024, 3, 31)),
        # one day more than 12 months: outside
        service("p2", d(2020, 1, 1)),
        review("p2", d(2024, 3, 30)),
        # reviewed on the date itself
        service("p3", d(2022, 1, 1)),
        review("p3", d(2025, 3, 31)),
        # support ended the day before the date: not a client
        service("p4", d(2020, 1, 1), d(2025, 3, 30)),
        review("p4", d(2025, 1, 1)),
        # support starts the day after: not yet a client
        service("p5", d(2025, 4, 1)),
        # short-term support is not long-term
        service("p6", d(2025, 1, 1), kind=ST_MAX),
        review("p6", d(2025, 2, 1)),
        # support ending on the date is still open on it; never reviewed
        service("p7", d(2024, 1, 1), d(2025, 3, 31)),
        # a review completed after the date does not count at the date
        service("p8", d(2023, 1, 1)),
        review("p8", d(2025, 4, 2)),
        # two long-term services: one client
        service("p9", d(2021, 1, 1)),
        service("p9", d(2023, 6, 1), kind="Long term support: Residential care"),
        review("p9", d(2024, 10, 1), "Unplanned - Hospital"),
    ]
    frame = events(*rows)
    clients = cld.long_term_clients(frame, AT)
    assert clients.rows() == [
        ("p1", d(2024, 3, 31), True),
        ("p2", d(2024, 3, 30), False),
        ("p3", d(2025, 3, 31), True),
        ("p7", None, False),
        ("p8", None, False),
        ("p9", d(2024, 10, 1), True),
    ]
    coverage = cld.review_coverage(frame, AT)
    assert (coverage.clients, coverage.reviewed) == (6, 3)
    assert coverage.share == Fraction(1, 2)


def test_the_12_months_on_29_february():
    # 12 months before 29 February 2024 is 28 February 2023 (month end, clamped)
    rows = [
        service("in", d(2020, 1, 1)),
        review("in", d(2023, 2, 28)),
        service("out", d(2020, 1, 1)),
        review("out", d(2023, 2, 27)),
    ]
    coverage = cld.review_coverage(events(*rows), d(2024, 2, 29))
    assert (coverage.clients, coverage.reviewed, coverage.share) == (2, 1, Fraction(1, 2))


def test_no_long_term_clients_has_no_share():
    coverage = cld.review_coverage(events(review("a", d(2024, 1, 5))), AT)
    assert (coverage.clients, coverage.reviewed, coverage.share) == (0, 0, None)
