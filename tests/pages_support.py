"""Helpers for AppTest runs of the pages."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from tests.conftest import REPO


def run_page(path: str, *, query: dict[str, str] | None = None) -> AppTest:
    """Run a page script (path relative to the repository) and fail on any exception."""
    at = AppTest.from_file(str(REPO / path), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def page_text(at: AppTest) -> str:
    """Every piece of text on the page a member would read (not the tables)."""
    parts = [f"{m.label} {m.value}" for m in at.metric]
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "warning",
        "error",
        "success",
    ):
        parts += [str(e.value) for e in getattr(at, kind)]
    # pages escape text from the store for markdown; compare what a reader sees
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


def tables(at: AppTest) -> list:
    """The frames shown with st.dataframe / st.table, as pandas-like objects."""
    return [d.value for d in at.dataframe] + [t.value for t in at.table]
