"""Backlog logic on small literal frames: totals, sentences, the projection and the what-if."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard.charts import figures as charts
from dashboard.domain import backlog
from dashboard.domain.disclosure import EXACT, NHS_ENGLAND, DisclosureRule
from dashboard.domain.table import Kind
from dashboard.views import backlog as backlog_view
from data_access.measures import MEASURES

WAITING, OT = "waiting_review", "waiting_ot_assessment"
DONE, OVERDUE = "reviews_completed", "overdue_annual_reviews"
ALL_T, ALL_B = "All teams", "All priorities"
NORTH, SOUTH = "North locality", "South locality"
HIGH, LOW = "High: risk or safeguarding", "Low: routine"


def _m(year: int, month: int) -> date:
    return date(year, month, 1)


def frame(rows: list[tuple]) -> pl.DataFrame:
    """Rows of (measure, month, team, band, value[, basis[, target]]) as the loader shapes them."""
    full = [(*r, "published", None)[:7] for r in rows]
    return pl.DataFrame(
        [(*r, "Paper A", date(2023, 11, 30)) for r in full],
        schema={
            "measure": pl.String,
            "month": pl.Date,
            "team": pl.String,
            "priority_band": pl.String,
            "value": pl.Int64,
            "basis": pl.String,
            "target": pl.Int64,
            "source": pl.String,
            "as_at": pl.Date,
        },
        orient="row",
    )


def waiting(values: list[int], start: date = date(2023, 4, 1)) -> pl.DataFrame:
    return frame(
        [(WAITING, backlog.add_months(start, i), ALL_T, ALL_B, v) for i, v in enumerate(values)]
    )


SAMPLE_WAITING = [318, 335, 352, 371, 389, 410, 436, 460]


# adding up rows -------------------------------------------------------------------------------


def test_monthly_uses_the_total_row_where_one_is_reported_and_adds_parts_otherwise():
    rows = frame(
        [
            (OVERDUE, _m(2023, 10), ALL_T, ALL_B, 100),
            (OVERDUE, _m(2023, 10), NORTH, ALL_B, 60),
            (OVERDUE, _m(2023, 10), SOUTH, ALL_B, 50),
            (OVERDUE, _m(2023, 11), NORTH, HIGH, 7),
            (OVERDUE, _m(2023, 11), NORTH, LOW, 20),
            (OVERDUE, _m(2023, 11), SOUTH, HIGH, 3),
        ]
    )
    result = backlog.monthly(rows, OVERDUE).select("month", "value")
    expected = pl.DataFrame({"month": [_m(2023, 10), _m(2023, 11)], "value": [100, 30]})
    assert_frame_equal(result, expected)


@pytest.mark.parametrize(
    ("team", "band", "expected"),
    [
        (NORTH, None, [60, 27]),
        (None, HIGH, [10]),
        (NORTH, HIGH, [7]),
        (SOUTH, LOW, []),
    ],
)
def test_monthly_for_a_team_or_band(team, band, expected):
    rows = frame(
        [
            (OVERDUE, _m(2023, 10), NORTH, ALL_B, 60),
            (OVERDUE, _m(2023, 11), NORTH, HIGH, 7),
            (OVERDUE, _m(2023, 11), NORTH, LOW, 20),
            (OVERDUE, _m(2023, 11), SOUTH, HIGH, 3),
        ]
    )
    assert backlog.monthly(rows, OVERDUE, team=team, band=band)["value"].to_list() == expected


def test_monthly_total_is_as_firm_as_its_weakest_part_and_adds_targets():
    rows = frame(
        [
            (DONE, _m(2023, 8), NORTH, ALL_B, 100, "published", 90),
            (DONE, _m(2023, 8), SOUTH, ALL_B, 50, "modelled", 40),
            (DONE, _m(2023, 9), NORTH, ALL_B, 110, "published", None),
        ]
    )
    result = backlog.monthly(rows, DONE).select("value", "target", "basis")
    expected = pl.DataFrame(
        {"value": [150, 110], "target": [130, None], "basis": ["modelled", "published"]}
    )
    assert_frame_equal(result, expected)


def test_filter_options_leave_out_totals_and_keep_the_data_order():
    rows = frame(
        [
            (OVERDUE, _m(2023, 11), SOUTH, LOW, 1),
            (OVERDUE, _m(2023, 11), NORTH, HIGH, 1),
            (WAITING, _m(2023, 11), ALL_T, ALL_B, 1),
        ]
    )
    assert backlog.filter_options(rows) == ([SOUTH, NORTH], [LOW, HIGH])


# wording --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "rule", "expected"),
    [
        (318, 460, EXACT, "People waiting rose 45% from 318 in Apr 2023 to 460 in Nov 2023."),
        (750, 2398, EXACT, "People waiting rose 220% from 750 in Apr 2023 to 2,398 in Nov 2023."),
        (460, 414, EXACT, "People waiting fell 10% from 460 in Apr 2023 to 414 in Nov 2023."),
        (460, 460, EXACT, "People waiting was 460 in both Apr 2023 and Nov 2023."),
        (0, 12, EXACT, "People waiting rose from 0 in Apr 2023 to 12 in Nov 2023."),
        (
            8,
            12,
            DisclosureRule(10, 5),
            "People waiting went from fewer than 10 in Apr 2023 to 10 in Nov 2023.",
        ),
        # members: the counts rounded to the nearest 5 and the percentage worked out from them
        (318, 460, NHS_ENGLAND, "People waiting rose 44% from 320 in Apr 2023 to 460 in Nov 2023."),
        (0, 12, NHS_ENGLAND, "People waiting rose from 0 in Apr 2023 to 10 in Nov 2023."),
        (11, 9, NHS_ENGLAND, "People waiting was 10 in both Apr 2023 and Nov 2023."),
    ],
)
def test_change_sentence(before, after, rule, expected):
    first, last = (_m(2023, 4), before), (_m(2023, 11), after)
    assert backlog.change_sentence("People waiting", first, last, rule) == expected


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [(318, 460, 45), (750, 2398, 220), (200, 201, 1), (8, 9, 13), (400, 401, 0), (10, 5, 50)],
)
def test_percent_change_rounds_halves_up(before, after, expected):
    assert backlog.percent_change(before, after) == expected


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (_m(2023, 11), _m(2023, 11), "Nov 2023"),
        (_m(2023, 9), _m(2023, 11), "Sep to Nov 2023"),
        (_m(2023, 11), _m(2024, 1), "Nov 2023 to Jan 2024"),
    ],
)
def test_period(first, last, expected):
    assert backlog.period(first, last) == expected


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        (Fraction(71, 3), "about 24"),
        (Fraction(24), "24"),
        (Fraction(-49, 3), "about 16"),
        (Fraction(1, 3), "less than 1"),
        (Fraction(5, 2), "about 3"),
        (Fraction(2400), "2,400"),
    ],
)
def test_per_month(rate, expected):
    assert backlog.per_month(rate) == expected


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (_m(2023, 11), 29, _m(2026, 4)),
        (_m(2023, 12), 1, _m(2024, 1)),
        (_m(2024, 1), -1, _m(2023, 12)),
        (_m(2024, 3), 0, _m(2024, 3)),
    ],
)
def test_add_months(start, months, expected):
    assert backlog.add_months(start, months) == expected


# disclosure control (the rule itself: tests/test_disclosure.py) ------------------------------


def test_trend_hides_small_counts_from_chart_table_and_headline():
    rows = frame(
        [
            (OVERDUE, _m(2023, 10), NORTH, HIGH, 4),
            (OVERDUE, _m(2023, 11), NORTH, HIGH, 12),
        ]
    )
    item = backlog.trend(
        rows, OVERDUE, team=NORTH, band=HIGH, rule=DisclosureRule(5, 1), measures=MEASURES
    )
    assert item.chart["value"].to_list() == [None, 12]
    assert item.table.shown()["Count"].to_list() == ["fewer than 5", "12"]
    # the suppressed count is not in a download either
    assert item.table.values()["Count"].to_list() == [None, 12]
    assert item.headline == "12" and item.change is None
    assert item.summary == (
        "Overdue annual reviews went from fewer than 5 in Oct 2023 to 12 in Nov 2023."
    )


# trends ---------------------------------------------------------------------------------------


def test_trend_of_the_sample_waiting_list():
    item = backlog.trend(
        waiting(SAMPLE_WAITING), WAITING, team=None, band=None, rule=EXACT, measures=MEASURES
    )
    assert item.message is None
    assert item.headline == "460" and item.change == "+24 since Oct 2023"
    assert item.title == "People waiting for a review, Apr to Nov 2023"
    assert item.subtitle == "All teams, all priority bands"
    assert item.unit == "People"
    assert item.summary == (
        "People waiting for a review rose 45% from 318 in Apr 2023 to 460 in Nov 2023."
    )
    assert item.table.title == item.title
    assert [(c.name, c.kind) for c in item.table.columns] == [
        ("Month", Kind.MONTH),
        ("Figure", Kind.TEXT),
        ("Count", Kind.COUNT),
        ("Basis", Kind.TEXT),
    ]
    assert item.table.shown().row(-1) == (
        "Nov 2023",
        "People waiting for a review",
        "460",
        "published",
    )
    assert item.table.values().row(-1) == (
        _m(2023, 11),
        "People waiting for a review",
        460,
        "published",
    )
    assert item.sources == "Source: Paper A. Figures as at 30 Nov 2023."


def test_trend_marks_modelled_points_and_charts_targets():
    rows = frame(
        [
            (DONE, _m(2023, 7), ALL_T, ALL_B, 2163, "modelled", 2000),
            (DONE, _m(2023, 8), ALL_T, ALL_B, 2398, "published", 2500),
        ]
    )
    item = backlog.trend(rows, DONE, team=None, band=None, rule=EXACT, measures=MEASURES)
    assert item.chart.select("series", "value", "basis", "modelled").rows() == [
        ("Reviews completed", 2163, "modelled", True),
        ("Reviews completed", 2398, "published", False),
        ("Target", 2000, "target", True),
        ("Target", 2500, "target", True),
    ]
    assert item.summary.endswith("to 2,398 in Aug 2023. The target for Aug 2023 was 2,500.")


def test_reviews_completed_without_targets_says_none_was_loaded():
    rows = frame([(DONE, _m(2023, 1), ALL_T, ALL_B, 750), (DONE, _m(2023, 8), ALL_T, ALL_B, 2398)])
    item = backlog.trend(rows, DONE, team=None, band=None, rule=EXACT, measures=MEASURES)
    assert item.summary == (
        "Reviews completed rose 220% from 750 in Jan 2023 to 2,398 in Aug 2023. "
        "No target has been loaded for it."
    )


@pytest.mark.parametrize(
    ("measure", "team", "expected"),
    [
        (OT, None, "No figures for people waiting for an OT assessment have been loaded."),
        (
            WAITING,
            NORTH,
            "No figures for people waiting for a review for North locality, all "
            "priority bands. Choose all teams and all priority bands to see the council-wide "
            "figures.",
        ),
        (
            WAITING,
            None,
            "Only one month of figures so far (Nov 2023: 460), so there is no trend to chart yet.",
        ),
    ],
)
def test_trend_says_why_there_is_no_chart(measure, team, expected):
    item = backlog.trend(
        waiting([460], start=_m(2023, 11)),
        measure,
        team=team,
        band=None,
        rule=EXACT,
        measures=MEASURES,
    )
    assert item.message == expected and item.chart is None


def test_chosen_trends_follow_the_measure_filter():
    items = backlog.trends(waiting([1, 2]), team=None, band=None, rule=EXACT, measures=MEASURES)
    assert [t.measure for t in items] == [WAITING, OT, DONE, OVERDUE]
    assert [t.measure for t in backlog.chosen(items, "Overdue annual reviews")] == [OVERDUE]
    assert len(backlog.chosen(items, None)) == 4


def test_breakdown_names_the_largest_team_then_band():
    rows = frame(
        [
            (OVERDUE, _m(2023, 10), NORTH, HIGH, 99),
            (OVERDUE, _m(2023, 11), NORTH, HIGH, 60),
            (OVERDUE, _m(2023, 11), NORTH, LOW, 90),
            (OVERDUE, _m(2023, 11), SOUTH, HIGH, 52),
            (OVERDUE, _m(2023, 11), SOUTH, LOW, 78),
        ]
    )
    whole = backlog.breakdown(rows, OVERDUE, team=None, band=None, rule=EXACT, measures=MEASURES)
    assert whole.title == "Overdue annual reviews by team and priority band, Nov 2023"
    assert whole.summary == (
        "In Nov 2023, the team with the most overdue annual reviews was North locality "
        "(150 of 280)."
    )
    assert [c.name for c in whole.table.columns] == ["Team", "Priority band", "Count", "Basis"]
    assert whole.table.column("Count").kind is Kind.COUNT and whole.table.title == whole.title
    north = backlog.breakdown(rows, OVERDUE, team=NORTH, band=None, rule=EXACT, measures=MEASURES)
    assert north.summary == (
        "In Nov 2023, the priority band with the most overdue annual reviews was Low: routine "
        "(90 of 150)."
    )


def test_no_breakdown_for_council_wide_totals():
    assert (
        backlog.breakdown(
            waiting([1, 2]), WAITING, team=None, band=None, rule=EXACT, measures=MEASURES
        )
        is None
    )


def _teams(values: list[int]) -> pl.DataFrame:
    """Overdue reviews in Nov 2023 for a team per value (Team 01, Team 02, ...), two bands each,
    the value split between them."""
    return frame(
        [
            (OVERDUE, _m(2023, 11), f"Team {i:02d}", band, part)
            for i, value in enumerate(values, 1)
            for band, part in ((HIGH, value // 2), (LOW, value - value // 2))
        ]
    )


def test_largest_teams_keeps_the_teams_with_the_most_largest_first():
    values = [10, 50, 30, 50, 5, 40]
    cut, note = backlog.largest_teams(_teams(values), "overdue annual reviews", _m(2023, 11), 3)
    # a tie keeps the order the data gives
    assert cut.select("team", "priority_band").rows() == [
        ("Team 02", HIGH),
        ("Team 02", LOW),
        ("Team 04", HIGH),
        ("Team 04", LOW),
        ("Team 06", HIGH),
        ("Team 06", LOW),
    ]
    assert note == (
        "6 teams have figures for Nov 2023: the 3 with the most overdue annual reviews are "
        "shown, 3 more teams are not. Choose a team to see its figures."
    )


def test_largest_teams_leaves_a_short_list_as_it_is():
    rows = _teams([10, 50, 30])
    cut, note = backlog.largest_teams(rows, "overdue annual reviews", _m(2023, 11), 3)
    assert note is None
    assert_frame_equal(cut, rows)


def test_breakdown_of_more_teams_than_a_chart_holds_charts_the_largest():
    values = list(range(1, backlog.CHART_TEAMS + 3))  # Team 14 has the most
    whole = backlog.breakdown(
        _teams(values), OVERDUE, team=None, band=None, rule=EXACT, measures=MEASURES
    )
    assert whole.title == (
        "Overdue annual reviews by team and priority band, Nov 2023: the 12 teams with the most"
    )
    # the sentence is about every team
    assert whole.summary == (
        "In Nov 2023, the team with the most overdue annual reviews was Team 14 (14 of 105)."
    )
    assert whole.note.startswith("14 teams have figures for Nov 2023: the 12 with the most")
    assert whole.chart["team"].unique(maintain_order=True).to_list() == [
        f"Team {i:02d}" for i in range(14, 2, -1)
    ]
    assert whole.table.height == 24
    one = backlog.breakdown(
        _teams(values), OVERDUE, team="Team 01", band=None, rule=EXACT, measures=MEASURES
    )
    assert one.note is None and one.table.shown()["Count"].to_list() == ["0", "1"]
    assert one.table.values()["Count"].to_list() == [0, 1]


def test_view_is_the_trends_breakdowns_and_projection_for_the_choice():
    rows = pl.concat(
        [
            waiting(SAMPLE_WAITING),
            frame(
                [
                    (OVERDUE, _m(2023, 10), NORTH, HIGH, 99),
                    (OVERDUE, _m(2023, 11), NORTH, HIGH, 60),
                    (OVERDUE, _m(2023, 11), SOUTH, LOW, 78),
                ]
            ),
        ]
    )
    for team, band in ((None, None), (NORTH, None), (None, HIGH)):
        view = backlog_view.view(rows, team=team, band=band, rule=EXACT, measures=MEASURES)
        trends = backlog.trends(rows, team=team, band=band, rule=EXACT, measures=MEASURES)
        assert [t.measure for t in view.trends] == [WAITING, OT, DONE, OVERDUE]
        for part, alone in zip(view.trends, trends, strict=True):
            assert (part.label, part.message, part.sources) == (
                alone.label,
                alone.message,
                alone.sources,
            )
            assert (part.headline.value, part.headline.delta) == (alone.headline, alone.change)
            if alone.message is None:
                assert (part.chart.title, part.chart.alt) == (alone.title, alone.summary)
                assert part.chart.table.values().rows() == alone.table.values().rows()
            parts = backlog.breakdown(
                rows, part.measure, team=team, band=band, rule=EXACT, measures=MEASURES
            )
            if parts is None or alone.message:
                assert part.breakdown is None
            else:
                assert part.breakdown.table.values().rows() == parts.table.values().rows()
                assert (part.breakdown.title, part.breakdown_note) == (parts.title, parts.note)
        projection = backlog.project(rows, team=team, band=band)
        assert _fields(view.projection.projection) == _fields(projection)
        assert view.projection.sentence == backlog.projection_sentence(projection, EXACT)


def _fields(item) -> dict | None:
    """A dataclass's fields, frames as their rows (frames do not compare with ``==``)."""
    if item is None:
        return None
    return {
        name: (value.rows() if isinstance(value, pl.DataFrame) else value)
        for name, value in vars(item).items()
    }


