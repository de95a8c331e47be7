"""The savings programme page under AppTest on the demo council."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from data_access.sample_data import sample_rows
from tests.conftest import with_demo_council
from tests.pages_support import page_text, run_page, tables
from tests.savings_support import write_rows

PAGE = "pages/savings.py"
LEICESTER = "Cost Mitigation Programme (Leicester)"


def _lines(at):
    return tables(at)[1]


def _codes(lines) -> list[str]:
    """Each line's reference, which the key columns write before its title."""
    return [saving.split(":")[0] for saving in lines["Saving"]]


def _totals(at, heading):
    return next(
        t for t in tables(at) if t.columns[0] == heading and "Forecasts reported" in t.columns
    )


def _chart(at, title_start):
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return next(s for s in specs if s["layout"]["title"]["text"].startswith(title_start))


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    """The demo council, shared by the read-only tests below (which only read it)."""
    from data_access.settings import get_settings
    from data_access.store import Store

    store = Store("sqlite:///" + str(tmp_path_factory.mktemp("savings") / "store.sqlite3"))
    store.upgrade()
    with_demo_council(store)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ASCGOV_DATABASE_URL", store.url)
        get_settings.cache_clear()
        yield store
        get_settings.cache_clear()
    store.dispose()


@pytest.fixture(scope="module")
def demo_page(demo_store):
    """One run of the page as a member."""
    return run_page(PAGE)


def test_mtfs_gap_shows_published_figures_and_the_shortfall_that_does_not_add_up(demo_page):
    text = page_text(demo_page)
    for figure in ("Required £67.00m", "Forecast £54.43m", "Reported shortfall £12.62m"):
        assert figure in text
    assert len(demo_page.warning) == 1
    assert "reported £12,620,000, parts give £12,570,000 (difference £50,000)" in text
    spec = _chart(demo_page, "MTFS savings required against forecast")
    assert spec["data"][0]["y"] == [67.0, -12.57, 54.43]
    assert spec["data"][0]["text"] == ["£67.00m", "-£12.57m", "£54.43m"]
    assert "the forecast of £54.43m is £12.57m short of the £67.00m required" in text


def test_every_line_is_listed_with_its_rating_in_words_and_why(demo_page):
    lines = _lines(demo_page)
    assert len(lines) == 11
    rows = {r["Saving"].split(":")[0]: r for r in lines.to_dict("records")}
    assert (rows["LCC-W1"]["BRAG"], rows["LCC-W1"]["Why"]) == (
        "◆ Blue: delivered",
        "Set by an officer: Delivered in full and confirmed by finance",
    )
    assert (rows["LCC-W4"]["BRAG"], rows["LCC-W4"]["Why"]) == (
        "■ Red: at risk",
        "forecast £540,000 is 60.0% of £900,000 target",
    )
    assert rows["LCC-W3"]["BRAG"] == "▲ Amber: needs action"
    assert rows["LCC-W2"]["BRAG"] == "● Green: on track"
    assert rows["NCITY-REV"]["Forecast"] == "not published"
    assert "Showing 11 of 11 entries" in page_text(demo_page)


def test_rating_key_and_rule_are_on_the_page(demo_page):
    text = page_text(demo_page)
    assert "▲ Amber: needs action" in text and "■ Red: at risk" in text
    assert "Green when the forecast is at least 95% of target" in text


def test_totals_by_year_show_the_published_totals(demo_page):
    by_year = _totals(demo_page, "Year")
    assert list(by_year["Year"]) == ["2018/19", "2019/20", "2020/21", "2023/24", "2024/25", "Total"]
    # to the thousand pounds the papers give: £1,293,000 is £1.293m, never £1.29m
    assert list(by_year["Target"]) == [
        "£1.630m",
        "£879,000",
        "£299,000",
        "£1.293m",
        "£6.300m",
        "£10.401m",
    ]
    assert list(_totals(demo_page, "Cohort")["Target"]) == [
        "£7.593m",
        "£459,000",
        "£2.349m",
        "£10.401m",
    ]
    assert "6 published figures checked against the figures that make them up: all agree." in (
        page_text(demo_page)
    )


