"""The census extract as members read it (dashboard/domain/case_picture.py) and the CLD block
(dashboard/domain/reviews_done.py): hand-worked counts per band, category, team and age band,
exact and under NHS England's rule, with the secondary suppression worked out by hand."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from dashboard.domain.case_picture import ALL_AGES, ALL_TEAMS, case_picture
from dashboard.domain.disclosure import EXACT, NHS_ENGLAND
from dashboard.domain.reviews_done import reviews_done
from tests import cld_support as cld
from tests.census_support import EXTRACT, census
from tests.reviews_support import NORTH, SOUTH, extract_frame

BANDS = (
    "not due",
    "due within 28 days",
    "overdue up to 3 months",
    "overdue 3 to 6 months",
    "overdue 6 to 12 months",
    "overdue over 12 months",
)


def _bands(split) -> dict[str, list[int | None]]:
    """Each group's counts in band order, then its total."""
    frame = split.bands
    rows = {}
    for group in frame["group"].unique(maintain_order=True).to_list():
        mine = frame.filter(pl.col("group") == group)
        by_band = dict(zip(mine["band"].to_list(), mine["count"].to_list(), strict=True))
        rows[group] = [by_band[b] for b in BANDS] + [by_band[None]]
    return rows


def _waiting(split, category: str) -> dict[str, int | None]:
    rows = split.waiting.filter(pl.col("category") == category)
    return dict(zip(rows["group"].to_list(), rows["count"].to_list(), strict=True))


def test_exact_counts_per_band_team_and_age_band():
    picture = case_picture(extract_frame(), EXACT)
    assert picture.extract_date == date(2024, 3, 31)
    assert _bands(picture.by_team) == {
        NORTH: [13, 0, 0, 12, 0, 0, 25],
        SOUTH: [0, 0, 8, 0, 0, 1, 9],
        ALL_TEAMS: [13, 0, 8, 12, 0, 1, 34],
    }
    assert _bands(picture.by_cohort) == {
        "Aged 18 to 64": [0, 0, 0, 12, 0, 1, 13],
        "Aged 65 and over": [13, 0, 8, 0, 0, 0, 21],
        ALL_AGES: [13, 0, 8, 12, 0, 1, 34],
    }
    assert _waiting(picture.by_team, "awaiting_assessment") == {NORTH: 7, SOUTH: 9, ALL_TEAMS: 16}
    assert _waiting(picture.by_cohort, "awaiting_assessment_over_six_months") == {
        "Aged 18 to 64": 0,
        "Aged 65 and over": 7,
        ALL_AGES: 7,
    }
    assert _waiting(picture.by_team, "overdue_review") == {NORTH: 12, SOUTH: 9, ALL_TEAMS: 21}
    assert _waiting(picture.by_team, "people_waiting") == {NORTH: 19, SOUTH: 18, ALL_TEAMS: 37}
    assert _waiting(picture.by_team, "awaiting_service") == {NORTH: 0, SOUTH: 0, ALL_TEAMS: 0}
    assert picture.by_team.ot.rows() == [
        (NORTH, 8, 30.0, 30),
        (SOUTH, 3, 121.0, 121),
        (ALL_TEAMS, 11, 30.0, 121),
    ]
    top = picture.headline
    assert (top.supported, top.overdue, top.overdue_share, top.overdue_over_12) == (34, 21, 62, 1)
    assert (top.awaiting_assessment, top.over_six_months, top.over_six_share) == (16, 7, 44)


def test_members_read_rounded_counts_with_every_recoverable_cell_hidden():
    picture = case_picture(extract_frame(), NHS_ENGLAND)
    # South's 1 over 12 months is suppressed, so is the band's total (1); South's 8 is hidden
    # with it (its row total, 9, would give the 1 away) and the band total of 8 with that.
    # The age-band table hides its 12 and 13 for the same reasons; the totals both tables share
    # (13 not due, 12 overdue 3 to 6 months) are then hidden in the team table too, and with
    # them North's 13 and 12, which those totals would give away.
    assert _bands(picture.by_team) == {
        NORTH: [None, 0, 0, None, 0, 0, 25],
        SOUTH: [0, 0, None, 0, 0, None, 10],
        ALL_TEAMS: [None, 0, None, None, 0, None, 35],
    }
    assert _bands(picture.by_cohort) == {
        "Aged 18 to 64": [0, 0, 0, None, 0, None, 15],
        "Aged 65 and over": [None, 0, None, 0, 0, 0, 20],
        ALL_AGES: [None, 0, None, None, 0, None, 35],
    }
    # one category at a time: 7 suppressed, so 9 is hidden beside it; 16 rounds to 15
    assert _waiting(picture.by_team, "awaiting_assessment") == {
        NORTH: None,
        SOUTH: None,
        ALL_TEAMS: 15,
    }
    assert _waiting(picture.by_team, "overdue_review") == {NORTH: 10, SOUTH: 10, ALL_TEAMS: 20}
    # 3 waiting in South: suppressed, North's 8 hidden beside it, and so their waits
    assert picture.by_team.ot.rows() == [
        (NORTH, None, None, None),
        (SOUTH, None, None, None),
        (ALL_TEAMS, 10, 30.0, 121),
    ]
    top = picture.headline
    # 20 of 35, from the rounded figures: 57% (21 of 34 would be 62%)
    assert (top.supported, top.overdue, top.overdue_share, top.overdue_over_12) == (
        35,
        20,
        57,
        None,
    )
    assert (top.over_six_months, top.over_six_share) == (None, None)