def test_trend_names_the_first_sources_and_counts_the_rest():
    rows = frame(
        [(WAITING, _m(2023, month), f"Team {i}", ALL_B, 10) for month in (10, 11) for i in range(7)]
    ).with_columns(source=pl.format("Paper {}", pl.col("team").str.slice(5)))
    item = backlog.trend(rows, WAITING, team=None, band=None, rule=EXACT, measures=MEASURES)
    assert item.sources == (
        "Source: Paper 0; Paper 1; Paper 2; Paper 3; Paper 4 and 2 more. Figures as at 30 Nov 2023."
    )
    assert backlog.monthly(rows, WAITING)["source"][-1] == "; ".join(f"Paper {i}" for i in range(7))


# the projection -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latest", "rate", "expected"),
    [
        (460, Fraction(-49, 3), 29),
        (10, Fraction(-10), 1),
        (10, Fraction(-3), 4),
        (0, Fraction(5), 0),
        (460, Fraction(0), None),
        (460, Fraction(71, 3), None),
    ],
)
def test_months_to_clear(latest, rate, expected):
    assert backlog.months_to_clear(latest, rate) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            SAMPLE_WAITING,
            "At the net change of the last 3 months (Sep to Nov 2023), the review waiting list "
            "will not clear at the current rate: it is growing by about 24 a month (+71 over the "
            "3 months, to 460 in Nov 2023). This projection rests on the published figures for "
            "Aug to Nov 2023. The range rests on published figures: the last 6 "
            "month-to-month changes between published months (Jun to Nov 2023) went from a rise "
            "of 17 to a rise of 26, so the rate above is taken give or take about 5 a month; at "
            "none of those rates would the list clear.",
        ),
        (
            [500, 480, 450, 440],
            "At the net change of the last 3 months (May to Jul 2023), the review waiting list "
            "is falling by 20 a month and would clear in 22 months, by May 2025. This projection "
            "rests on the published figures for Apr to Jul 2023. The range rests "
            "on published figures: the last 3 month-to-month changes between published months "
            "(May to Jul 2023) went from a fall of 30 to a fall of 10, so the rate above is taken "
            "give or take 10 a month: the list would clear between Oct 2024 and Mar 2027 at "
            "recent rates.",
        ),
        (
            [300, 310],
            "At the net change of the last month (May 2023), the review waiting list will not "
            "clear at the current rate: it is growing by 10 a month (+10 over the month, to 310 "
            "in May 2023). This projection rests on the published figures for Apr to May 2023. "
            "There are too few published months in a row to give a range (it needs "
            "at least two month-to-month changes between published months).",
        ),
        (
            [310, 300, 310],
            "At the net change of the last 2 months (May to Jun 2023), the review waiting list "
            "did not change (310 in Jun 2023), so it will not clear at that rate. This "
            "projection rests on the published figures for Apr to Jun 2023. The range "
            "rests on published figures: the last 2 month-to-month changes between published "
            "months (May to Jun 2023) went from a fall of 10 to a rise of 10, so the rate above "
            "is taken give or take 10 a month: at the fastest the list would clear by Jan 2026, "
            "at the slowest it would not clear.",
        ),
        ([12, 0], "The review waiting list was clear in May 2023."),
        (
            [460],
            "The projection needs at least two months of figures for people waiting for a "
            "review; there is only Apr 2023.",
        ),
        (
            [],
            "There are no figures for people waiting for a review for all teams, all priority "
            "bands, so there is nothing to project.",
        ),
    ],
)
def test_projection_sentence(values, expected):
    assert backlog.projection_sentence(backlog.project(waiting(values)), EXACT) == expected


