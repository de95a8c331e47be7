"""No Python callbacks inside polars on the request path.

A Python function run by polars (``map_elements``, ``map_batches``, ``fold`` ...) runs on polars'
thread pool and needs the GIL. With several Streamlit sessions, one script thread holding the
GIL while it waits for that pool (converting a multi-chunk frame for display) and a pool thread
waiting for the GIL deadlocked the server (issue 9). Format in Python outside polars instead
(``data_access.text_columns.text_per_value``) or with polars expressions.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

SCANNED = ("dashboard", "data_access", "pages")
# methods that run a Python function inside polars, on whatever object they are called
CALLBACK_METHODS = frozenset(
    {"map_elements", "map_batches", "map_rows", "map_groups", "apply", "rolling_map"}
)
# polars functions that take a Python function (pl.fold, from polars import reduce, ...)
CALLBACK_FUNCTIONS = frozenset(
    {"map_batches", "map_groups", "fold", "reduce", "cum_fold", "cum_reduce"}
)


def _polars_names(tree: ast.AST) -> tuple[set[str], set[str]]:
    """The names the module gives polars itself, and the callback functions it imports bare."""
    modules, functions = {"pl", "polars"}, set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {a.asname or a.name for a in node.names if a.name == "polars"}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "polars":
            functions |= {a.asname or a.name for a in node.names if a.name in CALLBACK_FUNCTIONS}
    return modules, functions


def _is_callback(node: ast.AST, modules: set[str], functions: set[str]) -> bool:
    # any mention counts, called or not: functools.partial(pl.Expr.map_elements, ...) runs one too
    if isinstance(node, ast.Attribute):
        on_polars = isinstance(node.value, ast.Name) and node.value.id in modules
        return node.attr in CALLBACK_METHODS or (on_polars and node.attr in CALLBACK_FUNCTIONS)
    return isinstance(node, ast.Name) and node.id in functions


def callbacks_in(source: str, name: str = "<source>") -> list[str]:
    """``name:line: code`` for each Python callback into polars in ``source``."""
    tree = ast.parse(source)
    modules, functions = _polars_names(tree)
    lines = source.splitlines()
    # the line where the method's name is, not where a chained expression starts
    at = sorted(
        node.end_lineno for node in ast.walk(tree) if _is_callback(node, modules, functions)
    )
    return [f"{name}:{line}: {lines[line - 1].strip()}" for line in at]


def _scanned_files() -> list[Path]:
    return sorted(path for folder in SCANNED for path in (REPO / folder).rglob("*.py"))


def test_no_python_callbacks_inside_polars_in_dashboard_data_access_or_pages():
    found = [
        hit
        for path in _scanned_files()
        for hit in callbacks_in(path.read_text(encoding="utf-8"), path.relative_to(REPO).as_posix())
    ]
    assert found == [], "Python callbacks inside polars (see issue 9):\n" + "\n".join(found)


def test_the_scan_reads_every_folder_it_guards():
    folders = {path.relative_to(REPO).parts[0] for path in _scanned_files()}
    assert folders == set(SCANNED)


@pytest.mark.parametrize(
    "code",
    [
        "pl.col('a').map_elements(str, return_dtype=pl.String)",
        "frame['a'].map_elements(lambda v: v)",
        "pl.col('a').map_batches(lambda s: s)",
        "frame.lazy().map_batches(lambda f: f)",
        "frame.map_rows(lambda r: r)",
        "frame.group_by('a').map_groups(lambda g: g)",
        "series.apply(str)",
        "frame.style.apply(str)",
        "pl.col('a').rolling_map(sum, window_size=2)",
        "pl.map_batches(['a'], lambda s: s[0])",
        "pl.map_groups(['a'], lambda s: s[0])",
        "pl.fold(pl.lit(0), lambda a, b: a + b, pl.all())",
        "pl.reduce(lambda a, b: a + b, pl.all())",
        "pl.cum_fold(pl.lit(0), lambda a, b: a + b, pl.all())",
        "pl.cum_reduce(lambda a, b: a + b, pl.all())",
        "polars.fold(pl.lit(0), f, exprs)",
        "import polars as p\np.reduce(f, exprs)",
        "from polars import fold\nfold(acc, f, exprs)",
        "from polars import reduce as combine\ncombine(f, exprs)",
        "functools.partial(pl.Expr.map_elements, return_dtype=pl.String)",
    ],
)
def test_the_scan_finds_each_form_of_callback(code):
    found = callbacks_in(code, "sample.py")
    last_line = len(code.splitlines())
    assert len(found) == 1 and found[0].startswith(f"sample.py:{last_line}: "), found


@pytest.mark.parametrize(
    "code",
    [
        "pl.col('a').replace_strict(old, new, default=None, return_dtype=pl.String)",
        "pl.col('d').dt.strftime('%b %Y')",
        "functools.reduce(operator.add, values)",
        "from functools import reduce\nreduce(f, values)",
        "writes._apply_updates(tx, table, key, updates)",
        "[show(v) for v in frame['a'].unique().to_list()]",
        "frame.pipe(add_totals)",
    ],
)
def test_the_scan_lets_polars_expressions_and_plain_python_be(code):
    assert callbacks_in(code, "sample.py") == []
