"""A local sign-in lasts: through a reload, in a second tab, and through a link with a filter
opened from another site (as from an email); signing out ends it in all three. The cookies
are HttpOnly and SameSite=Strict, and the store holds only the token's hash. A page the
person's role cannot use says so."""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from data_access import schema
from data_access.store import Store
from tests.browser.conftest import ARTIFACTS, _free_port, sign_in
from tests.browser.test_pages_in_browser import axe_violations

OVERVIEW = "Adult social care: overview"
FILTER = "/committee_actions?status=Open"
FILTERED = "Showing 9 of 12 resolutions and actions."
WAIT = 60_000


@pytest.fixture
def elsewhere(server):
    """A page of another site (``localhost`` is not ``127.0.0.1`` to a browser) holding a
    link to a filtered page of the dashboard, as an email or a council intranet would."""
    link = f'<!doctype html><title>Agenda</title><a href="{server.base}{FILTER}">Open actions</a>'

    class Agenda(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(link.encode())

        def log_message(self, *args):
            pass

    port = _free_port()
    site = ThreadingHTTPServer(("127.0.0.1", port), Agenda)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    yield f"http://localhost:{port}/"
    site.shutdown()


def _shows(page, heading: str) -> None:
    page.get_by_role("heading", name=heading).first.wait_for(timeout=WAIT)


def _asks_to_sign_in(page) -> None:
    _shows(page, "Sign in")
    page.get_by_role("button", name="Sign in").wait_for(timeout=WAIT)
    assert page.get_by_role("heading", name=OVERVIEW).count() == 0


def _signed_in_as_member(page) -> None:
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("Signed in as").wait_for(timeout=WAIT)
    assert "(member)" in sidebar.inner_text()


def _sessions(server, after: int = 0) -> list[dict]:
    """The sign-in sessions recorded after id ``after``: the server is shared by the worker's
    browser tests, so earlier tests' sign-ins are there too."""
    store = Store(server.url)
    try:
        with store.engine.connect() as conn:
            table = schema.sign_in_sessions
            rows = conn.execute(select(table).where(table.c.id > after).order_by("id"))
            return [dict(r._mapping) for r in rows]
    finally:
        store.dispose()


def test_a_sign_in_lasts_through_reload_tab_and_link_and_sign_out_ends_it(
    browser, server, elsewhere, axe_source
):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-GB")
    earlier = max((s["id"] for s in _sessions(server)), default=0)
    first = context.new_page()
    first.goto(server.base)
    _asks_to_sign_in(first)
    sign_in(first, server, "member")
    _shows(first, OVERVIEW)
    _signed_in_as_member(first)

    cookies = {c["name"]: c for c in context.cookies()}
    assert set(cookies) >= {"ascgov-browser", "ascgov-session"}
    for name in ("ascgov-browser", "ascgov-session"):
        attributes = {k: cookies[name][k] for k in ("httpOnly", "sameSite", "path", "secure")}
        assert attributes == {"httpOnly": True, "sameSite": "Strict", "path": "/", "secure": False}
        assert cookies[name]["expires"] == -1  # gone when the browser closes
    token = cookies["ascgov-session"]["value"]
    (session,) = _sessions(server, earlier)
    assert session["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(_sessions(server))
    # nothing secret was ever in an address the browser visited
    assert token not in first.url and "finish" not in first.url

    # a reload
    first.reload()
    _shows(first, OVERVIEW)
    _signed_in_as_member(first)

    # a second tab, straight to another page
    second = context.new_page()
    second.goto(server.base + "/improvement_plan")
    _shows(second, "Improvement plan tracker")
    _signed_in_as_member(second)

    # a link with a filter, followed from another site
    third = context.new_page()
    third.goto(elsewhere)
    third.get_by_role("link", name="Open actions").click()
    _shows(third, "Committee actions")
    third.get_by_text(FILTERED).wait_for(timeout=WAIT)
    _signed_in_as_member(third)
    assert third.url == server.base + FILTER

    # a page this role cannot use says so, and why
    third.goto(server.base + "/review_queue")
    third.get_by_text(
        "The Review queue page is for officers and directors; you are signed in as a member."
    ).wait_for(timeout=WAIT)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    third.screenshot(path=str(ARTIFACTS / "sign-in-not-for-this-role.png"))
    assert axe_violations(third, axe_source) == []

    # signing out in the first tab ends it everywhere
    first.locator("[data-testid='stSidebar']").get_by_role("button", name="Sign out").click()
    _asks_to_sign_in(first)
    assert "ascgov-session" not in {c["name"] for c in context.cookies()}
    (session,) = _sessions(server, earlier)
    assert session["revoked_because"] == "signed out"
    # the second tab, still open on its page, asks at its next click
    sidebar = second.locator("[data-testid='stSidebar']")
    sidebar.get_by_role("link", name="Savings programme").click()
    _asks_to_sign_in(second)
    second.get_by_text("You have been signed out. Please sign in again.").wait_for(timeout=WAIT)
    for page in (first, second, third):
        page.reload()
        _asks_to_sign_in(page)
    third.goto(server.base + FILTER)
    _asks_to_sign_in(third)
    context.close()


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (768, 1024)])
def test_the_sign_in_page_says_what_the_dashboard_is_and_what_to_do_about_a_password(
    browser, server, axe_source, width, height
):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    page = context.new_page()
    page.goto(server.base)
    _asks_to_sign_in(page)
    main = page.locator("[data-testid='stMain']")
    main.get_by_text("Forgotten your password").wait_for(timeout=WAIT)
    text = main.inner_text()
    assert "adult social care governance dashboard" in text
    assert "Ask your dashboard administrator: they can set a new password for you." in text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"sign-in-page-{width}.png"), full_page=True)
    assert axe_violations(page, axe_source) == []
    context.close()
