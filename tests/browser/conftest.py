"""A real server and the Debian chromium, driven by Playwright.

Locally these tests skip, saying what is missing; under CI (CI=true) a missing browser or
axe-core is a failure. Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import REPO

ARTIFACTS = REPO / "test-artifacts" / "screenshots"
AXE = REPO / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # the browser's own autofill lookups (sign-in forms) would otherwise go to an outside host
    # and blur what the pages themselves fetch (test_no_outside_requests.py)
    "--disable-features=AutofillServerCommunication",
]


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what}: CI must run the browser tests")
    pytest.skip(reason=f"browser test skipped: {what}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    base: str
    passwords: dict[str, str]  # role -> the demo password `ascgov serve` printed once
    url: str  # the store's database URL
    process: subprocess.Popen | None = None
    log: list[str] = field(default_factory=list)  # what the server printed after starting

    def __str__(self) -> str:
        return self.base


def _printed_passwords(process) -> dict[str, str]:
    """Read `ascgov serve`'s first-start lines up to the address, keeping the demo sign-ins."""
    passwords, deadline = {}, time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line or line.startswith("dashboard:"):
            break
        match = re.match(r"\s+(member|officer|director|admin)\s+(\S+@\S+)\s+(\S+)", line)
        if match:
            passwords[match.group(1)] = match.group(3)
    return passwords


@contextmanager
def served(db: Path, *extra: str, port: int | None = None, env: dict[str, str] | None = None):
    """`ascgov serve` on a new store at ``db``, as a newcomer would start it: the first start
    loads the demo council and prints one sign-in per role. Yields a ``Server``; ``env`` adds
    to the server's environment.

    The demo's case history is left out (``--no-demo-cases``: it takes minutes) unless
    ``extra`` asks for it; a test that needs case data loads a small one
    (``data_access.demo_cases``)."""
    url = "sqlite:///" + str(db)
    port = port or _free_port()
    env = {**os.environ, **(env or {}), "ASCGOV_DATABASE_URL": url}
    ascgov = shutil.which("ascgov", path=str(Path(sys.executable).parent))
    process = subprocess.Popen(
        [ascgov, "serve", f"--port={port}", *_without_case_history(extra)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        passwords = _printed_passwords(process)
        log: list[str] = []
        # keeps the pipe drained (a full pipe would block the server) and the lines for tests
        threading.Thread(target=lambda: log.extend(process.stdout), daemon=True).start()
        base = f"http://127.0.0.1:{port}"
        _wait_healthy(base, process)
        assert set(passwords) == {"member", "officer", "director", "admin"}, passwords
        yield Server(base, passwords, url, process, log)
    finally:
        process.terminate()
        process.wait(timeout=20)


def _without_case_history(extra: tuple[str, ...]) -> tuple[str, ...]:
    if any(option in extra for option in ("--demo-cases", "--no-demo-cases")):
        return extra
    return ("--no-demo-cases", *extra)


def _wait_healthy(base: str, process) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as reply:
                if reply.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    process.kill()
    pytest.fail("the dashboard did not answer on /_stcore/health within 60 s")


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    with served(tmp_path_factory.mktemp("browser") / "demo.sqlite3") as running:
        yield running


@pytest.fixture(scope="session")
def browser():
    chromium = shutil.which("chromium")
    if chromium is None:
        _missing("Debian chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-GB")
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        _missing("axe-core is not installed (npm ci --prefix tests/browser)")
    return AXE.read_text(encoding="utf-8")


def sign_in(page, server: Server, role: str) -> None:
    """Fill in the sign-in form that every page shows first, as the demo user of ``role``."""
    page.get_by_role("textbox", name="Email address").fill(f"{role}@demo.example")
    page.get_by_role("textbox", name="Password").fill(server.passwords[role])
    page.get_by_role("button", name="Sign in").click()


# whether the sidebar is as wanted: "true" when closed (Streamlit's data-collapsed attribute)
_SIDEBAR_COLLAPSED = (
    "want => document.querySelector(\"[data-testid='stSidebar']\")"
    ".getAttribute('data-collapsed') === want"
)


def sidebar_becomes(page, state: str, *, timeout: int = 30_000) -> None:
    """Wait until the sidebar is ``open`` or ``closed``."""
    page.wait_for_function(
        _SIDEBAR_COLLAPSED, arg="false" if state == "open" else "true", timeout=timeout
    )
