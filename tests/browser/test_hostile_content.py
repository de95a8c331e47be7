"""Nothing hostile leaves the app or comes alive in it, in the Debian chromium:

- a table whose cell is a spreadsheet formula offers no built-in CSV download and copies
  nothing to the clipboard (the app's own download buttons escape formulas; Streamlit's
  toolbar would write the cell as it is);
- chart text from the store (milestone titles, team and band names, an MTFS period) is shown
  as the characters typed: no link, no image, no script, no dialog inside any chart.
"""

from __future__ import annotations

import pytest

from data_access.store import Store
from tests.browser.conftest import ARTIFACTS, served, sign_in
from tests.browser.test_edit_journey import _wait_idle
from tests.hostile_store import hostile_rows, write_council

FORMULA = '=HYPERLINK("http://x","y")'


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    """``ascgov serve`` on a new store (the demo and its sign-ins), then every text field
    made hostile by a write from here, and the first area titled with a formula."""
    with served(tmp_path_factory.mktemp("hostile") / "store.sqlite3") as running:
        rows = hostile_rows()
        first = rows["areas"][0]
        assert first["code"] == "IP01"
        rows["areas"][0] = {**first, "title": FORMULA}
        store = Store(running.url)
        write_council(store, rows, "system:tests-hostile")
        store.dispose()
        yield running


def _open(browser, server, path: str, **context_options):
    context = browser.new_context(
        viewport={"width": 1366, "height": 2400}, locale="en-GB", **context_options
    )
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{server}/{path}")
    page.get_by_role("heading", name="Sign in").wait_for(timeout=60_000)
    sign_in(page, server, "member")
    _wait_idle(page)
    return context, page, dialogs


def test_a_table_holding_a_formula_offers_no_csv_download_or_copy(hostile_server, browser):
    """The tracker (19 areas) is short, so it is a static table shown whole: the formula is
    words in a cell, there is no table toolbar to download the cells as they are, and the app's
    own download (formulas escaped) is offered under it."""
    context, page, _ = _open(browser, hostile_server, "improvement_plan")
    table = page.locator("[data-testid='stTable']").first
    table.wait_for(timeout=60_000)
    table.scroll_into_view_if_needed()
    table.hover()
    page.wait_for_timeout(1000)  # a toolbar would fade in
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    box = table.bounding_box()
    page.screenshot(
        path=str(ARTIFACTS / "hostile-table-toolbar.png"),
        clip={"x": box["x"], "y": box["y"] - 60, "width": box["width"], "height": 200},
    )
    cells = table.locator("td").all_inner_texts()
    assert FORMULA in [cell.replace("\u2060", "") for cell in cells]
    # the formula's cell is text: no link, no image in the table
    assert table.locator("a[href], img").count() == 0
    assert page.get_by_role("button", name="Download as CSV").count() == 0
    assert page.locator("[data-testid='stElementToolbar']").count() == 0
    assert page.get_by_role("button", name="Download CSV").count() >= 1
    context.close()


CHART_PAGES = [
    # (address, what a member reads in a chart's own text, as typed)
    ("improvement_plan?area=IP09", "Backlog of overdue reviews halved"),
    ("backlog?measure=Overdue+annual+reviews", "North locality"),
    ("savings", "Five years from 2023/24 (adult social care)"),
]


@pytest.mark.parametrize(("path", "words"), CHART_PAGES, ids=[p for p, _ in CHART_PAGES])
def test_chart_text_from_the_store_is_inert(hostile_server, browser, path, words):
    context, page, dialogs = _open(browser, hostile_server, path)
    charts = page.locator(".js-plotly-plot")
    charts.first.wait_for(timeout=120_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].every("
        "p => p.querySelector('svg.main-svg'))",
        timeout=120_000,
    )
    page.wait_for_timeout(1000)
    svg_text = page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot svg.main-svg')]"
        ".map(s => s.textContent).join('\\n')"
    )
    name = path.split("?")[0]
    page.screenshot(path=str(ARTIFACTS / f"hostile-charts-{name}.png"), full_page=True)
    assert dialogs == []
    assert page.evaluate("() => window.__xss === undefined")
    # nothing inside a chart's drawing is a link, an image or a script
    inside = page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot svg.main-svg *')]"
        ".filter(e => ['a', 'img', 'script', 'image'].includes(e.localName)"
        " || e.getAttribute('href') || e.getAttribute('xlink:href')"
        " || e.getAttribute('onerror')).map(e => e.outerHTML.slice(0, 200))"
    )
    assert inside == []
    # the words are there as typed, markup and all
    assert f'{words} <a href="https://evil.example/">link</a>' in svg_text
    assert "<b>bold</b><br><span" in svg_text
    context.close()


TEXT_PAGES = ["improvement_plan?area=IP09", "savings", "backlog", "younger_older_adults"]


@pytest.mark.parametrize("path", TEXT_PAGES)
def test_store_text_never_becomes_a_live_link(hostile_server, browser, path):
    """Streamlit's markdown turns a bare web or email address into a link even when every
    markdown character is escaped; store text must stay words on the page."""
    context, page, _ = _open(browser, hostile_server, path)
    page.get_by_text("evil.example", exact=False).first.wait_for(timeout=120_000)
    outside = page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=\"stMain\"] a[href]')]"
        ".map(a => a.getAttribute('href'))"
        ".filter(h => !h.startsWith(location.origin) && !h.startsWith('/')"
        " && !h.startsWith('#') && !h.startsWith('blob:') && !h.startsWith('mailto:'))"
    )
    assert outside == []
    context.close()
