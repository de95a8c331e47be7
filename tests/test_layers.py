"""The layer contract in the README, guarded: store -> data_access -> dashboard -> pages."""

from __future__ import annotations

import ast
import re

import pytest

from tests.conftest import REPO


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


@pytest.mark.parametrize("path", _files("pages"), ids=lambda p: p.name)
def test_pages_never_touch_the_database(path):
    assert not {"sqlalchemy", "adbc_driver_sqlite", "adbc_driver_postgresql", "psycopg"} & _imports(
        path
    )
    assert "unsafe_allow_html" not in path.read_text(encoding="utf-8")


# The layer contract (README, "How the code is laid out"): what each layer may import of the
# project and of Streamlit. A name is allowed when it is one of these or inside one of them.
PURE_DATA_ACCESS = tuple(
    f"data_access.{name}"
    for name in (
        "days",
        "formulas",
        "measures",
        "papers",
        "queue_weights",
        "rating_scales",
        "settings",
        "statuses",
        "text_columns",
        "vocab",
        "spreadsheet_files",
    )
)
ALLOWED = {
    # thin page scripts: widgets, the renderers and the views they render, and the settings
    "pages": ("streamlit", "dashboard.ui", "dashboard.views", "data_access.settings"),
    # what each page and the pack show: pure, no store, no Streamlit
    "dashboard/views": (
        "dashboard.views",
        "dashboard.domain",
        "dashboard.charts",
        *PURE_DATA_ACCESS,
    ),
    # the rules: pure
    "dashboard/domain": ("dashboard.domain", "dashboard.charts", *PURE_DATA_ACCESS),
    "dashboard/charts": ("dashboard.charts", "data_access.statuses"),
    # the pack reads the store for a day and renders the views
    "dashboard/briefing": (
        "dashboard.briefing",
        "dashboard.views",
        "dashboard.domain",
        "dashboard.charts",
        "data_access",
    ),
    # Streamlit widgets over the views, the cached reads and the write forms
    "dashboard/ui": (
        "streamlit",
        "dashboard.ui",
        "dashboard.views",
        "dashboard.domain",
        "dashboard.charts",
        "dashboard.briefing",
        "data_access",
    ),
    "dashboard/cli": (
        "dashboard.cli",
        "dashboard.briefing",
        "dashboard.views",
        "dashboard.domain",
        "dashboard.charts",
        "data_access",
    ),
    "data_access": ("data_access",),
}
PROJECT = ("dashboard", "data_access", "pages", "streamlit")


def _modules(path) -> set[str]:
    """Every project (and Streamlit) module the file imports, by full dotted name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.update(
                f"{node.module}.{alias.name}" if node.module in PROJECT else node.module
                for alias in node.names
            )
    return {name for name in names if name.split(".")[0] in PROJECT}


def _layer(path) -> str | None:
    relative = path.relative_to(REPO).as_posix()
    return next((layer for layer in ALLOWED if relative.startswith(layer + "/")), None)


def _allowed(name: str, prefixes) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


LAYERED = [path for folder in ("pages", "dashboard", "data_access") for path in _files(folder)]


@pytest.mark.parametrize("path", LAYERED, ids=lambda p: p.relative_to(REPO).as_posix())
def test_each_layer_imports_only_what_its_allow_list_names(path):
    layer = _layer(path)
    if layer is None:  # the entry points at the top of dashboard/: checked below
        return
    refused = sorted(name for name in _modules(path) if not _allowed(name, ALLOWED[layer]))
    assert refused == [], f"{layer} may import only {ALLOWED[layer]}"


@pytest.mark.parametrize("path", LAYERED, ids=lambda p: p.relative_to(REPO).as_posix())
def test_nothing_imports_the_cli(path):
    if path.relative_to(REPO).as_posix().startswith("dashboard/cli/"):
        return
    assert not any(_allowed(name, ("dashboard.cli",)) for name in _modules(path))


def test_the_entry_points_stay_thin():
    top = {p.name: _modules(p) for p in (REPO / "dashboard").glob("*.py")}
    for name, modules in top.items():
        assert not any(_allowed(m, ("data_access.store", "data_access.loaders")) for m in modules)
        assert not any(_allowed(m, ("dashboard.domain", "dashboard.views")) for m in modules), name


def test_the_readme_states_the_allow_list():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for layer, prefixes in ALLOWED.items():
        if layer == "data_access":
            continue
        line = next((x for x in readme.splitlines() if x.startswith(f"| `{layer}/`")), None)
        assert line is not None, f"README has no row for {layer}/"
        for prefix in prefixes:
            pure = prefix in PURE_DATA_ACCESS and "data_access (pure modules)" in line
            assert pure or prefix in line, (layer, prefix)


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


def test_the_only_html_the_app_writes_is_its_own_fixed_script_tag():
    """``st.html`` with script allowed appears once: the fixed tag that loads the app's own
    script (dashboard/ui/page_script.py); no page, view or widget writes HTML."""
    from dashboard.ui import page_script

    found = {
        str(path.relative_to(REPO))
        for folder in ("dashboard", "pages")
        for path in _files(folder)
        if re.search(r"\.html\(|unsafe_allow_", path.read_text(encoding="utf-8"))
    }
    assert found == {"dashboard/ui/page_script.py"}
    assert page_script._TAG == '<script src="/_assets/close-sidebar.js"></script>'