def test_brag_split_by_value(demo_page):
    spec = _chart(demo_page, "Value of savings targeted, by BRAG rating")
    assert spec["data"][0]["text"] == ["£900,000", "£1.20m", "£1.80m", "£2.40m", "£4.101m"]
    assert "Of £10.401m targeted: £900,000 Red (at risk)" in page_text(demo_page)
    split = next(t for t in tables(demo_page) if "Share of target value" in t.columns)
    # shares to a tenth, to the nearest: they add up to 100.0%
    assert list(split["Share of target value"]) == ["8.7%", "11.5%", "17.3%", "23.1%", "39.4%"]


def test_cohort_filter_changes_what_is_shown(app_env):
    at = run_page(PAGE)
    at.selectbox(key="cohort").select("older").run()
    assert set(_codes(_lines(at))) == {"NCC-OA"}
    assert "Showing 3 of 11 entries" in page_text(at)
    assert "None of these lines reports a forecast yet" in page_text(at)


def test_query_parameters_restore_a_view(app_env):
    at = run_page(PAGE, query={"year": "2024/25", "workstream": LEICESTER})
    assert _codes(_lines(at)) == ["LCC-W4", "LCC-W3", "LCC-W2", "LCC-W1"]  # Red first
    assert at.selectbox(key="workstream").value == LEICESTER
    spec = _chart(at, "Savings targeted, forecast and delivered")
    assert spec["data"][0]["text"] == ["£6.30m", "-£610,000", "£5.69m", "-£1.82m", "£3.87m"]
    assert "No published totals cover these figures" in page_text(at)


def test_filters_that_match_nothing_say_so(app_env):
    at = run_page(PAGE, query={"cohort": "older", "year": "2024/25"})
    assert "No savings lines match these filters." in page_text(at)


def test_empty_store_shows_a_message(empty_app_env):
    at = run_page(PAGE)
    assert "No savings figures have been loaded yet." in page_text(at)
    assert not at.get("plotly_chart")


def test_lines_without_mtfs_figures_still_show(empty_app_env):
    write_rows(empty_app_env, "savings", sample_rows()["savings"])
    at = run_page(PAGE)
    assert "No MTFS savings requirement has been loaded." in page_text(at)
    assert len(_lines_without_mtfs(at)) == 11


def _lines_without_mtfs(at):
    return tables(at)[0]


def test_mtfs_without_lines_still_shows_the_gap(empty_app_env):
    write_rows(empty_app_env, "mtfs", sample_rows()["mtfs"])
    at = run_page(PAGE)
    text = page_text(at)
    assert "Required £67.00m" in text and "No savings lines have been loaded yet." in text


# the tracker as members ask for it: worst rating first, filtered by rating, shares of target

# the demo's lines in the order a committee reads them, with the key columns on screen
W4 = "LCC-W4: Partnership working"
W3 = "LCC-W3: Improve efficiency within Adult Social Care"
W2 = "LCC-W2: Reduce new entrants and manage demand"
W1 = "LCC-W1: Reduce the cost of care, improve efficiency and examine improvement opportunities"
OA = "NCC-OA: Older adults: reducing variation in homecare, day services and short term care"
YA = "NCC-YA: Younger adults: consistent best practice in care and support planning"
REV = "NCITY-REV: Reviews programme: in-year savings from reviewing care plans"
DEMO_LINES = [
    # BRAG, saving, year, target, forecast, % forecast, delivered, % delivered
    ("■ Red: at risk", W4, "2024/25", "£900,000", "£540,000", "60.0%", "£120,000", "13.3%"),
    ("▲ Amber: needs action", W3, "2024/25", "£1.200m", "£1.00m", "83.3%", "£450,000", "37.5%"),
    ("● Green: on track", W2, "2024/25", "£1.800m", "£1.75m", "97.2%", "£900,000", "50.0%"),
    ("◆ Blue: delivered", W1, "2024/25", "£2.400m", "£2.40m", "100.0%", "£2.40m", "100.0%"),
]
NOT_RATED = "○ Not rated: no forecast reported"
NOTHING = ("not published",) * 4
DEMO_UNRATED = [
    (NOT_RATED, OA, "2018/19", "£130,000", *NOTHING),
    (NOT_RATED, YA, "2018/19", "£1.500m", *NOTHING),
    (NOT_RATED, OA, "2019/20", "£130,000", *NOTHING),
    (NOT_RATED, YA, "2019/20", "£749,000", *NOTHING),
    (NOT_RATED, OA, "2020/21", "£199,000", *NOTHING),
    (NOT_RATED, YA, "2020/21", "£100,000", *NOTHING),
    # Nottingham City's £1.293m, to the thousand pounds it was published at (it read £1.29m)
    (NOT_RATED, REV, "2023/24", "£1.293m", *NOTHING),
]
KEY = ["BRAG", "Saving", "Year", "Target", "Forecast", "% forecast", "Delivered", "% delivered"]


