"""Nothing cut off, in the Debian chromium at a laptop's 1366x768 and a tablet's 768x1024, with
the sidebar open and closed, on every page (the demo with a 1,000-person case history, each page
as the least-privileged role that sees it):

- no headline card's label, figure or comparison, no rating chip and no text that ends in an
  ellipsis is cut off: each one's scroll width is within its client width;
- at 1366 no table shown whole scrolls sideways, and the tracker shows its 19 areas with their
  key columns without scrolling.

Cells of a long table's grid are drawn on a canvas, out of reach of these checks; the review
queue's reasons wrap within their column instead (``Column.screen_width``). Every page's
screenshot in each layout is kept in test-artifacts/screenshots/layouts/."""

from __future__ import annotations

import json

import pytest

from dashboard.navigation import PAGES
from data_access.demo_accounts import demo_principals
from data_access.demo_cases import load_demo_cases
from data_access.store import Store
from tests.browser.conftest import ARTIFACTS, served, sidebar_becomes, sign_in
from tests.pages_support import least_privileged_role

PEOPLE = 1_000  # the generator's least: the case pages show their cards and tables
SIZES = {"laptop": (1366, 768), "tablet": (768, 1024)}
SIDEBAR = ("open", "closed")
SHOTS = ARTIFACTS / "layouts"
TRACKER_KEY_COLUMNS = ("Area", "Accountability area", "Status", "RAG", "Lead")

# what is cut off on the page, as {what, text, scroll, client}
CUT_OFF = """() => {
  const main = document.querySelector("[data-testid='stMain']");
  const shown = e => e.clientWidth > 0 && e.getClientRects().length > 0;
  const wider = e => e.scrollWidth > e.clientWidth + 1;
  const found = [];
  const cards = main.querySelectorAll([
    "[data-testid='stMetricLabel']", "[data-testid='stMetricLabel'] *",
    "[data-testid='stMetricValue']", "[data-testid='stMetricValue'] *",
    "[data-testid='stMetricDelta']", "[data-testid='stMetricDelta'] *",
    "[data-testid='stMarkdownBadge']",
  ].join(","));
  for (const e of cards) {
    if (shown(e) && wider(e)) found.push({what: "card or chip", text: e.innerText});
  }
  for (const e of main.querySelectorAll("*")) {
    if (shown(e) && getComputedStyle(e).textOverflow === "ellipsis" && wider(e)
        && !e.closest("[data-testid='stMetric']")) {
      found.push({what: "text ending in an ellipsis", text: e.innerText});
    }
  }
  return found.map(f => ({...f, text: f.text.slice(0, 80)}));
}"""
# each table shown whole whose box scrolls sideways
SIDEWAYS = """() => [...document.querySelectorAll("[data-testid='stMain'] [data-testid='stTable']")]
  .map(t => t.querySelector("table").parentElement)
  .filter(box => box.scrollWidth > box.clientWidth + 1)
  .map(box => box.innerText.slice(0, 60))"""


@pytest.fixture(scope="module")
def case_server(tmp_path_factory):
    with served(tmp_path_factory.mktemp("layouts") / "demo.sqlite3") as running:
        store = Store(running.url)
        load_demo_cases(store, people=PEOPLE)
        store.dispose()
        yield running


def _collapsed(page) -> bool:
    return page.locator("[data-testid='stSidebar']").get_attribute("data-collapsed") == "true"


def _sidebar(page, state: str) -> None:
    if state == "open" and _collapsed(page):
        page.locator("[data-testid='stExpandSidebarButton']").click()
    elif state == "closed" and not _collapsed(page):
        page.locator("[data-testid='stSidebar']").hover()
        page.locator("[data-testid='stSidebarCollapseButton'] button").click()
    sidebar_becomes(page, state)
    page.wait_for_timeout(400)  # the sidebar slides (0.3 s); the main column settles after it


def _choose(page, spec) -> None:
    """Choose a page in the sidebar, as a reader does, and wait until it is drawn whole."""
    _sidebar(page, "open")
    page.get_by_role("link", name=spec.title).click()
    page.get_by_role("heading", name=spec.headline).first.wait_for(timeout=60_000)
    page.wait_for_function(
        "() => document.querySelector('.stApp')?.getAttribute('data-test-script-state')"
        " === 'notRunning'",
        timeout=60_000,
    )
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0",
        timeout=60_000,
    )
    page.wait_for_timeout(400)


