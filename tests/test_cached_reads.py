"""Cached reads use their keys: each script run reads the dataset versions once, and no cached
function reads the session's state or the URL (it is handed what it reads as arguments)."""

from __future__ import annotations

import ast
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from bench.sql_count import CountedSQL
from dashboard.navigation import PAGES
from tests.conftest import REPO
from tests.pages_support import least_privileged_role, page_text, run_page

APP = "dashboard/streamlit_app.py"
BANNER = "You are looking at the figures as they stood at the end of"


def _counted_rerun(at: AppTest) -> CountedSQL:
    with CountedSQL() as sql:
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return sql


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.title)
def test_a_cached_rerun_of_each_page_reads_the_versions_once(app_env, page):
    at = run_page(page.path, role=least_privileged_role(page))
    sql = _counted_rerun(at)
    assert page.headline in [title.value for title in at.title]
    assert sql.version_queries == 1, sql.statements


def test_a_cached_rerun_as_at_a_past_day_reads_the_versions_once(app_env):
    at = run_page("pages/overview.py", role="member", query={"as_at": "2024-03-31"})
    assert _counted_rerun(at).version_queries == 1


def test_the_app_and_its_page_share_one_read_of_the_versions(app_env):
    at = run_page(APP, role="member")
    sql = _counted_rerun(at)
    assert at.title[0].value == "Adult social care: overview"
    assert sql.version_queries == 1, sql.statements


def test_the_as_at_day_chosen_in_the_sidebar_holds_for_the_whole_run(app_env):
    at = run_page(APP, role="member")
    at.sidebar.text_input(key="as_at").set_value("31/03/2024").run()
    assert not at.exception, [e.value for e in at.exception]
    assert BANNER in page_text(at)
    assert _counted_rerun(at).version_queries == 1
    # cleared: live again on this run, though the URL held the day until the control was drawn
    at.sidebar.text_input(key="as_at").set_value("").run()
    assert BANNER not in page_text(at)


def test_a_write_shows_on_the_next_run_of_the_app(app_env, tmp_path):
    """Another process's import (here: a direct one) is seen on the next run, not the same
    cached figures."""
    from data_access.access import system_principal
    from data_access.importer import import_file

    at = run_page(APP, role="member")
    assert "19 accountability areas." in page_text(at)
    new = tmp_path / "areas.csv"
    new.write_text(
        "code,title,status,rag\nIP20,Hospital discharge,In progress,Red\n", encoding="utf-8"
    )
    import_file(app_env, "areas", new, actor=system_principal("tests"))
    sql = _counted_rerun(at)
    assert "20 accountability areas." in page_text(at)
    assert sql.version_queries == 1


def test_a_narrowed_snapshot_refuses_a_version_it_was_not_keyed_by():
    from dashboard.ui.snapshot import Snapshot

    reads = Snapshot("sqlite:///x", (("areas", 3), ("backlog", 7)), date(2024, 3, 31))
    backlog = reads.only("backlog")
    assert (backlog.version("backlog"), backlog.day) == (7, date(2024, 3, 31))
    assert reads.only("areas", dated=False) == Snapshot("sqlite:///x", (("areas", 3),), None)
    # a cached read that reaches a table outside its key fails, instead of going stale
    with pytest.raises(KeyError, match="areas is not among the datasets"):
        backlog.version("areas")


# what a cached function must not reach: the run's state, and the store through the settings
RUN_STATE = {
    "session_state",
    "query_params",
    "current",
    "get_store",
    "as_at",
    "chosen_day",
    "begin_run",
    "page_run",
    "app_run",
}


def _cached(function: ast.FunctionDef) -> bool:
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr in ("cache_data", "cache_resource"):
            return True
    return False


def _reached(function: ast.FunctionDef, functions: dict, seen: frozenset) -> set[str]:
    """The run-state names a function reads, itself or through the module's uncached
    functions it calls (a cached one is a key boundary: it is checked on its own)."""
    found = set()
    # a name the function imports is not the module's function of that name
    imported = {
        alias.asname or alias.name
        for node in ast.walk(function)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    for node in ast.walk(function):
        name = (
            node.attr
            if isinstance(node, ast.Attribute)
            else node.id
            if isinstance(node, ast.Name)
            else None
        )
        if name in RUN_STATE:
            found.add(name)
        callee = functions.get(name)
        if callee is not None and name not in seen | imported and not _cached(callee):
            found |= {f"{name}: {n}" for n in _reached(callee, functions, seen | {name})}
    return found


@pytest.mark.parametrize(
    "path", sorted((REPO / "dashboard" / "ui").glob("*.py")), ids=lambda path: path.name
)
def test_no_cached_function_reads_the_session_or_the_url(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    reads = {
        name: _reached(function, functions, frozenset({name}))
        for name, function in functions.items()
        if _cached(function)
    }
    assert {name: found for name, found in reads.items() if found} == {}
