"""Every page in the Debian chromium: headline visible, screenshot saved, no serious or critical
accessibility violation (axe-core)."""

from __future__ import annotations

import json
import time

import pytest

from dashboard.navigation import PAGES
from data_access.demo_accounts import demo_principals
from tests.browser.conftest import ARTIFACTS, sign_in


def first_role_offered(spec) -> str:
    """The least-privileged demo role that sees the page (member, officer, director, admin)."""
    for principal in demo_principals():
        if spec.offered_to(principal):
            return principal.role.value
    raise AssertionError(f"no demo role sees {spec.title}")


def url_path(page_path: str, default: bool) -> str:
    return "" if default else page_path.removeprefix("pages/").removesuffix(".py")


def open_page(page, server, spec, query: str = "", role: str = "member") -> float:
    """Go to a page's address, sign in (each test's browser is new), and wait for the page;
    returns the seconds from sign-in to the page being drawn."""
    page.goto(f"{server}/{url_path(spec.path, spec.default)}{query}")
    page.get_by_role("heading", name="Sign in").wait_for(timeout=60_000)
    start = time.perf_counter()
    sign_in(page, server, role)
    page.get_by_role("heading", name=spec.headline).first.wait_for(timeout=60_000)
    # wait for the script run to finish so the screenshot and axe see the whole page
    page.wait_for_function(
        "() => document.querySelector('.stApp')?.getAttribute('data-test-script-state')"
        " === 'notRunning'",
        timeout=60_000,
    )
    return time.perf_counter() - start


def axe_violations(page, axe_source: str) -> list[dict]:
    page.add_script_tag(content=axe_source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("spec", PAGES, ids=[p.title for p in PAGES])
def test_page_renders_and_is_accessible(server, page, axe_source, spec):
    open_page(page, server, spec, role=first_role_offered(spec))
    assert page.locator("[data-testid='stException']").count() == 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = url_path(spec.path, False)
    # Streamlit scrolls inside its own container, so a tall window is what shows the whole page
    page.set_viewport_size({"width": 1366, "height": 3200})
    # tables and charts draw lazily once visible: wait until no loading skeleton is left
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0",
        timeout=60_000,
    )
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    serious = axe_violations(page, axe_source)
    assert not serious, json.dumps(
        [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"][:5]],
            }
            for v in serious
        ],
        indent=2,
    )


def test_overview_shows_the_published_headlines(server, page):
    spec = next(p for p in PAGES if p.default)
    open_page(page, server, spec)
    main = page.locator("[data-testid='stMain']")
    for label, value in (
        ("Routine activity", "8"),
        ("Part of MTFS project plans", "9"),
        ("Focus of additional input", "2"),
        ("Required", "£67.00m"),
        ("Forecast", "£54.43m"),
        ("Reported shortfall", "£12.62m"),
        ("People waiting for a review", "460"),
        ("People waiting for an OT assessment", "692"),
    ):
        metric = main.locator("[data-testid='stMetric']").filter(has_text=label).first
        metric.wait_for(timeout=30_000)
        assert value in metric.inner_text()


def test_a_link_with_filters_reproduces_the_view(server, page):
    spec = next(p for p in PAGES if p.path == "pages/improvement_plan.py")
    open_page(page, server, spec, "?status=Focus+of+additional+input")
    page.get_by_text("Showing 2 of 19 accountability areas.").wait_for(timeout=30_000)