def test_projection_rate_spans_calendar_months_when_some_are_missing():
    rows = frame(
        [
            (WAITING, _m(2023, 9), ALL_T, ALL_B, 400),
            (WAITING, _m(2023, 12), ALL_T, ALL_B, 340),
        ]
    )
    projection = backlog.project(rows)
    assert (projection.span, projection.net_change, projection.rate) == (3, -60, Fraction(-20))
    assert projection.months_to_clear == 17


# the projection's range ----------------------------------------------------------------------

# Apr to Nov 2023; changes -20 -30 -10 -20 -20 -10 -30; the last six (Jun to Nov) run from -30
# to -10, half the gap 10. The net rate over Sep to Nov is (360 - 420) / 3 = -20 a month.
FALLING = [500, 480, 450, 440, 420, 400, 390, 360]


def test_the_range_is_the_rate_give_or_take_half_the_spread_of_six_published_changes():
    projection = backlog.project(waiting(FALLING))
    assert projection.steps == (-30, -10, -20, -20, -10, -30)
    assert projection.steps_end[0] == _m(2023, 6) and projection.steps_end[-1] == _m(2023, 11)
    assert (projection.rate, projection.spread) == (Fraction(-20), Fraction(10))
    # 360 at 30 a month: 12 months, Nov 2024; at 10 a month: 36 months, Nov 2026
    assert projection.months_to_clear == 18
    assert projection.clearing_range == (12, 36)
    assert backlog.range_sentence(projection) == (
        "The range rests on published figures: the last 6 month-to-month changes between "
        "published months (Jun to Nov 2023) went from a fall of 30 to a fall of 10, so the rate "
        "above is taken give or take 10 a month: the list would clear between Nov 2024 and Nov "
        "2026 at recent rates."
    )


