"""Sentences, card comparisons and projections say when they rest on a modelled figure; a
change between two published figures is given as published (dashboard/domain/figure_basis.py
and its callers in the backlog and the overview's headlines)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from dashboard.domain import backlog, figure_basis, headlines
from dashboard.domain.disclosure import EXACT, NHS_ENGLAND
from data_access.measures import MEASURES
from tests.test_backlog_logic import ALL_B, ALL_T, HIGH, NORTH, OVERDUE, SOUTH, WAITING, frame

P, M = "published", "modelled"


def _m(month: int, year: int = 2023) -> date:
    return date(year, month, 1)


def _series(values: list[int], bases: list[str], measure: str = WAITING, start: int = 4):
    return frame(
        [
            (measure, backlog.add_months(_m(start), i), ALL_T, ALL_B, v, b, None)
            for i, (v, b) in enumerate(zip(values, bases, strict=True))
        ]
    )


# the demo's review waiting list: only November 2023 is published
DEMO = [318, 335, 352, 371, 389, 410, 436, 460]
DEMO_BASES = [M] * 7 + [P]


def _trend(rows, rule=EXACT, measure=WAITING) -> backlog.Trend:
    return backlog.trend(rows, measure, team=None, band=None, rule=rule, measures=MEASURES)


@pytest.mark.parametrize(
    ("values", "bases", "rule", "sentence", "delta"),
    [
        (
            DEMO,
            DEMO_BASES,
            EXACT,
            "People waiting for a review rose 45% from 318 in Apr 2023 (modelled) to 460 in "
            "Nov 2023.",
            "+24 since Oct 2023 (modelled)",
        ),
        (
            DEMO,
            DEMO_BASES,
            NHS_ENGLAND,
            "People waiting for a review rose 44% from 320 in Apr 2023 (modelled) to 460 in "
            "Nov 2023.",
            "+25 since Oct 2023 (modelled)",
        ),
        # two published months: the change is theirs, not the modelled months' around them
        (
            [300, 310, 330, 350, 340, 400],
            [M, P, M, M, P, M],
            EXACT,
            "People waiting for a review rose 10% from 310 in May 2023 to 340 in Aug 2023.",
            "+60 since Aug 2023 (modelled)",
        ),
        (
            [300, 310, 330],
            [P, P, P],
            EXACT,
            "People waiting for a review rose 10% from 300 in Apr 2023 to 330 in Jun 2023.",
            "+20 since May 2023",
        ),
        # wholly modelled: both figures named as modelled
        (
            [619, 746],
            [M, M],
            EXACT,
            "People waiting for a review rose 21% from 619 in Apr 2023 (modelled) to 746 in "
            "May 2023 (modelled).",
            "+127 since Apr 2023 (modelled)",
        ),
        (
            [400, 400],
            [M, P],
            EXACT,
            "People waiting for a review was 400 in both Apr 2023 and May 2023 (modelled).",
            "+0 since Apr 2023 (modelled)",
        ),
    ],
)
def test_a_trend_compares_published_months_or_says_modelled(values, bases, rule, sentence, delta):
    item = _trend(_series(values, bases), rule)
    assert (item.summary, item.change) == (sentence, delta)


def test_one_modelled_month_says_so():
    item = _trend(_series([746], [M]))
    assert item.message == (
        "Only one month of figures so far (Apr 2023: 746, modelled), so there is no trend to "
        "chart yet."
    )


def test_the_largest_team_of_a_modelled_month_says_modelled():
    rows = frame(
        [
            (OVERDUE, _m(11), NORTH, HIGH, 60, M, None),
            (OVERDUE, _m(11), SOUTH, HIGH, 52, P, None),
        ]
    )
    parts = backlog.breakdown(rows, OVERDUE, team=None, band=None, rule=EXACT, measures=MEASURES)
    assert parts.summary == (
        "In Nov 2023, the team with the most overdue annual reviews was North locality "
        "(60 of 112, modelled)."
    )


def test_the_projection_and_what_if_say_they_rest_on_modelled_months():
    projection = backlog.project(_series(DEMO, DEMO_BASES))
    assert projection.rests_on == (
        "3 modelled months (Aug to Oct 2023) and the published figure for Nov 2023"
    )
    assert backlog.projection_sentence(projection, EXACT) == (
        "At the net change of the last 3 months (Sep to Nov 2023), the review waiting list will "
        "not clear at the current rate: it is growing by about 24 a month (+71 over the 3 "
        "months, to 460 in Nov 2023). This projection rests on 3 modelled months (Aug to Oct "
        "2023) and the published figure for Nov 2023. There are too few published months in a "
        "row to give a range (it needs at least two month-to-month changes between published "
        "months)."
    )
    scenario = backlog.what_if(projection, 2, 20, 961_260)
    assert backlog.what_if_sentence(scenario) == (
        "With 2 extra reviewers each completing 20 reviews a month (40 more a month), the list "
        "would fall by about 16 a month and clear in 29 months, by Apr 2026. Like the projection "
        "above, this rests on 3 modelled months (Aug to Oct 2023) and the published figure for "
        "Nov 2023. Extra cost: £19,225.20 a month, £557,530.80 until the list clears; £480.63 "
        "per extra review."
    )
    assert backlog.projection_chart(scenario, EXACT).summary.endswith(
        "The projection rests on 3 modelled months (Aug to Oct 2023) and the published figure "
        "for Nov 2023."
    )


def test_a_projection_on_published_months_says_so():
    # Dec 2023 to Mar 2024, all published
    rows = _series([500, 480, 470, 440], [P] * 4, start=12)
    projection = backlog.project(rows)
    assert projection.rests_on == "the published figures for Dec 2023 to Mar 2024"
    assert "This projection rests on the published figures for Dec 2023 to Mar 2024." in (
        backlog.projection_sentence(projection, EXACT)
    )


def test_a_list_clear_in_a_modelled_month_says_modelled():
    rows = _series([12, 0], [P, M])
    assert backlog.projection_sentence(backlog.project(rows), EXACT) == (
        "The review waiting list was clear in May 2023 (modelled)."
    )


@pytest.mark.parametrize(
    ("months", "expected"),
    [
        (
            [(_m(8), M), (_m(9), P), (_m(10), M), (_m(11), P)],
            (
                "2 modelled months (Aug 2023 and Oct 2023) and the published figures for Sep 2023 "
                "and Nov 2023"
            ),
        ),
        ([(_m(10), M), (_m(11), M)], "2 modelled months (Oct to Nov 2023)"),
        (
            [(_m(11), "illustrative"), (_m(12), P)],
            ("1 illustrative month (Nov 2023) and the published figure for Dec 2023"),
        ),
    ],
)
def test_rests_on_names_the_months_by_basis(months, expected):
    assert figure_basis.rests_on(months) == expected


def _backlog(values: dict[date, tuple[int, str]]) -> pl.DataFrame:
    return frame(
        [(WAITING, month, ALL_T, ALL_B, v, basis, None) for month, (v, basis) in values.items()]
    )


@pytest.mark.parametrize(
    ("figures", "meeting", "expected"),
    [
        # the latest month published, the one before modelled
        (
            {_m(10): (436, M), _m(11): (460, P)},
            date(2023, 10, 20),
            "up 24 on the month before (modelled); up 24 since the meeting on 20 Oct 2023 "
            "(modelled)",
        ),
        # the latest month modelled, the one before published: still not a published change
        (
            {_m(10): (436, P), _m(11): (460, M)},
            date(2023, 12, 5),
            "up 24 on the month before (modelled); no change since the meeting on 5 Dec 2023 "
            "(modelled)",
        ),
        (
            {_m(10): (436, P), _m(11): (460, P)},
            date(2023, 10, 20),
            "up 24 on the month before; up 24 since the meeting on 20 Oct 2023",
        ),
    ],
)
def test_overview_changes_say_modelled(figures, meeting, expected):
    [latest] = headlines.latest_backlog(_backlog(figures), meeting_date=meeting, measures=MEASURES)
    assert latest.direction() == expected