def _member(browser, server, width: int, height: int):
    """A new browser context of this size, signed in as the demo member: it and its page."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    page = context.new_page()
    page.goto(server.base)
    sign_in(page, server, "member")
    return context, page


def _readers() -> list[tuple[str, list]]:
    """Each demo role with the pages it is the least-privileged reader of."""
    roles = [p.role.value for p in demo_principals()]
    by_role = {role: [s for s in PAGES if least_privileged_role(s) == role] for role in roles}
    return [(role, specs) for role, specs in by_role.items() if specs]


@pytest.mark.parametrize("size", SIZES)
def test_no_card_chip_or_label_is_cut_off_on_any_page(case_server, browser, size):
    """Each page is drawn once and looked at with the sidebar open, then closed."""
    width, height = SIZES[size]
    SHOTS.mkdir(parents=True, exist_ok=True)
    faults, seen = {}, []
    for role, specs in _readers():
        context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
        page = context.new_page()
        page.goto(case_server.base)
        sign_in(page, case_server, role)
        for spec in specs:
            _choose(page, spec)
            name = spec.path.removeprefix("pages/").removesuffix(".py")
            for sidebar in SIDEBAR:
                _sidebar(page, sidebar)
                found = page.evaluate(CUT_OFF)
                if size == "laptop":
                    found += [
                        {"what": "table scrolls sideways", "text": t}
                        for t in page.evaluate(SIDEWAYS)
                    ]
                if found:
                    faults[f"{name}, sidebar {sidebar}"] = found
                # the whole page for the record: Streamlit scrolls inside its own container
                page.set_viewport_size({"width": width, "height": 3200})
                page.wait_for_timeout(500)
                page.screenshot(path=str(SHOTS / f"{size}-sidebar-{sidebar}-{name}.png"))
                page.set_viewport_size({"width": width, "height": height})
                seen.append((spec.title, sidebar))
        context.close()
    assert sorted(seen) == sorted((spec.title, state) for spec in PAGES for state in SIDEBAR)
    assert not faults, json.dumps(faults, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("sidebar", SIDEBAR)
def test_tracker_shows_its_19_areas_and_key_columns_without_scrolling_at_1366(
    case_server, browser, sidebar
):
    context, page = _member(browser, case_server, 1366, 768)
    _choose(page, next(spec for spec in PAGES if spec.path == "pages/improvement_plan.py"))
    _sidebar(page, sidebar)
    table = page.locator("[data-testid='stMain'] [data-testid='stTable']").first
    assert table.locator("tbody tr").count() == 19
    box = table.locator("table").locator("xpath=..")
    sizes = box.evaluate("b => [b.scrollWidth, b.clientWidth, b.scrollHeight, b.clientHeight]")
    assert sizes[0] <= sizes[1] + 1 and sizes[2] <= sizes[3] + 1, sizes  # no scroll box
    headings = table.locator("thead th")
    texts = [h.inner_text().strip() for h in headings.all()]
    for key in TRACKER_KEY_COLUMNS:
        heading = headings.nth(texts.index(key))
        right = heading.evaluate("h => h.getBoundingClientRect().right")
        assert right <= 1366, (key, right)  # within the window: no sideways scrolling
    page.set_viewport_size({"width": 1366, "height": 2600})
    page.wait_for_timeout(1000)
    page.screenshot(path=str(SHOTS / f"tracker-1366-sidebar-{sidebar}.png"))
    context.close()


def test_choosing_a_page_on_a_tablet_closes_the_sidebar(case_server, browser):
    context, page = _member(browser, case_server, 768, 1024)
    page.get_by_role("heading", name="Adult social care: overview").first.wait_for(timeout=60_000)
    assert _collapsed(page)  # a tablet starts with the sidebar closed
    _choose(page, next(spec for spec in PAGES if spec.path == "pages/savings.py"))
    sidebar_becomes(page, "closed", timeout=10_000)
    # chosen with the keyboard, too
    _sidebar(page, "open")
    link = page.get_by_role("link", name="Committee actions")
    link.focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Committee actions").first.wait_for(timeout=60_000)
    sidebar_becomes(page, "closed", timeout=10_000)
    context.close()


def test_on_a_laptop_the_sidebar_stays_open_after_choosing_a_page(case_server, browser):
    context, page = _member(browser, case_server, 1366, 768)
    _choose(page, next(spec for spec in PAGES if spec.path == "pages/savings.py"))
    page.wait_for_timeout(500)
    assert not _collapsed(page)
    context.close()
