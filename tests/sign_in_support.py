"""A stand-in for the browser's side of a local sign-in, which AppTest lacks: cookies, and
loading the addresses the app sends the browser to (the app's store: ``app_store``)."""

from __future__ import annotations

from http.cookies import SimpleCookie

from starlette.applications import Starlette
from starlette.testclient import TestClient

from dashboard.ui import browser_session
from dashboard.ui import session as ui_session
from data_access.sign_in_sessions import new_secret


class Browser:
    """One browser: its cookie jar (with the browser cookie its first page load set), the
    addresses the app sent it to, and loading those through the dashboard's real routes.

    Each AppTest run reads the jar as it is then, as a page newly opened in a tab would;
    ``tab`` gives a tab that keeps the cookies it opened with, as a page left open does."""

    def __init__(self, monkeypatch) -> None:
        self.jar = {browser_session.browser_cookie_name(): new_secret()}
        self.sent_to: list[str] = []
        self._held: dict[str, str] | None = None
        monkeypatch.setattr(ui_session, "browser_cookies", self._cookies)
        monkeypatch.setattr(ui_session, "send_browser_to", self.sent_to.append)

    def _cookies(self) -> dict[str, str]:
        return dict(self.jar if self._held is None else self._held)

    def open_tab(self) -> None:
        """Pages run from now on hold the jar as it is now, until ``new_page``."""
        self._held = dict(self.jar)

    def new_page(self) -> None:
        self._held = None

    def follow(self) -> str:
        """Load the address the app last sent the browser to; the address it redirects to."""
        client = TestClient(Starlette(routes=browser_session.routes()), base_url="http://127.0.0.1")
        client.cookies.update(self.jar)
        reply = client.get(self.sent_to.pop(), follow_redirects=False)
        assert reply.status_code == 303, reply.text
        for header in reply.headers.get_list("set-cookie"):
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.jar.pop(name, None)
                else:
                    self.jar[name] = morsel.value
        return reply.headers["location"]
