"""The younger and older adults page under AppTest on the demo council."""

from __future__ import annotations

import json

import pytest

from data_access.sample_data import NOTTS_WORKSTREAM, sample_rows
from tests.conftest import with_demo_council
from tests.pages_support import page_text, run_page, tables
from tests.savings_support import write_rows

PAGE = "pages/younger_older_adults.py"
OTHER = "Reviews of support at home (second workstream)"


def _table(at, first_column):
    return next(t for t in tables(at) if t.columns[0] == first_column)


@pytest.fixture(scope="module")
def demo_page(tmp_path_factory):
    """One run of the page on the demo council, shared by the read-only tests below."""
    from data_access.settings import get_settings
    from data_access.store import Store

    store = Store("sqlite:///" + str(tmp_path_factory.mktemp("adults") / "store.sqlite3"))
    store.upgrade()
    with_demo_council(store)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ASCGOV_DATABASE_URL", store.url)
        get_settings.cache_clear()
        yield run_page(PAGE)
        get_settings.cache_clear()
    store.dispose()


def test_savings_table_exactly_as_published(demo_page):
    table = _table(demo_page, "£000s")
    assert list(table.columns) == ["£000s", "2018/19", "2019/20", "2020/21", "3 year total"]
    assert [list(r) for r in table.itertuples(index=False)] == [
        ["Younger adults", "1,500", "749", "100", "2,349"],
        ["Older adults", "130", "130", "199", "459"],
        ["Total of savings", "1,630", "879", "299", "2,808"],
    ]
    assert "6 published figures checked against the figures that make them up: all agree." in (
        page_text(demo_page)
    )


def test_chart_of_savings_by_year_has_its_summary(demo_page):
    spec = json.loads(demo_page.get("plotly_chart")[0].proto.spec)
    assert [(t["name"], t["y"]) for t in spec["data"]] == [
        ("Younger adults", [1500.0, 749.0, 100.0]),
        ("Older adults", [130.0, 130.0, 199.0]),
    ]
    assert (
        "£2,808,000 of savings over 2018/19 to 2020/21: younger adults £2,349,000, older "
        "adults £459,000."
    ) in page_text(demo_page)


def test_components_add_up_for_younger_and_are_not_published_for_older(demo_page):
    parts = _table(demo_page, "Cohort")
    assert list(parts["£000s"]) == ["1,900", "325", "124"] + ["not published"] * 3
    text = page_text(demo_page)
    assert "Younger adults: 1,900 + 325 + 124 = 2,349 (£000s), the line's total." in text
    assert "how the 459 (£000s) splits across its 3 components is not published" in text
    assert "3 of 3 parts are not published" in text  # the check that cannot be made


def test_funded_posts_with_total_cost_and_the_itemised_difference(demo_page):
    posts = _table(demo_page, "Area of support")
    assert len(posts) == 8 and posts.iloc[-1]["Cost"] == "£578,026"
    assert list(posts["FTE"])[:7] == ["1", "1", "1", "0.5", "7", "1", "0.5"]
    assert "reported £229,419, parts give £229,418 (difference £1)" in page_text(demo_page)


def test_savings_net_of_implementation_cost(demo_page):
    text = page_text(demo_page)
    for figure in (
        "Savings £2,808,000",
        "Implementation cost £578,026",
        "Net of implementation cost £2,229,974",
    ):
        assert figure in text
    assert "less implementation costs of £578,026 leave £2,229,974 net" in text


def _second_workstream(store):
    """A second workstream with both cohorts, so the workstream filter has a choice."""
    write_rows(
        store,
        "savings",
        [
            {
                "code": f"T-{cohort}",
                "financial_year": "2024/25",
                "title": f"{cohort} reviews",
                "workstream": OTHER,
                "cohort": cohort,
                "target": target,
                "source": "test",
                "source_kind": "officer",
                "as_at": "2024-03-31",
                "basis": "illustrative",
            }
            for cohort, target in (("younger", 40_000), ("older", 60_500))
        ],
    )


def test_workstream_filter_changes_what_is_shown(app_env):
    _second_workstream(app_env)
    at = run_page(PAGE)
    assert at.selectbox(key="workstream").value == NOTTS_WORKSTREAM
    at.selectbox(key="workstream").select(OTHER).run()
    table = _table(at, "£000s")
    assert list(table.columns) == ["£000s", "2024/25", "1 year total"]
    # exact, never rounded: £60,500 is 60.5 (it read 61, and 40 + 61 read as 101)
    assert list(table["1 year total"]) == ["40.0", "60.5", "100.5"]
    assert "No funded posts are recorded for this workstream" in page_text(at)


def test_query_parameter_restores_a_workstream(app_env):
    _second_workstream(app_env)
    at = run_page(PAGE, query={"workstream": OTHER})
    assert list(_table(at, "£000s")["2024/25"]) == ["40.0", "60.5", "100.5"]
    assert "no components are recorded for this line" in page_text(at)


def test_empty_store_shows_a_message(empty_app_env):
    at = run_page(PAGE)
    assert "No workstream has savings lines for both younger and older adults yet." in (
        page_text(at)
    )


def test_savings_without_components_or_posts_say_so(empty_app_env):
    write_rows(empty_app_env, "savings", sample_rows()["savings"])
    at = run_page(PAGE)
    text = page_text(at)
    assert list(_table(at, "£000s")["3 year total"]) == ["2,349", "459", "2,808"]
    assert "No components are recorded for these savings lines." in text
    assert "No funded posts are recorded for this workstream" in text


def test_a_cached_rerun_builds_no_table_again(app_env, monkeypatch):
    """The view is cached per dataset versions and workstream: a rerun reuses its tables."""
    from dashboard.domain import adults, definitions
    from dashboard.views import data_quality

    built = []

    def counting(module, name):
        original = getattr(module, name)

        def count(*args, **kwargs):
            built.append(name)
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, count)

    for name in ("savings_table", "components_table", "posts_table"):
        counting(adults, name)
    counting(definitions, "definitions_table")
    counting(data_quality, "findings_table")
    for page in (PAGE, "pages/data_quality.py"):
        at = run_page(page)
        first = len(built)
        assert first > 0, page
        at.run()
        assert not at.exception and len(built) == first, page
