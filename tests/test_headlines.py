"""Overview headline logic on small literal frames."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from dashboard.domain import headlines
from data_access.measures import BACKLOG, LOCAL, MEASURES, MeasureInfo, Registry


def _backlog(values: dict[date, int], measure="waiting_review"):
    return pl.DataFrame(
        {
            "measure": [measure] * len(values),
            "month": list(values),
            "team": ["All"] * len(values),
            "priority_band": ["All"] * len(values),
            "value": list(values.values()),
            "basis": ["published"] * len(values),
            "source": ["paper"] * len(values),
            "target": [None] * len(values),
            "as_at": list(values),
        },
        schema_overrides={"target": pl.Int64},
    )


SERIES = {date(2023, 9, 1): 410, date(2023, 10, 1): 436, date(2023, 11, 1): 460}


@pytest.mark.parametrize(
    ("meeting", "expected"),
    [
        (None, "up 24 on the month before"),
        (date(2023, 10, 20), "up 24 on the month before; up 24 since the meeting on 20 Oct 2023"),
        (date(2023, 12, 5), "up 24 on the month before; no change since the meeting on 5 Dec 2023"),
        (date(2023, 8, 1), "up 24 on the month before; no figure since the meeting on 1 Aug 2023"),
    ],
)
def test_direction_of_travel_against_month_and_meeting(meeting, expected):
    [latest] = headlines.latest_backlog(_backlog(SERIES), meeting_date=meeting, measures=MEASURES)
    assert (latest.value, latest.direction()) == (460, expected)


def test_single_month_has_no_direction():
    [latest] = headlines.latest_backlog(_backlog({date(2023, 11, 1): 460}), measures=MEASURES)
    assert (latest.change, latest.direction()) == (None, "")


def test_teams_and_bands_are_added_up_but_never_a_total_with_its_parts():
    north, south = _backlog(SERIES), _backlog(SERIES)
    teams = pl.concat(
        [north.with_columns(team=pl.lit("North")), south.with_columns(team=pl.lit("South"))]
    )
    [latest] = headlines.latest_backlog(teams, measures=MEASURES)
    assert (latest.value, latest.previous_value) == (920, 872)
    with_total = pl.concat([teams, _backlog(SERIES).with_columns(team=pl.lit("All teams"))])
    [latest] = headlines.latest_backlog(with_total, measures=MEASURES)
    assert (latest.value, latest.previous_value) == (460, 436)


def test_last_meeting_is_the_latest_on_or_before_today():
    meetings = pl.DataFrame(
        {"meeting_date": [date(2024, 1, 23), date(2024, 3, 12), date(2030, 1, 1)]}
    )
    assert headlines.last_meeting(meetings, date(2024, 3, 12)) == date(2024, 3, 12)
    assert headlines.last_meeting(meetings, date(2024, 3, 11)) == date(2024, 1, 23)
    assert headlines.last_meeting(meetings, date(2020, 1, 1)) is None


def test_an_added_measure_with_figures_has_a_card_after_the_built_in_ones():
    carers = MeasureInfo(
        "carers_assessed", "Carers assessed", "Carers.", "carers", True, "s", "o", LOCAL, BACKLOG
    )
    added = Registry.with_rows(MEASURES, [carers])
    both = pl.concat([_backlog(SERIES), _backlog(SERIES, measure="carers_assessed")])
    found = headlines.latest_backlog(both, measures=added)
    assert [(f.label, f.value, f.higher_is_better) for f in found] == [
        ("People waiting for a review", 460, False),
        ("Carers assessed", 460, True),
    ]
    # no figures yet: no card (the Backlog page says it has none)
    assert len(headlines.latest_backlog(_backlog(SERIES), measures=added)) == 1
