"""Every page runs under AppTest on the demo council and shows the published figures."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboard.navigation import PAGES
from tests.conftest import REPO
from tests.pages_support import signed_in_as


def _run(path: str) -> AppTest:
    at = signed_in_as(AppTest.from_file(str(REPO / path), default_timeout=30), "member")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _text(at: AppTest) -> str:
    parts = [m.label + " " + str(m.value) for m in at.metric]
    parts += [e.value for e in (*at.markdown, *at.caption, *at.warning, *at.title, *at.subheader)]
    return "\n".join(parts)


def test_every_registered_page_exists_and_pages_folder_has_no_strays():
    registered = {page.path for page in PAGES}
    on_disk = {f"pages/{p.name}" for p in (REPO / "pages").glob("*.py")}
    assert registered == on_disk


def test_app_entry_runs_the_default_page(app_env):
    at = _run("dashboard/streamlit_app.py")
    assert at.title[0].value == "Adult social care: overview"