def test_modelled_months_and_gaps_give_no_changes_to_the_range():
    basis = ["published", "modelled", "published", "published", "published", "published"]
    rows = frame(
        [
            (WAITING, backlog.add_months(_m(2023, 4), i), ALL_T, ALL_B, v, b, None)
            for i, (v, b) in enumerate(zip([300, 290, 280, 262, 250, 244], basis, strict=True))
        ]
        # Nov missing: Dec follows no published month
        + [(WAITING, _m(2023, 12), ALL_T, ALL_B, 200)]
    )
    projection = backlog.project(rows)
    # Jun -> Jul -18, Jul -> Aug -12, Aug -> Sep -6; April to June passes a modelled month
    assert projection.steps == (-18, -12, -6)
    assert projection.spread == Fraction(6)
    # the rate: the last 3 changes of the rows, Jul 262 to Dec 200 over 5 months, -62/5 a
    # month; give or take 6: -92/5 and -32/5
    assert projection.rate == Fraction(-62, 5)
    assert projection.clearing_range == (11, 32)  # 200 / 18.4 = 10.9; 200 / 6.4 = 31.25
    assert "(Jul to Sep 2023) went from a fall of 18 to a fall of 6" in backlog.range_sentence(
        projection
    )
    assert "between Nov 2024 and Aug 2026 at recent rates" in backlog.range_sentence(projection)


