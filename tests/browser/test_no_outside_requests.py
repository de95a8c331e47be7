"""Every page loads everything it needs from the deployment itself: chromium visits every page,
signed in, and no request leaves the app's own origin (no icon font, favicon or script from an
outside host). Two views: the requests the pages make (Playwright), and a proxy that would
receive anything the browser itself fetches for them, such as the tab's icon."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from dashboard.navigation import PAGES
from tests.browser.edge_support import OutboundRecorder, visit_every_page


@pytest.fixture
def recorded(browser):
    """A browser context whose every outside request goes to a recording proxy."""
    with OutboundRecorder() as outbound:
        proxy = outbound.env["HTTP_PROXY"]
        # only the app (on loopback) is reached directly
        context = browser.new_context(
            viewport={"width": 1366, "height": 900},
            locale="en-GB",
            proxy={"server": proxy, "bypass": "127.0.0.1"},
        )
        yield context, outbound
        context.close()


def test_no_page_fetches_anything_from_outside_the_deployment(server, recorded):
    context, outbound = recorded
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    seen = [
        title for role in ("director", "admin") for title in visit_every_page(page, server, role)
    ]
    assert set(seen) == {spec.title for spec in PAGES}
    own = urlsplit(server.base).netloc
    outside = sorted(
        {
            u
            for u in requests
            if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).netloc != own
        }
    )
    icon = page.evaluate("() => document.querySelector(\"link[rel='shortcut icon']\").href")
    assert (outside, outbound.requests) == ([], []), icon
    assert urlsplit(icon).scheme == "data" or urlsplit(icon).netloc == own, icon
