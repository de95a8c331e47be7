"""What the server-edge browser tests share: a recorder of outside requests, and a visit to
every page as a signed-in person."""

from __future__ import annotations

import socket
import threading

from dashboard.navigation import pages_for
from data_access.demo_accounts import demo_principals
from tests.browser.conftest import sign_in


class OutboundRecorder:
    """A listener that the server is told to use as its HTTP(S) proxy: every outside request
    made through ``requests`` or ``urllib`` (how Streamlit looks up the machine's external
    address) arrives here and is recorded. It never answers, as an unreachable host would not,
    so a lookup costs the server its full timeout, as it does on a machine without internet."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self._held: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def env(self) -> dict[str, str]:
        proxy = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        names = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
        return {
            **{n: proxy for n in names},
            **{n.lower(): proxy for n in names},
            "NO_PROXY": "",
            "no_proxy": "",
        }

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            connection.settimeout(1)
            try:
                first_line = connection.recv(300).split(b"\r\n")[0].decode("latin-1")
            except OSError:
                first_line = "(connected, sent nothing)"
            self.requests.append(first_line)
            self._held.append(connection)

    def __enter__(self) -> OutboundRecorder:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        for connection in [*self._held, self._listener]:
            connection.close()


def visit_every_page(page, server, role: str) -> list[str]:
    principal = next(p for p in demo_principals() if p.role.value == role)
    page.goto(server.base)
    sign_in(page, server, role)
    seen = []
    for spec in pages_for(principal):
        page.get_by_role("link", name=spec.title).click()
        page.get_by_role("heading", name=spec.headline).first.wait_for(timeout=60_000)
        page.wait_for_function(
            "() => document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0",
            timeout=60_000,
        )
        seen.append(spec.title)
    page.wait_for_timeout(1000)  # late requests (icons, fonts) after the last page drew
    # a local sign-in lasts in this browser: sign out, so the next role signs in afresh
    page.locator("[data-testid='stSidebar']").get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    return seen