def test_the_range_within_one_year_names_the_year_once():
    # Apr 120 falling 10, 20, 10 a month to 80 in Jul: net -40/3, spread 5
    projection = backlog.project(waiting([120, 110, 90, 80]))
    assert projection.clearing_range == (5, 10)  # 80 / (55/3) = 4.4; 80 / (25/3) = 9.6
    assert "clear between Dec 2023 and May 2024 at recent rates" in backlog.range_sentence(
        projection
    )
    same_year = backlog.project(waiting([100, 90, 70, 60], start=_m(2024, 1)))
    # Apr 60 at -55/3 and -25/3: 4 and 8 months, Aug and Dec 2024
    assert "clear between Aug and Dec 2024 at recent rates" in backlog.range_sentence(same_year)


def test_a_list_growing_at_every_recent_rate_has_no_clearing_month():
    projection = backlog.project(waiting(SAMPLE_WAITING))
    assert projection.clearing_range == (None, None)


# the programme and the what-if ----------------------------------------------------------------


def programmes(rows: list[tuple[str, str, int, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        [(*r, "Paper A") for r in rows],
        schema={
            "title": pl.String,
            "financial_year": pl.String,
            "reviews_planned": pl.Int64,
            "cost_pence": pl.Int64,
            "source": pl.String,
        },
        orient="row",
    )


def test_cost_per_review_from_the_sample_programme():
    programme = backlog.programme_cost(
        programmes([("Reviews programme", "2023/24", 2_478, 119_100_000)])
    )
    assert programme.per_review_pence == 48_063  # £1.191m / 2,478 = £480.6295...
    assert programme.reviewer_cost_pence(20) == 961_260  # 20 reviews at £480.63
    assert backlog.default_reviewer_cost_pence(programme) == 961_260
    assert backlog.programme_sentence(programme) == (
        "Reviews programme 2023/24: 2,478 reviews for £1.191m, £480.63 a review. At that rate "
        "a reviewer completing 20 reviews a month costs £9,612.60 a month, the cost the "
        "what-if below starts from. Source: Paper A."
    )


def test_the_what_if_at_its_starting_cost_has_the_programmes_unit_cost():
    """One unit cost: the what-if's cost per extra review at its starting inputs is the
    programme's cost per review (it read £480.65 beside the programme's £480.63)."""
    programme = backlog.programme_cost(
        programmes([("Reviews programme", "2023/24", 2_478, 119_100_000)])
    )
    extra, each, cost = (i.default for i in backlog.what_if_inputs(programme))
    scenario = backlog.what_if(backlog.project(waiting(SAMPLE_WAITING)), extra, each, cost)
    assert scenario.cost_per_extra_review_pence == programme.per_review_pence == 48_063
    assert ("Cost per extra review", "£480.63") in backlog.what_if_figures(scenario)


def test_programme_cost_adds_up_the_latest_year_only():
    programme = backlog.programme_cost(
        programmes(
            [
                ("Old", "2022/23", 1_000, 100_000_000),
                ("A", "2023/24", 300, 15_000_000),
                ("B", "2023/24", 100, 5_000_001),
            ]
        )
    )
    assert (programme.title, programme.reviews, programme.cost_pence) == (
        "2 review programmes",
        400,
        20_000_001,
    )
    assert programme.per_review_pence == 50_000


def test_no_programme_gives_no_default_cost():
    assert backlog.programme_cost(programmes([])) is None
    assert backlog.default_reviewer_cost_pence(None) == 0
    assert backlog.programme_sentence(None).startswith("No reviews programme has been loaded")


def _sample_what_if(extra: int, each: int, cost: int) -> backlog.WhatIf:
    """``cost``: a reviewer's monthly cost in pence."""
    return backlog.what_if(backlog.project(waiting(SAMPLE_WAITING)), extra, each, cost)


def test_what_if_with_two_extra_reviewers_clears_the_sample_list():
    scenario = _sample_what_if(2, 20, 961_260)
    assert scenario.rate == Fraction(71, 3) - 40
    assert (scenario.months_to_clear, scenario.clears_by) == (29, _m(2026, 4))
    assert scenario.monthly_cost_pence == 1_922_520
    assert scenario.cost_to_clear_pence == 55_753_080
    assert scenario.cost_per_extra_review_pence == 48_063
    assert backlog.what_if_sentence(scenario) == (
        "With 2 extra reviewers each completing 20 reviews a month (40 more a month), the list "
        "would fall by about 16 a month and clear in 29 months, by Apr 2026. Like the "
        "projection above, this rests on the published figures for Aug to Nov 2023. Extra cost: "
        "£19,225.20 a month, £557,530.80 until the list clears; £480.63 per extra review."
    )
    assert backlog.what_if_figures(scenario) == [
        ("Clears by", "Apr 2026"),
        ("Cost per extra review", "£480.63"),
        ("Extra cost until it clears", "£557,530.80"),
    ]


@pytest.mark.parametrize(
    ("extra", "each", "cost", "expected"),
    [
        (
            1,
            20,
            961_260,
            "With 1 extra reviewer each completing 20 reviews a month (20 more a "
            "month), the list would still grow by about 4 a month, so it would not clear. Like "
            "the projection above, this rests on the published figures for Aug to Nov 2023. Extra "
            "cost: £9,612.60 a month; £480.63 per extra review.",
        ),
        (
            0,
            20,
            961_260,
            "With 0 extra reviewers each completing 20 reviews a month (0 more a "
            "month), the list follows the projection above.",
        ),
        (
            3,
            1,
            50_000,
            "With 3 extra reviewers each completing 1 review a month (3 more a month), "
            "the list would still grow by about 21 a month, so it would not clear. Like the "
            "projection above, this rests on the published figures for Aug to Nov 2023. Extra "
            "cost: £1,500 a month; £500 per extra review.",
        ),
    ],
)
def test_what_if_sentence_when_the_list_does_not_clear(extra, each, cost, expected):
    assert backlog.what_if_sentence(_sample_what_if(extra, each, cost)) == expected


def test_what_if_with_no_reviews_has_no_cost_per_review():
    scenario = _sample_what_if(2, 0, 961_260)
    assert scenario.cost_per_extra_review_pence is None
    assert backlog.what_if_figures(scenario)[1:] == [
        ("Cost per extra review", "not applicable"),
        ("Extra cost until it clears", "not applicable"),
    ]


def test_no_what_if_without_a_projection():
    assert backlog.what_if(backlog.project(waiting([460])), 2, 20, 961_260) is None


def test_what_if_inputs_are_whole_numbers_with_the_programme_default():
    programme = backlog.programme_cost(programmes([("R", "2023/24", 2_478, 119_100_000)]))
    inputs = backlog.what_if_inputs(programme)
    assert [(i.key, i.default, i.money) for i in inputs] == [
        ("extra", 2, False),
        ("each", 20, False),
        ("cost", 961_260, True),
    ]
    assert all(isinstance(i.default, int) for i in inputs)


def test_projection_chart_runs_to_the_month_the_list_clears():
    projection = backlog.project(waiting([100, 90, 80, 70]))  # falling 10 a month
    view = backlog.projection_chart(backlog.what_if(projection, 1, 25, 100_000), EXACT)
    assert view.title == "People waiting for a review: recorded, and projected to Feb 2024"
    assert view.summary == (
        "At the current rate the list clears by Feb 2024; with 1 extra reviewer it clears by "
        "Sep 2023. The projection rests on the published figures for Apr to Jul 2023."
    )
    extra = view.chart.filter(pl.col("series") == "With 1 extra reviewer")
    assert extra.select("month", "value", "basis", "modelled").rows() == [
        (_m(2023, 7), 70, "projected", True),
        (_m(2023, 8), 35, "projected", True),
        (_m(2023, 9), 0, "projected", True),
    ]
    assert view.table.title == view.title
    current = view.table.shown().filter(pl.col("Figure") == "At the current rate")
    assert current["Count"].to_list() == ["70", "60", "50", "40", "30", "20", "10", "0"]
    assert current.row(-1) == ("Feb 2024", "At the current rate", "0", "projected")
    held = view.table.values().filter(pl.col("Figure") == "At the current rate")
    assert held.row(-1) == (_m(2024, 2), "At the current rate", 0, "projected")


def test_projection_chart_of_a_rising_list_stops_at_twelve_months():
    view = backlog.projection_chart(_sample_what_if(1, 20, 961_260), EXACT)
    assert view.summary == (
        "At the current rate the list does not clear (it would be 744 by Nov 2024); with 1 "
        "extra reviewer it does not clear (it would be 504 by Nov 2024). The projection rests on "
        "the published figures for Aug to Nov 2023."
    )
    assert view.chart.filter(pl.col("series") == "Recorded")["basis"].to_list()[-1] == "published"


def test_count_trend_chart_shows_the_subtitle_literally_and_separates_thousands():
    item = backlog.trend(
        waiting([1_500, 2_398]), WAITING, team=None, band=None, rule=EXACT, measures=MEASURES
    )
    fig = charts.count_trend_chart(
        item.chart, title=item.title, y_title=item.unit, subtitle="<b>North</b> & South"
    )
    shown = charts.inert_figure(fig)
    assert shown.layout.title.subtitle.text == "&lt;b&gt;North&lt;/b&gt; &amp; South"
    assert fig.layout.yaxis.tickformat == ","
    assert list(fig.data[0].marker.symbol) == ["circle", "circle"]