def _rows(frame, columns=KEY):
    return [tuple(row) for row in frame[columns].itertuples(index=False)]


@pytest.mark.parametrize("role", ["member", "officer", "director", "admin"])
def test_lines_run_red_first_with_their_shares_of_target_in_every_role(demo_store, role):
    at = run_page(PAGE, role=role)
    lines = _lines(at)
    assert list(lines.columns) == [
        "BRAG",
        "Saving",
        "Year",
        "Target",
        "Forecast",
        "% forecast",
        "Delivered",
        "% delivered",
        "Why",
    ]
    assert _rows(lines) == DEMO_LINES + DEMO_UNRATED
    text = page_text(at)
    assert "% forecast and % delivered are shares of the target, to one decimal place" in text
    assert "Workstream, cohort, owner, source, as-at date and who set each rating are in" in text


@pytest.mark.parametrize("role", ["member", "director"])
def test_totals_show_the_shares_by_workstream_and_in_total(demo_store, role):
    at = run_page(PAGE, role=role)
    columns = ["Workstream", "Target", "Forecast", "% forecast", "Delivered", "% delivered"]
    # Leicester: £5.69m of £6.30m forecast (90.31%), £3.87m delivered (61.42%); the others
    # report neither, so the total's shares are Leicester's
    assert _rows(_totals(at, "Workstream"), columns) == [
        ("Care and support planning best practice (Nottinghamshire 2017)", "£2.808m", *NOTHING),
        ("Cost Mitigation Programme (Leicester)", "£6.300m", "£5.69m", "90.3%", "£3.87m", "61.4%"),
        ("Reviews programme (Nottingham City)", "£1.293m", *NOTHING),
        ("Total", "£10.401m", "£5.69m", "90.3%", "£3.87m", "61.4%"),
    ]


@pytest.mark.parametrize("role", ["member", "officer"])
def test_filter_by_rating(demo_store, role):
    at = run_page(PAGE, role=role)
    assert at.selectbox(key="rating").options == [
        "All",
        "Red",
        "Amber",
        "Green",
        "Blue",
        "Not rated",
    ]
    at.selectbox(key="rating").select("Red").run()
    assert _rows(_lines(at)) == DEMO_LINES[:1]
    assert "Showing 1 of 11 entries" in page_text(at)
    assert "Of £900,000 targeted: £900,000 Red (at risk)." in page_text(at)


def test_rating_filter_from_the_url(demo_store):
    at = run_page(PAGE, query={"rating": "Not rated", "year": "2023/24"})
    assert _rows(_lines(at)) == DEMO_UNRATED[-1:]
    assert at.selectbox(key="rating").value == "Not rated"


def test_mtfs_gap_says_how_the_lines_stand_against_it(demo_page):
    assert (
        "The 5 savings lines for 2023/24 to 2027/28 target £7.593m against the MTFS requirement "
        "of £67.00m for those years; £59.407m of it is not yet covered by a line."
    ) in page_text(demo_page)


def test_the_rule_says_how_status_and_rating_go_together(demo_page):
    assert (
        "A savings line's status and its BRAG rating go together: while a line is tracked, its "
        "rating says how what it has delivered and is forecast to deliver compares with its "
        "target; a line withdrawn, deferred or replaced is not rated"
    ) in page_text(demo_page)


def test_the_lines_download_holds_every_column(demo_store, monkeypatch):
    from dashboard.ui import components

    offered = {}
    monkeypatch.setattr(
        components,
        "download_buttons",
        lambda table, *, key, source=None: offered.update({key: table}),
    )
    run_page(PAGE)
    held = offered["lines"].values()
    assert held.columns == [
        "BRAG",
        "Line",
        "Saving",
        "Year",
        "Target",
        "Forecast",
        "Forecast as % of target",
        "Delivered",
        "Delivered as % of target",
        "Why",
        "Rated by",
        "Workstream",
        "Cohort",
        "Owner",
        "Source",
        "As at",
    ]
    row = held.filter(held["Line"] == "LCC-W2").row(0, named=True)
    assert (row["Forecast as % of target"], row["Delivered as % of target"]) == (
        Decimal("97.2"),
        Decimal("50.0"),
    )
    assert row["Target"] == Decimal("1800000.00")
