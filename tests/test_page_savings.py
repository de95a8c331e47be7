"""The savings programme page under AppTest on the demo council."""

from __future__ import annotations

import json

import pytest

from data_access.sample_data import sample_rows
from tests.conftest import with_demo_council
from tests.pages_support import page_text, run_page, tables
from tests.savings_support import write_rows

PAGE = "pages/savings.py"
LEICESTER = "Cost Mitigation Programme (Leicester)"


def _lines(at):
    return tables(at)[1]


def _totals(at, heading):
    return next(
        t for t in tables(at) if t.columns[0] == heading and "Forecasts reported" in t.columns
    )


def _chart(at, title_start):
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return next(s for s in specs if s["layout"]["title"]["text"].startswith(title_start))


@pytest.fixture(scope="module")
def demo_page(tmp_path_factory):
    """One run of the page on the demo council, shared by the read-only tests below."""
    from data_access.settings import get_settings
    from data_access.store import Store

    store = Store("sqlite:///" + str(tmp_path_factory.mktemp("savings") / "store.sqlite3"))
    store.upgrade()
    with_demo_council(store)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ASCGOV_DATABASE_URL", store.url)
        get_settings.cache_clear()
        yield run_page(PAGE)
        get_settings.cache_clear()
    store.dispose()


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
    rows = {r["Line"]: r for r in lines.to_dict("records")}
    assert (rows["LCC-W1"]["BRAG"], rows["LCC-W1"]["Rated by"], rows["LCC-W1"]["Why"]) == (
        "◆ Blue: delivered",
        "officer override",
        "Delivered in full and confirmed by finance",
    )
    assert (rows["LCC-W4"]["BRAG"], rows["LCC-W4"]["Why"]) == (
        "■ Red: at risk",
        "forecast £540,000 is 60% of £900,000 target",
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
    assert list(by_year["Target"]) == [
        "£1.63m",
        "£879,000",
        "£299,000",
        "£1.29m",
        "£6.30m",
        "£10.40m",
    ]
    assert list(_totals(demo_page, "Cohort")["Target"]) == [
        "£7.59m",
        "£459,000",
        "£2.35m",
        "£10.40m",
    ]
    assert "6 published figures checked against the figures that make them up: all agree." in (
        page_text(demo_page)
    )


def test_brag_split_by_value(demo_page):
    spec = _chart(demo_page, "Value of savings targeted, by BRAG rating")
    assert spec["data"][0]["text"] == ["£900,000", "£1.20m", "£1.80m", "£2.40m", "£4.10m"]
    assert "Of £10.40m targeted: £900,000 Red (at risk)" in page_text(demo_page)


def test_cohort_filter_changes_what_is_shown(app_env):
    at = run_page(PAGE)
    at.selectbox(key="cohort").select("older").run()
    assert set(_lines(at)["Line"]) == {"NCC-OA"}
    assert "Showing 3 of 11 entries" in page_text(at)
    assert "None of these lines reports a forecast yet" in page_text(at)


def test_query_parameters_restore_a_view(app_env):
    at = run_page(PAGE, query={"year": "2024/25", "workstream": LEICESTER})
    assert list(_lines(at)["Line"]) == ["LCC-W1", "LCC-W2", "LCC-W3", "LCC-W4"]
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
