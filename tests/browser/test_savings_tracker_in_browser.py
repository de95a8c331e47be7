"""The savings tracker in the Debian chromium as members read it: every line, worst rating first,
its key columns on screen without scrolling sideways at 1366x768 (sidebar open) and 768x1024,
long titles wrapped; screenshots kept in test-artifacts/screenshots/."""

from __future__ import annotations

import pytest

from dashboard.navigation import PAGES
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_pages_in_browser import open_page

SPEC = next(p for p in PAGES if p.path == "pages/savings.py")
KEY_COLUMNS = ["BRAG", "Saving", "Year", "Target", "Forecast", "% forecast"]
KEY_COLUMNS += ["Delivered", "% delivered", "Why"]

# the lines table's geometry: every box around it that scrolls sideways (a column the reader
# would have to scroll to), each heading's right edge against the window, each row's rating
MEASURE = """() => {
  const table = [...document.querySelectorAll('[data-testid="stTable"] table')]
    .find(t => t.innerText.includes('% delivered') && t.innerText.includes('Why'));
  if (!table) return null;
  const scrolls = [];
  for (let el = table; el; el = el.parentElement) {
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible') {
      scrolls.push(el.getAttribute('data-testid') || el.tagName);
    }
  }
  const headings = [...table.querySelectorAll('thead th')].map(th => ({
    text: th.innerText.trim(), right: th.getBoundingClientRect().right}));
  const rows = [...table.querySelectorAll('tbody tr')].map(tr => tr.cells[0].innerText.trim());
  return {scrolls, headings, rows, window: window.innerWidth,
          width: table.getBoundingClientRect().width};
}"""


def _lines_table(page) -> dict:
    page.wait_for_function(f"() => ({MEASURE})() !== null", timeout=60_000)
    page.wait_for_timeout(500)  # the layout settles once the charts above are drawn
    measured = page.evaluate(MEASURE)
    assert measured is not None, "the savings lines table is not on the page"
    return measured


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (768, 1024)])
def test_the_tracker_shows_every_line_red_first_with_its_key_columns(server, page, width, height):
    """At 1366 the sidebar is open; at 768 it is closed, as a tablet opens the page."""
    page.set_viewport_size({"width": width, "height": height})
    open_page(page, server, SPEC)
    measured = _lines_table(page)
    assert [h["text"] for h in measured["headings"]] == KEY_COLUMNS
    assert len(measured["rows"]) == 11  # every line and year, none in a scroll box
    assert measured["rows"][0] == "■ Red: at risk"
    assert measured["rows"][-1] == "○ Not rated: no forecast reported"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # the rule, the filters' sentence and the headings in view, as a reader arrives at the table
    page.get_by_text("Rated by rule unless an officer").scroll_into_view_if_needed()
    page.evaluate(
        "() => document.querySelector('.stMain, [data-testid=\"stMain\"]')?.scrollBy(0, -150)"
    )
    page.screenshot(path=str(ARTIFACTS / f"savings-lines-{width}x{height}.png"))
    # nothing to scroll sideways, every heading inside the window
    assert measured["scrolls"] == [], measured
    assert all(h["right"] <= measured["window"] for h in measured["headings"]), measured
