"""DHSC's two CLD waits on small literal frames, each answer worked by hand in the test."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
import pytest

from dashboard.domain import cld
from tests.cld_support import (
    ST_MAX,
    assessment,
    d,
    events,
    request,
    service,
)


def _waits(*rows, **options) -> list[tuple]:
    """(person, request reference, response type, response days, service days) per counted wait."""
    waits = cld.request_waits(events(*rows), **options)
    return list(
        waits.select(
            "person_id", "request_reference", "response_type", "response_days", "service_days"
        ).iter_rows()
    )


def _people(*rows, **options) -> list[str]:
    return cld.request_waits(events(*rows), **options)["person_id"].to_list()


# chains ---------------------------------------------------------------------------------------


def test_request_assessment_service_chain():
    # 1 May -> 11 May is 10 days to the assessment; 1 May -> 10 June is 30 + 10 = 40 days
    rows = [
        request("p1", d(2023, 5, 1), ref="r1"),
        assessment("p1", d(2023, 5, 11)),
        service("p1", d(2023, 6, 10)),
    ]
    assert _waits(*rows) == [("p1", "r1", "Assessment", 10, 40)]


def test_a_request_with_no_answer_yet_is_listed_without_waits():
    assert _waits(request("p1", d(2023, 5, 1), ref="r1")) == [("p1", "r1", None, None, None)]
    assert cld.dhsc_waits(events(request("p1", d(2023, 5, 1)))).is_empty()


def test_same_day_request_assessment_and_service_are_in_that_order():
    # all on 1 July: the assessment answers the request (0 days), the service follows (0 days)
    rows = [
        service("p1", d(2023, 7, 1), kind=ST_MAX),
        assessment("p1", d(2023, 7, 1)),
        request("p1", d(2023, 7, 1), ref="r1"),
    ]
    assert _waits(*rows) == [("p1", "r1", "Assessment", 0, 0)]


def test_a_service_before_any_assessment_is_the_first_response():
    # a service on the request day is the response, not existing support; the assessment on
    # 5 August comes after it
    rows = [
        request("p1", d(2023, 8, 1), ref="r1"),
        service("p1", d(2023, 8, 1), kind=ST_MAX),
        assessment("p1", d(2023, 8, 5)),
    ]
    assert _waits(*rows) == [("p1", "r1", "Service", 0, 0)]


def test_events_before_the_request_do_not_answer_it():
    rows = [
        assessment("p1", d(2023, 4, 20)),
        request("p1", d(2023, 5, 1), ref="r1"),
        assessment("p1", d(2023, 5, 4)),
    ]
    assert _waits(*rows) == [("p1", "r1", "Assessment", 3, None)]


def test_carer_support_is_not_a_first_service():
    rows = [
        request("p1", d(2023, 5, 1), ref="r1"),
        service("p1", d(2023, 5, 2), kind="Unpaid carer support: Direct to unpaid carer"),
    ]
    assert _waits(*rows) == [("p1", "r1", None, None, None)]


def test_an_assessment_that_led_to_no_service_gives_no_wait_to_first_service():
    # the assessment ends in NFA: the service in September answers something else (DHSC 3.3)
    rows = [
        request("p1", d(2023, 5, 1), ref="r1"),
        assessment("p1", d(2023, 5, 11), outcome="NFA - Information and advice"),
        service("p1", d(2023, 9, 1)),
    ]
    assert _waits(*rows) == [("p1", "r1", "Assessment", 10, None)]
    # a second assessment straight after (same block) that does progress keeps the service
    rows.insert(2, assessment("p1", d(2023, 6, 1)))
    assert _waits(*rows) == [("p1", "r1", "Assessment", 10, 123)]


def test_two_requests_before_one_assessment_give_one_wait_from_the_first():
    # r2 comes while r1's follow-up is still to come: one episode (DHSC 3.4)
    rows = [
        request("p1", d(2023, 5, 1), ref="r1"),
        request("p1", d(2023, 5, 8), ref="r2"),
        assessment("p1", d(2023, 5, 21)),
    ]
    assert _waits(*rows) == [("p1", "r1", "Assessment", 20, None)]


def test_a_new_request_after_the_first_was_answered_is_its_own_wait():
    rows = [
        request("p1", d(2023, 5, 1), ref="r1"),
        assessment("p1", d(2023, 5, 3), outcome="NFA - Information and advice"),
        request("p1", d(2023, 9, 1), ref="r2"),
        assessment("p1", d(2023, 9, 6)),
    ]
    assert _waits(*rows) == [
        ("p1", "r1", "Assessment", 2, None),
        ("p1", "r2", "Assessment", 5, None),
    ]


# who is in the cohort -------------------------------------------------------------------------


def _answered(person: str, *, age: int = 70, client: str = "Service User", **request_options):
    day = request_options.pop("day", d(2023, 6, 1))
    return [
        request(person, day, age=age, client=client, **request_options),
        assessment(person, day + timedelta(days=5), age=age),
    ]


def test_a_request_from_an_existing_long_term_client_is_excluded():
    rows = [service("old", d(2022, 1, 10)), *_answered("old"), *_answered("new")]
    assert _people(*rows) == ["new"]


def test_long_term_support_that_ended_in_the_last_12_months_still_excludes():
    # DHSC looks back 12 months for long-term support: ended 15 January 2023, request 1 June
    ended = [service("p1", d(2021, 1, 1), d(2023, 1, 15)), *_answered("p1")]
    assert _people(*ended) == []
    # "open at the request" only, on request
    assert _people(*ended, long_term_lookback_months=0) == ["p1"]
    # ended 31 May 2022, more than 12 months before 1 June 2023
    assert _people(service("p1", d(2021, 1, 1), d(2022, 5, 31)), *_answered("p1")) == ["p1"]
    # exactly 12 months before, 1 June 2022, is still inside
    assert _people(service("p1", d(2021, 1, 1), d(2022, 6, 1)), *_answered("p1")) == []


def test_short_term_support_that_ended_2_months_before_excludes_but_4_months_does_not():
    # request 1 June 2023: 3 months before is 1 March 2023
    two = [service("p1", d(2023, 3, 1), d(2023, 4, 1), kind=ST_MAX), *_answered("p1")]
    four = [service("p2", d(2023, 1, 1), d(2023, 2, 1), kind=ST_MAX), *_answered("p2")]
    edge = [service("p3", d(2023, 1, 1), d(2023, 3, 1), kind=ST_MAX), *_answered("p3")]
    assert _people(*two, *four, *edge) == ["p2"]
    # ongoing low-level support never makes a recent client
    low = service("p4", d(2023, 3, 1), kind="Short term support: Ongoing low level")
    assert _people(low, *_answered("p4")) == ["p4"]


def test_no_further_action_and_hospital_outcomes_are_excluded():
    rows = [
        *_answered("nfa", outcome="NFA - Self-funded"),
        *_answered("nfa2", outcome="NFA - Moved to another LA"),
        *_answered("hospital", outcome="Admitted to hospital"),
        *_answered("kept", outcome=cld.PROGRESS_TO_SERVICE[1]),
        *_answered("no outcome", outcome=None),
    ]
    assert _people(*rows) == ["kept", "no outcome"]


def test_people_under_25_at_the_request_are_excluded():
    assert _people(*_answered("p24", age=24), *_answered("p25", age=25)) == ["p25"]


def test_carers_requests_are_excluded():
    assert _people(*_answered("carer", client="Carer"), *_answered("user")) == ["user"]


def test_requests_before_april_2023_are_excluded():
    rows = [*_answered("march", day=d(2023, 3, 31)), *_answered("april", day=d(2023, 4, 1))]
    assert _people(*rows) == ["april"]


# medians, quarters and age bands --------------------------------------------------------------


def _chain(person: str, asked, answered, age: int = 70):
    return [request(person, asked, age=age), assessment(person, answered, age=age)]


def test_medians_of_odd_and_even_counts():
    # 65+ in 2023/24 Q2: waits 5, 10, 30 -> the middle one, 10
    older = [
        *_chain("a", d(2023, 7, 1), d(2023, 7, 6)),
        *_chain("b", d(2023, 7, 1), d(2023, 7, 11)),
        *_chain("c", d(2023, 7, 1), d(2023, 7, 31)),
    ]
    # 25-64 in 2023/24 Q2: waits 10, 20, 30, 100 -> halfway between 20 and 30, 25.0
    younger = [
        *_chain("d", d(2023, 7, 1), d(2023, 7, 11), age=40),
        *_chain("e", d(2023, 7, 1), d(2023, 7, 21), age=40),
        *_chain("f", d(2023, 7, 1), d(2023, 7, 31), age=40),
        *_chain("g", d(2023, 6, 1), d(2023, 9, 9), age=40),
    ]
    table = cld.dhsc_waits(events(*older, *younger))
    assert table.rows() == [
        (cld.RESPONSE, d(2023, 7, 1), "2023/24 Q2", "25-64", 25.0, 4),
        (cld.RESPONSE, d(2023, 7, 1), "2023/24 Q2", "65+", 10.0, 3),
    ]
    assert table.schema == pl.Schema(
        {
            "measure": pl.String,
            "quarter_start": pl.Date,
            "quarter": pl.String,
            "age_band": pl.String,
            "median_days": pl.Float64,
            "waits": pl.Int64,
        }
    )


@pytest.mark.parametrize(
    ("answered", "quarter"),
    [
        (d(2024, 3, 31), "2023/24 Q4"),
        (d(2024, 4, 1), "2024/25 Q1"),
        (d(2024, 6, 30), "2024/25 Q1"),
        (d(2024, 7, 1), "2024/25 Q2"),
        (d(2024, 12, 31), "2024/25 Q3"),
        (d(2025, 1, 1), "2024/25 Q4"),
    ],
)
def test_a_wait_counts_in_the_financial_quarter_of_its_response(answered, quarter):
    table = cld.dhsc_waits(events(*_chain("p1", d(2024, 1, 15), answered)))
    assert table["quarter"].to_list() == [quarter]


def test_first_service_waits_count_in_the_quarter_of_the_service():
    # request 20 June 2024, assessment 25 June (5 days, Q1), service 1 July (11 days, Q2)
    rows = [
        request("p1", d(2024, 6, 20)),
        assessment("p1", d(2024, 6, 25)),
        service("p1", d(2024, 7, 1)),
    ]
    assert cld.dhsc_waits(events(*rows)).rows() == [
        (cld.RESPONSE, d(2024, 4, 1), "2024/25 Q1", "65+", 5.0, 1),
        (cld.FIRST_SERVICE, d(2024, 7, 1), "2024/25 Q2", "65+", 11.0, 1),
    ]


def test_the_age_band_is_the_persons_at_the_event_that_ends_the_wait():
    # 64 at the request, 65 at the assessment: a 65+ wait
    rows = [request("p1", d(2024, 5, 1), age=64), assessment("p1", d(2024, 5, 20), age=65)]
    assert cld.dhsc_waits(events(*rows))["age_band"].to_list() == ["65+"]
