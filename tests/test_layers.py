"""The layer contract in the README, guarded: store -> data_access -> dashboard -> pages."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import REPO

# the Streamlit app, the CLI, and the server with its edge guard (Streamlit's message types)
UI_MODULES = {
    "dashboard/app.py",
    "dashboard/cli/main.py",
    "dashboard/server.py",
    "dashboard/edge.py",
}


def _imports(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def _files(folder: str):
    return sorted((REPO / folder).rglob("*.py"))


@pytest.mark.parametrize("path", _files("data_access"), ids=lambda p: p.name)
def test_data_access_never_imports_dashboard_or_streamlit(path):
    assert not {"dashboard", "streamlit"} & _imports(path)


@pytest.mark.parametrize("path", _files("dashboard"), ids=lambda p: p.name)
def test_dashboard_logic_never_imports_streamlit(path):
    relative = path.relative_to(REPO).as_posix()
    if relative in UI_MODULES or relative.startswith("dashboard/ui/"):
        return
    assert "streamlit" not in _imports(path)


@pytest.mark.parametrize("path", _files("pages"), ids=lambda p: p.name)
def test_pages_never_touch_the_database(path):
    assert not {"sqlalchemy", "adbc_driver_sqlite", "adbc_driver_postgresql", "psycopg"} & _imports(
        path
    )
    assert "unsafe_allow_html" not in path.read_text(encoding="utf-8")


# each carries its own copy of SQLite: see data_access/loaders.py::_fetch_sqlite
SECOND_SQLITE = {"adbc_driver_sqlite", "connectorx", "duckdb"}
PROJECT_CODE = [
    path
    for folder in ("dashboard", "data_access", "pages", "bench", "tests")
    for path in _files(folder)
]


def _calls_read_database_uri(path) -> bool:
    """polars' read_database_uri opens a URI through connectorx or ADBC, never sqlite3."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(
        (isinstance(node, ast.Attribute) and node.attr == "read_database_uri")
        or (isinstance(node, ast.Name) and node.id == "read_database_uri")
        for node in ast.walk(tree)
    )


@pytest.mark.parametrize("path", PROJECT_CODE, ids=lambda p: p.relative_to(REPO).as_posix())
def test_no_project_code_opens_sqlite_through_a_second_library(path):
    assert not SECOND_SQLITE & _imports(path)
    assert not _calls_read_database_uri(path)
