"""Helpers for AppTest runs of the pages."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from dashboard.navigation import PageSpec
from tests.conftest import REPO

DEMO_DOMAIN = "demo.example"


def signed_in_as(at: AppTest, role: str | None) -> AppTest:
    """Sign the AppTest in as the demo user of ``role`` (as the identity provider would), or
    as nobody with ``None``."""
    if role is None:
        at.user = {"is_logged_in": False}
    else:
        at.user = {
            "is_logged_in": True,
            "email": f"{role}@{DEMO_DOMAIN}",
            "name": f"Demo {role}",
            "sub": role,
        }
    return at


def least_privileged_role(page: PageSpec) -> str:
    """The least-privileged demo role the page is offered to."""
    from data_access.demo_accounts import demo_principals

    return next(p.role.value for p in demo_principals() if page.offered_to(p))


def run_page(
    path: str, *, query: dict[str, str] | None = None, role: str | None = "member"
) -> AppTest:
    """Run a page script (path relative to the repository) signed in as the demo user of
    ``role``, and fail on any exception."""
    at = signed_in_as(AppTest.from_file(str(REPO / path), default_timeout=60), role)
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


def _unescaped(frame):
    """A static table's cells and headings as a reader sees them (the page escapes them for
    markdown)."""
    literal = lambda text: re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")  # noqa: E731
    frame = frame.rename(columns=literal)
    return frame.apply(lambda column: column.map(lambda v: literal(v) if isinstance(v, str) else v))


def tables(at: AppTest) -> list:
    """The tables on the page in order (st.dataframe for a long table, st.table for a short
    one shown whole), as pandas frames of the text a reader sees."""
    dataframes = {id(d) for d in at.dataframe}
    statics = {id(t) for t in at.table}
    found = []
    for node in at.main:  # depth first: the order a reader meets them
        if id(node) in dataframes:
            found.append(node.value)
        elif id(node) in statics:
            found.append(_unescaped(node.value))
    return found
