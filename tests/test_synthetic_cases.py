"""The synthetic council (``data_access.synthetic_cases``, written by ``bench/generate_cases.py``).

Its census at 30 November 2023 gives the demo's published figures through the dashboard's own
rules (460 overdue reviews, 692 OT waits); a seed gives the same council every time; nobody in
it can be mistaken for a real person; its sizes are the ones promised; its census imports as the
``cases`` dataset with no problem, and agrees with its CLD events.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from bench.generate_cases import main, read_census
from dashboard.domain.cld import dhsc_waits, review_coverage
from dashboard.domain.review_clock import ot_waits, review_clock, waiting_lists
from data_access.datasets import DATASETS
from data_access.identifiers import is_nhs_number, nhs_number_expr
from data_access.importer import import_file
from data_access.synthetic_cases import (
    EXTRACT_DATE,
    OT_WAITING,
    OVERDUE_REVIEWS,
    TEAMS,
    events_as_stored,
    generate,
)
from tests.conftest import DIRECTOR

SMALL = 1_500


@pytest.fixture(scope="module")
def council():
    return generate(SMALL, seed=7)


def test_the_census_gives_the_published_figures_by_the_dashboards_rules(council):
    assert (OVERDUE_REVIEWS, OT_WAITING) == (460, 692)
    assert waiting_lists(council.census)["overdue_review"].item() == 460
    assert ot_waits(council.census)["ot_waiting"].item() == 692
    assert set(council.census["extract_date"].unique()) == {date(2023, 11, 30)}


@pytest.mark.parametrize(("people", "seed"), [(1_000, 1), (4_000, 99)])
def test_the_figures_hold_for_any_size_and_seed(people, seed):
    census = generate(people, seed=seed, events=False).census
    assert waiting_lists(census)["overdue_review"].item() == 460
    assert ot_waits(census)["ot_waiting"].item() == 692
    assert review_clock(census).height == people


def test_a_seed_gives_the_same_council(council):
    again = generate(SMALL, seed=7)
    assert_frame_equal(again.census, council.census)
    assert_frame_equal(again.cld, council.cld)
    other = generate(SMALL, seed=8)
    assert not other.census.equals(council.census)


def test_too_few_people_to_hold_the_figures_is_refused():
    with pytest.raises(ValueError, match="at least 1000"):
        generate(999)


def test_nobody_can_be_taken_for_a_real_person(council):
    census, cld = council.census, council.cld
    assert census["person_id"].str.starts_with("SYN-").all()
    assert cld["LA_Person_Unique_Identifier"].str.starts_with("SYN-").all()
    assert cld["Event_Reference"].str.starts_with("SYN-E").all()
    assert census["source"].str.starts_with("Synthetic").all()
    assert cld["Event_Description"].str.starts_with("SYNTHETIC").all()
    numbers = cld["NHS_Number"].unique()
    assert numbers.str.starts_with("999").all() and numbers.str.len_chars().eq(10).all()
    # every one fails the check digit (the importer's rule, and the one-at-a-time rule)
    assert not numbers.to_frame().select(nhs_number_expr("NHS_Number").any()).item()
    assert not any(is_nhs_number(n) for n in numbers.head(500))
    assert cld["Postcode"].str.starts_with("XX").all()
    assert cld["GP_Practice_Code"].str.starts_with("SYNGP").all()


def test_sizes_and_proportions_are_near_the_targets(council):
    census, cld = council.census, council.cld
    supported = census.filter(pl.col("support_start").is_not_null())
    assert supported.height == SMALL
    # and the people waiting with no support yet: 3.5% of them for a first assessment, 1.2%
    # for a service, and 484 of the 692 OT waits (the other 208 have support already)
    assert census.height - SMALL - 484 == pytest.approx(0.047 * SMALL, abs=2)
    assert 30 * SMALL < cld.height < 50 * SMALL  # about 1M rows for 25,000 people
    older = (supported["age_band"] == "65+").mean()
    assert 0.58 < older < 0.72
    assert set(census["team"]) <= set(TEAMS) and len(TEAMS) == 15
    assert {"North locality", "South locality", "Central reviewing team"} <= set(census["team"])
    assert set(supported["setting"]) == {"Community", "Residential care", "Nursing care"}
    assert set(cld["Event_Type"]) == {"Request", "Assessment", "Service", "Review"}
    # services may have started years before; each one is still open in the three years
    services = cld.filter(pl.col("Event_Type") == "Service")
    assert (services["Event_End_Date"].fill_null(EXTRACT_DATE) >= date(2020, 12, 1)).all()
    in_window = cld.filter(pl.col("Event_Type") != "Service")
    assert in_window["Event_Start_Date"].min() >= date(2020, 11, 1)  # a review starts early
    assert cld["Event_Start_Date"].max() <= EXTRACT_DATE


def test_the_census_agrees_with_the_cld_events(council):
    events = events_as_stored(council.cld)
    census = council.census
    last = (
        events.filter(pl.col("event_type") == "Review")
        .group_by("person_id")
        .agg(pl.col("event_end_date").max().alias("cld_last"))
    )
    reviewed = census.filter(pl.col("last_review") >= date(2020, 12, 1)).join(
        last, on="person_id", how="left"
    )
    assert reviewed.height > 0
    assert (reviewed["cld_last"] == reviewed["last_review"]).all()
    # everyone with support has a long-term service open at the extract date, and no one else
    assert review_coverage(events, EXTRACT_DATE).clients == SMALL
    waits = dhsc_waits(events)
    assert set(waits["age_band"]) == {"25-64", "65+"} and waits["waits"].sum() > 0


def test_the_written_census_imports_as_cases_with_no_problem(store, tmp_path):
    main(["--out", str(tmp_path), "--people", "1000", "--seed", "3"])
    path = tmp_path / "cases.csv"
    assert path.is_file() and (tmp_path / "cld.csv").is_file()
    census = read_census(path)
    assert waiting_lists(census)["overdue_review"].item() == 460
    assert ot_waits(census)["ot_waiting"].item() == 692
    assert pl.read_csv(path, n_rows=0).columns == list(DATASETS["cases"].columns)
    report = import_file(store, "cases", path, actor=DIRECTOR, as_at=EXTRACT_DATE)
    assert (report.rows, report.inserted, report.updated) == (census.height, census.height, 0)


def test_the_full_council_has_about_a_million_events():
    full = generate()
    assert full.census.filter(pl.col("support_start").is_not_null()).height == 25_000
    assert 900_000 < full.cld.height < 1_100_000
    assert waiting_lists(full.census)["overdue_review"].item() == 460
    assert ot_waits(full.census)["ot_waiting"].item() == 692


def test_age_at_an_event_turns_on_the_birthday():
    # December birthdays: a month times 100 must not overflow polars' small month type
    cld = (
        pl.DataFrame(
            {
                "LA_Person_Unique_Identifier": ["SYN-1", "SYN-1", "SYN-2"],
                "Date_of_Birth": [date(1950, 12, 31), date(1950, 12, 31), date(1960, 3, 1)],
                "Event_Start_Date": [date(2023, 12, 30), date(2023, 12, 31), date(2024, 2, 29)],
            }
        )
        .with_columns(
            pl.lit(None, dtype=pl.String).alias(name)
            for name in (
                "Client_Type",
                "Event_Type",
                "Event_Reference",
                "Event_Outcome",
                "Service_Type",
                "Review_Reason",
                "Team",
            )
        )
        .with_columns(pl.lit(None, dtype=pl.Date).alias("Event_End_Date"))
    )
    assert events_as_stored(cld)["age_at_event"].to_list() == [72, 73, 63]
