"""Edits as members then see them: "as at" a past day, "since the last meeting", item history,
and hostile text shown as inert text."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from data_access import commands
from data_access.access import principal_for
from data_access.loaders import load_table
from tests.pages_support import page_text, run_page, tables

# saved by an officer today, long after the demo's last meeting (12 Mar 2024)
HOSTILE = (
    "Worse: <script>alert('x')</script> <img src=x onerror=alert(1)> "
    '[click me](javascript:alert(1)) <a href="javascript:alert(2)">go</a>'
)


# a "<" or a "](" that markdown would act on: not preceded by the escaping backslash
UNESCAPED = re.compile(r"(?<!\\)<|(?<!\\)\]\(")


def _area(store, code):
    return load_table(store, "areas").filter(code=code).row(0, named=True)


@pytest.fixture
def edited(app_env):
    """IP09 moved Amber -> Red with hostile commentary, and IP09-M2 slipped, by the officer."""
    officer = principal_for(app_env, "officer@demo.example")
    area = _area(app_env, "IP09")
    assert area["rag"] == "Amber"
    commands.edit_area(
        app_env,
        officer,
        "IP09",
        version=area["version"],
        status=area["status"],
        rag="Red",
        commentary=HOSTILE,
    )
    milestone = load_table(app_env, "milestones").filter(code="IP09-M2").row(0, named=True)
    commands.edit_milestone(
        app_env,
        officer,
        "IP09-M2",
        version=milestone["version"],
        status="Slipped",
        due_date=milestone["due_date"],
        completed_date=None,
        evidence=None,
    )
    return app_env


def _tracker_rag(at, code):
    tracker = next(t for t in tables(at) if "RAG" in t.columns and "Area" in t.columns)
    return tracker[tracker["Area"] == code]["RAG"].iloc[0]


def test_as_at_a_day_before_the_change_shows_the_old_value(edited):
    before = run_page("pages/improvement_plan.py", query={"as_at": "2024-06-01"})
    assert _tracker_rag(before, "IP09").startswith("▲ Amber")
    live = run_page("pages/improvement_plan.py")
    assert _tracker_rag(live, "IP09").startswith("■ Red")


def test_as_at_before_the_demo_was_published_shows_no_figures(edited):
    at = run_page("pages/improvement_plan.py", query={"as_at": "2024-01-01"})
    assert "No accountability areas have been loaded yet." in page_text(at)


def test_overview_lists_what_changed_since_the_last_meeting(edited):
    at = run_page("pages/overview.py")
    text = page_text(at)
    assert "2 changes since the meeting on 12 Mar 2024: 1 new red item, 1 milestone slipped." in (
        text
    )
    changes = next(t for t in tables(at) if "What changed" in t.columns)
    rows = {r["Kind"]: r for r in changes.to_dict("records")}
    assert rows["New red item"]["Item"].startswith("Area IP09:")
    assert rows["New red item"]["What changed"] == "RAG Amber → Red; commentary updated"
    assert rows["Milestone slipped"]["Item"].startswith("Milestone IP09-M2")
    assert rows["Milestone slipped"]["By"] == "officer@demo.example"


def test_overview_as_at_the_meeting_shows_nothing_changed_yet(edited):
    at = run_page("pages/overview.py", query={"as_at": "2024-03-12"})
    assert "Nothing has changed since the meeting on 12 Mar 2024." in page_text(at)


def test_no_changes_since_the_meeting_on_the_demo_as_loaded(app_env):
    assert "Nothing has changed since the meeting on 12 Mar 2024." in page_text(
        run_page("pages/overview.py")
    )


def test_area_history_names_who_changed_what(edited):
    at = run_page("pages/improvement_plan.py", query={"area": "IP09"})
    history = next(t for t in tables(at) if "What changed" in t.columns and "Who" in t.columns)
    latest = history.iloc[0]
    assert latest["Who"] == "officer@demo.example"
    assert "rag: Amber → Red" in latest["What changed"]
    assert history.iloc[-1]["What changed"] == "created"


def _markdown_sources(at) -> list[str]:
    return [str(m.value) for m in (*at.markdown, *at.caption, *at.info, *at.error)]


def test_hostile_commentary_is_inert_text_in_the_app(edited):
    at = run_page("pages/improvement_plan.py", query={"area": "IP09"})
    # no element that renders HTML at all
    assert not at.get("html")
    shown = [s for s in _markdown_sources(at) if "alert" in s]
    assert shown, "the commentary should be on the page"
    for source in shown:
        # markdown sees escaped characters, so no tag, link or image syntax survives
        assert not UNESCAPED.search(source), source
    # and a member reads it word for word
    assert HOSTILE in page_text(at)


def test_hostile_imported_title_is_inert_on_every_page(edited, tmp_path):
    from data_access.importer import import_file
    from tests.conftest import DIRECTOR

    path = tmp_path / "areas.csv"
    path.write_text(
        'code,title,status,rag\nZ9,"<script>alert(1)</script>[x](javascript:alert(1))",'
        "In progress,Red\n",
        encoding="utf-8",
    )
    import_file(edited, "areas", path, actor=DIRECTOR, as_at=date.today() - timedelta(days=1))
    for page in ("pages/overview.py", "pages/improvement_plan.py", "pages/data_quality.py"):
        at = run_page(page, query={"area": "Z9"} if "plan" in page else None)
        assert not at.get("html")
        for source in _markdown_sources(at):
            if "alert" in source:
                assert not UNESCAPED.search(source), (page, source)


def test_new_rows_are_counted_and_only_changed_rows_listed(demo_store, tmp_path):
    """On both databases: a month of new backlog figures is one counted line, a restated
    figure is listed with its old and new value."""
    from datetime import UTC, datetime

    from dashboard.domain.changes import COUNTED_NEW, WATCHED, changes_since
    from data_access.importer import import_file
    from data_access.loaders import audit_since, new_rows_since
    from data_access.measures import MEASURES
    from tests.conftest import DIRECTOR

    path = tmp_path / "backlog.csv"
    path.write_text(
        "measure,month,team,priority_band,value\n"
        "waiting_review,2024-04,All teams,All bands,455\n"
        "waiting_ot_assessment,2024-04,All teams,All bands,700\n",
        encoding="utf-8",
    )
    import_file(demo_store, "backlog", path, actor=DIRECTOR, as_at=date(2024, 4, 30))
    officer = principal_for(demo_store, "officer@demo.example")
    held = load_table(demo_store, "backlog").filter(
        measure="waiting_review", month=date(2024, 4, 1), team="All teams"
    )
    commands.edit_backlog_month(
        demo_store,
        officer,
        month=date(2024, 4, 1),
        team="All teams",
        priority_band="All bands",
        figures=[
            commands.BacklogFigure(commands.Measure.WAITING_REVIEW, 450, None, held["version"][0])
        ],
    )
    start = datetime(2024, 3, 13, tzinfo=UTC)
    counts = new_rows_since(demo_store, start, COUNTED_NEW)
    assert counts.select("dataset", "n", "actor").rows() == [
        ("backlog", 2, "director@demo.example")
    ]
    updates = audit_since(demo_store, start, WATCHED, updates_only=True)
    assert updates["entity_key"].to_list() == ["waiting_review|2024-04-01|All teams|All bands"]
    found = changes_since(updates, measures=MEASURES, new_rows=counts)
    assert [(c.kind, c.item, c.what) for c in found] == [
        (
            "Figure restated",
            "People waiting for a review, Apr 2024, All teams, All bands",
            "455 → 450",
        ),
        ("New figures", "Monthly backlog figures", "2 new"),
    ]


def test_complete_needs_a_completed_date_in_the_form_and_the_import_alike(app_env, tmp_path):
    from data_access.importer import import_file
    from data_access.problems import ImportRejected
    from tests.conftest import DIRECTOR

    officer = principal_for(app_env, "officer@demo.example")
    held = load_table(app_env, "milestones").filter(code="IP09-M2").row(0, named=True)
    with pytest.raises(commands.EditRejected) as refused:
        commands.edit_milestone(
            app_env,
            officer,
            "IP09-M2",
            version=held["version"],
            status="Complete",
            due_date=held["due_date"],
            completed_date=None,
            evidence=None,
        )
    assert refused.value.problems == {
        "completed_date": "a Complete milestone needs its completed date"
    }
    path = tmp_path / "milestones.csv"
    path.write_text(
        "code,area_code,title,status,completed_date\nIP09-M9,IP09,New,Complete,\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as rejected:
        import_file(app_env, "milestones", path, actor=DIRECTOR)
    assert 'row 2, column "completed_date"' in str(rejected.value)
    assert "a Complete milestone needs its completed date" in str(rejected.value)
