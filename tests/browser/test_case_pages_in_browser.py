"""The case-level pages on a demo store with a small synthetic case history, in the Debian
chromium at a laptop's 1366x768 and a tablet's 768x1024: Reviews and waiting lists as a member,
Review queue as an officer and a director. No headline label or figure is cut off, no serious
or critical accessibility violation (axe-core); screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import json

import pytest

from dashboard.navigation import PAGES
from data_access.demo_cases import load_demo_cases
from data_access.store import Store
from tests.browser.conftest import ARTIFACTS, served
from tests.browser.test_pages_in_browser import axe_violations, open_page

PEOPLE = 1_000  # the generator's least: still the published 460 overdue and 692 OT waits
SIZES = {"laptop": (1366, 768), "tablet": (768, 1024)}
VISITS = [
    ("pages/reviews_and_waiting.py", "member"),
    ("pages/review_queue.py", "officer"),
    ("pages/review_queue.py", "director"),
]
# a metric's label or value wider than its box is cut off (Streamlit ends it with '...')
CUT_OFF = """() => [...document.querySelectorAll(
    "[data-testid='stMetricLabel'], [data-testid='stMetricValue']")]
    .filter(e => e.scrollWidth > e.clientWidth)
    .map(e => e.innerText)"""


@pytest.fixture(scope="module")
def case_server(tmp_path_factory):
    """`ascgov serve` on a new store (the demo, without the full case history), then a small
    synthetic history loaded into it as `ascgov demo cases` would."""
    with served(tmp_path_factory.mktemp("cases") / "demo.sqlite3") as running:
        store = Store(running.url)
        load = load_demo_cases(store, people=PEOPLE)
        store.dispose()
        assert load.cases.inserted == load.cases.rows > PEOPLE
        yield running


def _spec(path: str):
    return next(spec for spec in PAGES if spec.path == path)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(("path", "role"), VISITS, ids=[f"{p[6:-3]}-{r}" for p, r in VISITS])
def test_case_pages_fit_and_are_accessible(case_server, page, axe_source, path, role, size):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    open_page(page, case_server, _spec(path), role=role)
    assert page.locator("[data-testid='stException']").count() == 0
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0",
        timeout=60_000,
    )
    if path.endswith("reviews_and_waiting.py"):
        assert page.locator("[data-testid='stMetricValue']").count() >= 4
        assert page.get_by_text("Census extract as at 30 November 2023.").count() == 1
    else:
        assert page.get_by_text("people in the queue").count() >= 1
    assert page.evaluate(CUT_OFF) == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = f"{path[6:-3]}-{role}-{size}"
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    # Streamlit scrolls inside its own container: a tall window shows the whole page
    page.set_viewport_size({"width": width, "height": 3200})
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / f"{name}-whole.png"), full_page=True)
    serious = axe_violations(page, axe_source)
    assert not serious, json.dumps(
        [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"][:5]]} for v in serious],
        indent=2,
    )
