"""The one BRAG rule: just below, at and just above each threshold, overrides, and no gaps; the
rating scales every part of the app reads, and the thresholds in force."""

from __future__ import annotations

import pytest

from dashboard.domain.ratings import BRAG_STYLES, NOT_RATED, RAG_STYLES, Thresholds, brag
from data_access.rating_scales import BRAG, RAG
from data_access.settings import Settings

TARGET = 100_000  # £1,000 in pence, so 1 pence is 0.001% of target


@pytest.mark.parametrize(
    ("forecast", "thresholds", "rating"),
    [
        (94_999, Thresholds(), "Amber"),  # just below green_at 95%
        (95_000, Thresholds(), "Green"),  # at green_at
        (95_001, Thresholds(), "Green"),
        (79_999, Thresholds(), "Red"),  # just below amber_at 80%
        (80_000, Thresholds(), "Amber"),  # at amber_at
        (80_001, Thresholds(), "Amber"),
        (0, Thresholds(), "Red"),
        (150_000, Thresholds(), "Green"),  # forecast above target is still on track
        (89_999, Thresholds(green_at=90, amber_at=70), "Amber"),
        (90_000, Thresholds(green_at=90, amber_at=70), "Green"),
        (69_999, Thresholds(green_at=90, amber_at=70), "Red"),
        (70_000, Thresholds(green_at=90, amber_at=70), "Amber"),
        (99_999, Thresholds(green_at=100, amber_at=100), "Red"),
        (100_000, Thresholds(green_at=100, amber_at=100), "Green"),
    ],
)
def test_brag_rating_at_each_threshold(forecast, thresholds, rating):
    rated = brag(TARGET, forecast, None, thresholds=thresholds)
    assert (rated.rating, rated.basis) == (rating, "rule")


@pytest.mark.parametrize(
    ("delivered", "rating"),
    [(99_999, "Red"), (100_000, "Blue"), (100_001, "Blue"), (None, "Red")],
)
def test_blue_only_when_delivered_in_full(delivered, rating):
    assert brag(TARGET, 50_000, delivered).rating == rating


def test_reason_states_forecast_as_a_share_of_target():
    assert brag(TARGET, 95_000, None).reason == "forecast £950 is 95.0% of £1,000 target"
    assert brag(TARGET, 50_000, 100_000).reason == "delivered £1,000 of £1,000 target"


@pytest.mark.parametrize(
    ("forecast", "rating", "share"),
    [(94_999, "Amber", "94.9%"), (94_960, "Amber", "94.9%"), (79_999, "Red", "79.9%")],
)
def test_a_share_just_under_a_threshold_never_reads_as_reaching_it(forecast, rating, share):
    """Rounded to the nearest, 94.96% would read 95.0% beside an Amber rating."""
    rated = brag(TARGET, forecast, None)
    assert (rated.rating, rated.reason.split(" is ")[1].split()[0]) == (rating, share)


def test_no_forecast_is_not_rated_and_says_why():
    rated = brag(TARGET, None, None)
    assert (rated.rating, rated.reason) == (NOT_RATED, "no forecast reported")


def test_nothing_targeted_is_green():
    assert brag(0, 0, None).rating == "Green"


def test_officer_override_wins_and_keeps_its_reason():
    rated = brag(TARGET, 10_000, None, override="Green", override_reason="Finance confirm")
    assert (rated.rating, rated.basis, rated.reason) == (
        "Green",
        "officer override",
        "Finance confirm",
    )


def test_every_forecast_gets_a_colour():
    ratings = {brag(TARGET, forecast, None).rating for forecast in range(0, 200_001, 97)}
    assert ratings == {"Red", "Amber", "Green"}


@pytest.mark.parametrize(("green_at", "amber_at"), [(80, 95), (101, 80), (95, -1)])
def test_thresholds_out_of_order_are_refused(green_at, amber_at):
    with pytest.raises(ValueError, match="thresholds"):
        Thresholds(green_at=green_at, amber_at=amber_at)


def test_each_rating_reads_without_colour():
    assert [s.label for s in BRAG_STYLES.values()] == [
        "◆ Blue: delivered",
        "● Green: on track",
        "▲ Amber: needs action",
        "■ Red: at risk",
        "○ Not rated: no forecast reported",
    ]


def test_each_rag_rating_reads_without_colour():
    assert [s.label for s in RAG_STYLES.values()] == [
        "● Green: on track",
        "▲ Amber: some concerns",
        "■ Red: off track",
        "○ Not rated: not rated yet",
    ]


def test_ratings_are_counted_worst_first():
    assert BRAG.order == ("Red", "Amber", "Green", "Blue", NOT_RATED)
    assert RAG.order == ("Red", "Amber", "Green", NOT_RATED)


@pytest.mark.parametrize(
    ("scale", "typed", "stored"),
    [
        (BRAG, "green", "Green"),
        (BRAG, "GREEN", "Green"),
        (BRAG, " Blue ", "Blue"),
        (BRAG, None, None),
        (RAG, "red", "Red"),
        (RAG, "Amber", "Amber"),
    ],
)
def test_a_typed_rating_is_stored_in_one_spelling(scale, typed, stored):
    assert scale.parse(typed) == stored


@pytest.mark.parametrize(
    ("scale", "typed", "message"),
    [
        (BRAG, "Purple", "unknown BRAG rating; allowed: Red, Amber, Green, Blue (in any case)"),
        (BRAG, "", "unknown BRAG rating; allowed: Red, Amber, Green, Blue (in any case)"),
        (BRAG, NOT_RATED, "unknown BRAG rating; allowed: Red, Amber, Green, Blue (in any case)"),
        (RAG, "Blue", "unknown RAG rating; allowed: Red, Amber, Green (in any case)"),
        (RAG, 3, "unknown RAG rating; allowed: Red, Amber, Green (in any case)"),
    ],
)
def test_an_unknown_rating_is_refused_in_one_message(scale, typed, message):
    with pytest.raises(ValueError) as caught:
        scale.parse(typed)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("before", "after", "worse"),
    [
        ("Green", "Amber", True),
        ("Amber", "Red", True),
        ("Green", "Red", True),
        ("Red", "Green", False),
        ("Amber", "Amber", False),
        (None, "Red", False),  # a first rating is not a worsening
        ("Red", None, False),
    ],
)
def test_a_rag_that_gets_worse_is_known(before, after, worse):
    assert RAG.worsened(before, after) is worse


def test_an_unknown_rating_shows_as_not_rated():
    assert BRAG.style("Purple") == BRAG.style(None) == BRAG_STYLES[NOT_RATED]


def test_the_thresholds_in_force_come_from_the_settings():
    settings = Settings(brag_green_at_percent=90, brag_amber_at_percent=70)
    assert Thresholds.from_settings(settings) == Thresholds(green_at=90, amber_at=70)
