"""The risk-ranked review queue on a small literal extract: who is in it, in what order, and why.

Scores, day counts and reasons are worked out by hand in the comments (default weights:
safeguarding 100, no contact for over 12 months 40, lives alone without a carer 30, provider
concern in a care home 20, 5 per whole 30 days overdue). Extract date 30 June 2025 throughout.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from dashboard.domain import review_queue as rq
from dashboard.domain.review_queue import QueueWeights, review_queue, whole_months
from tests.census_support import LONG_AGO, census


def person(pid: str, last_review: date, **more: object) -> dict:
    return {"person_id": pid, "support_start": LONG_AGO, "last_review": last_review, **more}


PEOPLE = (
    # due 25 March 2025: 6 + 30 + 31 + 30 = 97 days overdue (3 x 5 = 15); last contact 10 April
    # 2024, 14 months before (10 June 2025 <= 30 June < 10 July): 100 + 40 + 15 = 155
    person(
        "P01",
        date(2024, 3, 25),
        safeguarding_open=True,
        last_contact=date(2024, 4, 10),
    ),
    # due 20 June 2025: 10 days overdue (0 points); 30 + 20 = 50
    person(
        "P02",
        date(2024, 6, 20),
        setting="residential",
        provider_concern=True,
        lives_alone=True,
        has_unpaid_carer=False,
    ),
    # due 30 June 2024: 365 days overdue (12 x 5 = 60); a provider concern at home adds nothing
    person("P03", date(2023, 6, 30), provider_concern=True),
    # due 12 July 2025: in 12 days; 0
    person("P04", date(2024, 7, 12)),
    # due 30 June 2025: today; 0
    person("P05", date(2024, 6, 30)),
    # due 1 September 2025: more than 28 days away, not in the queue
    person("P06", date(2024, 9, 1), safeguarding_open=True),
    # no long-term support: not in the queue whatever the risk
    {"person_id": "P07", "safeguarding_open": True, "last_contact": None},
    # due 25 June 2025: 5 days overdue, 0 points, a tie with P09 broken by person_id
    person("P09", date(2024, 6, 25)),
    person("P08", date(2024, 6, 25)),
    # due 16 May 2025: 15 + 30 = 45 days overdue (5); no contact recorded (40): 45
    person("P10", date(2024, 5, 16), last_contact=None),
    # due 26 May 2024: 35 + 365 = 400 days overdue (13 x 5 = 65) + lives alone 30 = 95;
    # lateness adds more than living alone, so it comes first in the reason
    person("P11", date(2023, 5, 26), lives_alone=True, has_unpaid_carer=False),
    # due 3 July 2025: in 3 days; provider concern in a nursing home 20
    person("P12", date(2024, 7, 3), setting="Nursing", provider_concern=True),
    # due 29 June 2025: 1 day overdue; 0
    person("P13", date(2024, 6, 29)),
    # lives alone but whether there is a carer is not recorded: the factor does not count
    person("P14", date(2024, 6, 29), lives_alone=True, has_unpaid_carer=None),
)

DEFAULT_ORDER = [
    ("P01", 155, "open safeguarding enquiry; no contact for 14 months; 97 days overdue"),
    ("P11", 95, "400 days overdue; lives alone without an unpaid carer"),
    ("P03", 60, "365 days overdue"),
    (
        "P02",
        50,
        "lives alone without an unpaid carer; provider concern in a residential setting; "
        "10 days overdue",
    ),
    ("P10", 45, "no contact recorded; 45 days overdue"),
    ("P12", 20, "provider concern in a nursing setting; due in 3 days"),
    # score 0: most days overdue first, then person_id, then the earliest due date
    ("P08", 0, "5 days overdue"),
    ("P09", 0, "5 days overdue"),
    ("P13", 0, "1 day overdue"),
    ("P14", 0, "1 day overdue"),
    ("P05", 0, "due today"),
    ("P04", 0, "due in 12 days"),
]


def ranked(weights: QueueWeights = rq.DEFAULT_WEIGHTS) -> list[tuple]:
    queue = review_queue(census(*PEOPLE), weights)
    return queue.select("person_id", "score", "reason").rows()


def test_queue_order_scores_and_reasons_with_the_default_weights() -> None:
    assert ranked() == DEFAULT_ORDER


def test_queue_columns_ranks_and_clock() -> None:
    queue = review_queue(census(*PEOPLE))
    assert queue.columns == list(rq.QUEUE_COLUMNS)
    assert queue["rank"].to_list() == list(range(1, 13))
    first = queue.row(0, named=True)
    assert first["review_due"] == date(2025, 3, 25)
    assert first["days_overdue"] == 97
    assert first["band"] == "overdue 3 to 6 months"  # 25 March + 3 months = 25 June < 30 June
    assert first["due_basis"] == "periodic review"
    assert set(queue["band"].cast(str)) == {
        "due within 28 days",
        "overdue up to 3 months",
        "overdue 3 to 6 months",
        "overdue 6 to 12 months",
        "overdue over 12 months",
    }


def test_without_safeguarding_weight_and_with_heavier_lateness_the_order_changes() -> None:
    weights = QueueWeights(safeguarding_open=0, per_30_days_overdue=20)
    assert (
        ranked(weights)
        == [
            # 13 x 20 = 260 + 30
            ("P11", 290, "400 days overdue; lives alone without an unpaid carer"),
            ("P03", 240, "365 days overdue"),  # 12 x 20
            # 3 x 20 = 60 + 40; a factor with no weight is not named
            ("P01", 100, "97 days overdue; no contact for 14 months"),
            ("P10", 60, "no contact recorded; 45 days overdue"),  # 40 + 1 x 20
            (
                "P02",
                50,
                "lives alone without an unpaid carer; provider concern in a residential setting; "
                "10 days overdue",
            ),
            ("P12", 20, "provider concern in a nursing setting; due in 3 days"),
            *DEFAULT_ORDER[6:],
        ]
    )


def test_a_heavy_provider_concern_weight_puts_the_care_home_first() -> None:
    weights = QueueWeights(provider_concern_care_home=200)
    order = ranked(weights)
    assert order[:3] == [
        (
            "P02",
            230,
            "provider concern in a residential setting; lives alone without an unpaid carer; "
            "10 days overdue",
        ),
        ("P12", 200, "provider concern in a nursing setting; due in 3 days"),
        DEFAULT_ORDER[0],
    ]


@pytest.mark.parametrize(
    ("per_30", "reason"),
    [
        # 45 days overdue is one whole 30 days: 40 points ties with no contact, the factor first
        (40, "no contact recorded; 45 days overdue"),
        (41, "45 days overdue; no contact recorded"),
    ],
)
def test_lateness_takes_its_place_in_the_reason_by_its_points(per_30: int, reason: str) -> None:
    p10 = census(PEOPLE[9])
    queue = review_queue(p10, QueueWeights(per_30_days_overdue=per_30))
    assert queue.select("score", "reason").row(0) == (40 + per_30, reason)


def test_an_empty_queue_has_its_columns() -> None:
    queue = review_queue(census(person("far", date(2025, 6, 1))))
    assert queue.height == 0
    assert queue.columns == list(rq.QUEUE_COLUMNS)


def test_no_contact_counts_only_after_twelve_whole_months() -> None:
    # 30 June 2024 + 12 months = 30 June 2025: not over 12 months; 29 June 2024: over
    queue = review_queue(
        census(
            person("exactly", date(2024, 6, 29), last_contact=date(2024, 6, 30)),
            person("over", date(2024, 6, 29), last_contact=date(2024, 6, 29)),
        )
    )
    assert queue.select("person_id", "score", "reason").rows() == [
        ("over", 40, "no contact for 12 months; 1 day overdue"),
        ("exactly", 0, "1 day overdue"),
    ]


def test_whole_months_at_month_ends() -> None:
    frame = pl.DataFrame(
        {
            "start": [date(2024, 1, 31), date(2024, 1, 31), date(2024, 2, 29), date(2024, 4, 10)],
            "end": [date(2024, 2, 28), date(2024, 2, 29), date(2025, 2, 28), date(2025, 6, 9)],
        }
    )
    # 31 Jan + 1 month is 29 Feb 2024, after 28 Feb: 0; on it: 1; 29 Feb + 12 = 28 Feb 2025: 12;
    # 10 April 2024 + 14 months = 10 June 2025, after 9 June: 13
    assert frame.select(whole_months("start", "end")).to_series().to_list() == [0, 1, 12, 13]


@pytest.mark.parametrize(
    "weights",
    [{"safeguarding_open": -1}, {"per_30_days_overdue": 2.5}, {"lives_alone_without_carer": True}],
)
def test_weights_are_whole_numbers_of_at_least_zero(weights: dict) -> None:
    with pytest.raises(ValueError, match=next(iter(weights))):
        QueueWeights(**weights)