def _lines(split) -> list[list[tuple[int, bool]]]:
    """Every row with its total and every band with its total, as (exact?, hidden) pairs."""
    frame = split.bands
    groups = frame["group"].unique(maintain_order=True).to_list()
    lines = [frame.filter(pl.col("group") == g)["count"].to_list() for g in groups]
    lines += [frame.filter(pl.col("band") == b)["count"].to_list() for b in BANDS]
    return lines


def test_no_line_has_exactly_one_hidden_cell():
    picture = case_picture(extract_frame(), NHS_ENGLAND)
    for split in (picture.by_team, picture.by_cohort):
        for line in _lines(split):
            assert sum(v is None for v in line) != 1, line


def test_no_person_id_leaves_the_aggregates():
    picture = case_picture(extract_frame(), EXACT)
    for split in (picture.by_team, picture.by_cohort):
        for frame in (split.bands, split.waiting, split.ot):
            assert "person_id" not in frame.columns
            text = frame.select(pl.all().cast(pl.String)).write_csv()
            assert "PID-ZZ" not in text
    assert "PID-ZZ" not in repr(picture)


@pytest.mark.parametrize(
    ("people", "shown"),
    [(0, 0), (1, None), (7, None), (8, 10), (12, 10), (13, 15)],
)
def test_nhs_rule_on_a_count_of_people_overdue(people, shown):
    overdue = [
        {"person_id": f"P{i}", "support_start": date(2020, 1, 1), "last_review": date(2023, 1, 1)}
        for i in range(people)
    ]
    not_yet = {"person_id": "Q", "support_start": date(2020, 1, 1), "last_review": EXTRACT}
    picture = case_picture(census(*overdue, not_yet), NHS_ENGLAND)
    # one team and one age band: the team's line is its cell and its total, equal
    assert _waiting(picture.by_team, "overdue_review") == {"North": shown, ALL_TEAMS: shown}
    assert picture.headline.overdue == shown


@pytest.mark.parametrize(("waiting", "median"), [(1, None), (7, None), (8, 10.5)])
def test_a_median_over_1_to_7_people_is_suppressed(waiting, median):
    people = [
        {"person_id": f"P{i}", "waiting_ot_since": date(2025, 6, 30 - 3 * i)}
        for i in range(waiting)
    ]
    top = case_picture(census(*people), NHS_ENGLAND).headline
    # waits of 0, 3, 6 ... 21 days: with 8 of them the median is halfway between 9 and 12
    assert top.ot_median_days == median
    if median is not None:
        assert top.ot_longest_days == 21


def test_no_extract_has_no_picture():
    assert case_picture(census(), NHS_ENGLAND) is None


# reviews done, from CLD events --------------------------------------------------------------


def _cld_events(reviewed: int, unreviewed: int) -> pl.DataFrame:
    rows = []
    for i in range(reviewed + unreviewed):
        person = f"PID-ZZ-{i:04d}"
        rows.append(cld.service(person, cld.d(2022, 1, 1)))
        if i < reviewed:
            reason = "Planned" if i % 2 == 0 else "Unplanned - hospital"
            rows.append(cld.review(person, cld.d(2024, 1 + i % 2, 15), reason))
    return cld.events(*rows)


def test_reviews_done_exact():
    done = reviews_done(_cld_events(10, 3), date(2024, 3, 31), EXACT)
    assert (done.clients, done.reviewed, done.share) == (13, 10, 77)
    months = {(r["month"], r["kind"]): r["count"] for r in done.months.iter_rows(named=True)}
    # January: the five even-numbered (planned); February: the five odd (unplanned)
    assert months[(date(2024, 1, 1), "Planned")] == 5
    assert months[(date(2024, 2, 1), "Unplanned")] == 5
    assert months[(date(2024, 1, 1), None)] == 5
    assert months[(None, None)] == 10
    assert "PID-ZZ" not in repr(done)


def test_reviews_done_disclosed():
    done = reviews_done(_cld_events(10, 3), date(2024, 3, 31), NHS_ENGLAND)
    # 13 -> 15, 10 -> 10: 67% from the rounded figures
    assert (done.clients, done.reviewed, done.share) == (15, 10, 67)
    months = {(r["month"], r["kind"]): r["count"] for r in done.months.iter_rows(named=True)}
    assert months[(date(2024, 1, 1), "Planned")] is None  # 5
    assert months[(None, None)] == 10
    small = reviews_done(_cld_events(3, 10), date(2024, 3, 31), NHS_ENGLAND)
    assert (small.clients, small.reviewed, small.share) == (15, None, None)


def test_protect_hides_a_shared_total_it_is_told_to_and_a_cell_that_would_give_it_away():
    from dashboard.domain.disclosure import protect

    cells = pl.DataFrame({"group": ["A", "B"], "band": ["x", "x"], "value": [20, 30]})
    plain = protect(cells, NHS_ENGLAND, exact=False, row="group", column="band")
    assert plain["shown"].to_list() == [20, 30, 20, 30, 50, 50]
    told = protect(
        cells, NHS_ENGLAND, exact=False, row="group", column="band", hidden={(None, "x")}
    )
    # the band total (50) hidden, so A's 20 (the smaller of its band) with it, A's row total
    # (20, which is A's cell) and the grand total (50, which is the one band's total)
    assert told["shown"].to_list() == [None, 30, None, 30, None, None]
