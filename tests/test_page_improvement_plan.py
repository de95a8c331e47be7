"""The improvement plan tracker under AppTest on the demo council."""

from __future__ import annotations

import json

from tests.conftest import DIRECTOR
from tests.pages_support import page_text, run_page, tables

PAGE = "pages/improvement_plan.py"


def test_tracker_lists_all_19_areas_with_ratings_in_words(app_env):
    at = run_page(PAGE)
    table = tables(at)[0]
    assert len(table) == 19
    assert "Showing 19 of 19 accountability areas." in page_text(at)
    assert set(table["RAG"]) == {"● Green: on track", "▲ Amber: some concerns", "■ Red: off track"}
    assert {"Commissioning", "Safeguarding Adults"} <= set(table["Accountability area"])


def test_status_filter_changes_what_is_shown(app_env):
    at = run_page(PAGE)
    at.selectbox(key="status").select("Focus of additional input").run()
    assert len(tables(at)[0]) == 2
    assert "Showing 2 of 19 accountability areas." in page_text(at)


def test_query_parameters_restore_a_view(app_env):
    at = run_page(PAGE, query={"status": "Part of MTFS project plans", "rag": "Amber"})
    table = tables(at)[0]
    assert len(table) == 4 and set(table["Status"]) == {"Part of MTFS project plans"}


def test_area_detail_shows_milestones_timeline_and_commentary(app_env):
    at = run_page(PAGE, query={"area": "IP09"})
    text = page_text(at)
    assert "Reviews of care and support plans" in text
    assert "3 milestones: 1 complete" in text
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["title"]["text"] == "Milestones of IP09 by due date"
    milestones = tables(at)[1]
    assert list(milestones["Milestone"]) == [
        "Reviewing team recruited and trained",
        "Backlog of overdue reviews halved",
        "Every care plan reviewed within 12 months",
    ]


def test_area_without_milestones_says_so(app_env):
    at = run_page(PAGE, query={"area": "IP02"})
    assert "This area has no milestones recorded." in page_text(at)


def test_empty_store_shows_a_message(empty_app_env):
    at = run_page(PAGE)
    assert "No accountability areas have been loaded yet." in page_text(at)


def test_a_write_shows_on_the_next_rerun(app_env, tmp_path):
    """Reads are cached by dataset version: an officer's import is seen without a restart."""
    from data_access.importer import import_file

    at = run_page(PAGE)
    assert len(tables(at)[0]) == 19
    new = tmp_path / "areas.csv"
    new.write_text(
        "code,title,status,rag\nIP20,Hospital discharge,In progress,Red\n", encoding="utf-8"
    )
    import_file(app_env, "areas", new, actor=DIRECTOR)
    at.run()
    table = tables(at)[0]
    assert len(table) == 20 and "Hospital discharge" in set(table["Accountability area"])


def test_a_rerun_reuses_the_views_and_rebuilds_no_table(app_env, monkeypatch):
    """The tracker, the filtered areas, the overview and their tables are built once per
    version of what they read: a rerun (any widget change) reuses the same objects."""
    from dashboard.domain import plan as plan_rules
    from dashboard.views import overview, plan

    built = []

    def counting(module, name):
        original = getattr(module, name)

        def counted(*args, **kwargs):
            built.append(name)
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)

    counting(plan, "tracker")
    counting(plan, "areas_part")
    counting(overview, "build")
    counting(plan_rules, "tracker_table")
    for page in (PAGE, "pages/overview.py"):
        at = run_page(page)
        first = list(built)
        at.run()
        assert not at.exception
        assert built == first, page


def test_the_tracker_says_how_status_and_rag_relate(app_env):
    at = run_page(PAGE)
    assert [c.value for c in at.caption if c.value.startswith("An area")] == [
        "An area's status says where its work has got to; its RAG rating is the council's own "
        "judgement of how well it is going. They are set separately, so an area in progress can "
        "be rated Green, Amber or Red."
    ]
