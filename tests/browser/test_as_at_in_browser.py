"""The sidebar's "Figures as at" in the Debian chromium: a day typed and Enter pressed applies;
a day before the figures begin says when they begin; the overview at both sizes."""

from __future__ import annotations

import pytest

from dashboard.navigation import PAGES
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_pages_in_browser import open_page

OVERVIEW = next(p for p in PAGES if p.default)


def _type_day(page, typed: str) -> None:
    """Type a day into the sidebar's box as a keyboard user would, then press Enter (and
    nothing else: Streamlit's date picker applied a typed day only when its calendar closed)."""
    box = page.locator("[data-testid='stSidebar']").get_by_role("textbox", name="Figures as at")
    box.wait_for(timeout=60_000)
    box.click()
    box.press("Control+a")
    box.press_sequentially(typed)
    box.press("Enter")


def _idle(page) -> None:
    page.wait_for_function(
        "() => document.querySelector('.stApp')?.getAttribute('data-test-script-state')"
        " === 'notRunning'",
        timeout=60_000,
    )


def test_a_day_typed_applies_on_enter(server, page):
    open_page(page, server, OVERVIEW)
    _type_day(page, "20/03/2024")
    page.get_by_text(
        "You are looking at the figures as they stood at the end of 20 Mar 2024"
    ).wait_for(timeout=60_000)
    assert "as_at=20%2F03%2F2024" in page.url  # kept in the link, as typed
    _idle(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "overview-as-at-1366x900.png"))


def test_a_day_before_the_figures_begin_says_when_they_begin(server, page):
    open_page(page, server, OVERVIEW)
    _type_day(page, "01/03/2024")
    page.get_by_text(
        "There are no figures as at 1 March 2024: the dashboard holds none from before then. "
        "The figures begin on 12 March 2024; choose that day or later."
    ).wait_for(timeout=60_000)
    _idle(page)
    main = page.locator("[data-testid='stMain']").inner_text()
    assert "No figures have been loaded" not in main and "ascgov" not in main


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (768, 1024)])
def test_overview_screenshot(server, page, width, height):
    page.set_viewport_size({"width": width, "height": height})
    open_page(page, server, OVERVIEW)
    page.get_by_role("combobox", name="Compare with the meeting on").wait_for(timeout=60_000)
    _idle(page)
    page.wait_for_timeout(1000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"overview-{width}x{height}.png"))
