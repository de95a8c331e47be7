"""The layer contract in the README, guarded: data flows store -> data_access -> dashboard -> pages."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import REPO

# the Streamlit app, the CLI, and the server with its edge guard (Streamlit's message types)
UI_MODULES = {"dashboard/app.py", "dashboard/cli.py", "dashboard/server.py", "dashboard/edge.py"}


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
    assert not {"sqlalchemy", "adbc_driver_sqlite", "adbc_driver_postgresql", "psycopg"} & _imports(path)
    assert "unsafe_allow_html" not in path.read_text(encoding="utf-8")
