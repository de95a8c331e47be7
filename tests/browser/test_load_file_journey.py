"""Loading a file in a real browser: an officer uploads a file, sees the preview with a change
and a problem, fixes the file, applies it, and a member in another browser sees the new figures
on their next page; an officer's rows outside their assignment are refused on the page."""

from __future__ import annotations

import io

import polars as pl
import pytest

from data_access.exporter import export_bytes
from data_access.store import Store
from tests.browser.conftest import ARTIFACTS, served, sign_in

OFFICERS_WORKSTREAM = "Reviews programme (Nottingham City)"


@pytest.fixture(scope="module")
def own_server(tmp_path_factory):
    """A server of its own: these tests change the savings figures others read."""
    with served(tmp_path_factory.mktemp("load") / "demo.sqlite3") as running:
        yield running


def _wait_idle(page) -> None:
    page.wait_for_function(
        "() => document.querySelector('.stApp')?.getAttribute('data-test-script-state')"
        " === 'notRunning'",
        timeout=60_000,
    )


def _signed_in(browser, server, role: str, path: str = ""):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-GB")
    page = context.new_page()
    page.goto(f"{server}/{path}")
    page.get_by_role("heading", name="Sign in").wait_for(timeout=60_000)
    sign_in(page, server, role)
    _wait_idle(page)
    return context, page


def _savings(server) -> pl.DataFrame:
    store = Store(server.url)
    try:
        content = export_bytes(store, "savings", "csv", as_at=None)
    finally:
        store.dispose()
    frame = pl.read_csv(io.BytesIO(content), infer_schema=False)
    return frame.drop("loaded_by", "loaded_at", "version")


def _csv(frame: pl.DataFrame) -> bytes:
    out = io.BytesIO()
    frame.write_csv(out)
    return out.getvalue()


def _upload_and_check(page, name: str, content: bytes) -> None:
    page.locator("input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content}]
    )
    _wait_idle(page)
    page.get_by_role("button", name="Check the file (nothing is written)").click()
    page.get_by_text("Preview: nothing has been written").first.wait_for(timeout=60_000)
    _wait_idle(page)


def test_officer_previews_fixes_and_applies_and_a_member_sees_it(own_server, browser):
    mine = _savings(own_server).filter(pl.col("workstream") == OFFICERS_WORKSTREAM)
    assert mine.height == 1
    changed = mine.with_columns(forecast=pl.lit("1293000"))
    broken = pl.concat(
        [changed, changed.with_columns(financial_year=pl.lit("2024/25"), target=pl.lit("lots"))]
    )

    officer_context, officer = _signed_in(browser, own_server, "officer", "load_file")
    officer.get_by_role("heading", name="Load a file").wait_for(timeout=60_000)
    _upload_and_check(officer, "reviews.csv", _csv(broken))
    main = officer.locator("[data-testid='stMain']")
    officer.get_by_text("1 problem found").wait_for(timeout=30_000)
    text = main.inner_text()
    assert "Changes, field by field" in text
    changed_metric = officer.locator("[data-testid='stMetric']").filter(
        has=officer.get_by_text("Changed", exact=True)
    )
    assert changed_metric.locator("[data-testid='stMetricValue']").inner_text() == "1"
    assert officer.get_by_role("button", name="Apply: write these rows of savings").count() == 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    officer.screenshot(path=str(ARTIFACTS / "load-file-preview.png"))
    officer.screenshot(path=str(ARTIFACTS / "load-file-preview-full.png"), full_page=True)

    _upload_and_check(officer, "reviews.csv", _csv(changed))
    officer.get_by_text("No problems found: the file can be applied.").wait_for(timeout=30_000)
    officer.get_by_role("button", name="Apply: write these rows of savings").click()
    officer.get_by_text("wrote 0 new, 1 changed").wait_for(timeout=60_000)
    assert "wrote 0 new, 1 changed" in main.inner_text()
    officer.screenshot(path=str(ARTIFACTS / "load-file-applied.png"), full_page=True)

    member_context, member = _signed_in(browser, own_server, "member")
    member.get_by_text("7 savings lines: £10.401m targeted, £6.983m forecast").wait_for(
        timeout=60_000
    )
    assert member.get_by_role("link", name="Load a file").count() == 0
    officer_context.close()
    member_context.close()


def test_an_officers_rows_outside_their_assignment_are_refused_on_the_page(own_server, browser):
    everything = _savings(own_server)
    context, officer = _signed_in(browser, own_server, "officer", "load_file")
    officer.get_by_role("heading", name="Load a file").wait_for(timeout=60_000)
    _upload_and_check(officer, "all-savings.csv", _csv(everything))
    officer.get_by_text("rows are outside your assignment").wait_for(timeout=30_000)
    assert officer.get_by_role("button", name="Apply: write these rows of savings").count() == 0
    officer.screenshot(path=str(ARTIFACTS / "load-file-outside.png"), full_page=True)
    context.close()
