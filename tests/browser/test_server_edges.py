"""The server's edges, against a real `ascgov serve`: what an anonymous client can do to it.

- Foreign-origin websocket handshakes are refused without the server looking anything up
  outside (Streamlit's own check asks an outside host for the machine's address, blocking the
  event loop for seconds per handshake), so the health check stays fast during a flood.
- ``/_stcore/metrics`` answers no one; a client cannot clear every user's caches.
- The app's own responses forbid framing and MIME sniffing.
- SIGTERM stops the server promptly and cleanly, with a session open and a script running.
"""

from __future__ import annotations

import math
import os
import signal
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from dashboard.navigation import PAGES
from tests.browser.conftest import served, sign_in
from tests.browser.edge_support import OutboundRecorder

FOREIGN = "https://attacker.example"
HANDSHAKES, OVER_SECONDS = 30, 10.0


def _handshake(base: str, origin: str) -> str:
    url = base.replace("http://", "ws://") + "/_stcore/stream"
    try:
        with connect(url, origin=origin, subprotocols=["streamlit"], open_timeout=30):
            return "accepted"
    except InvalidStatus as exc:
        return f"refused {exc.response.status_code}"
    except (OSError, TimeoutError) as exc:
        return f"failed {type(exc).__name__}"


def _health_latencies(base: str, stop: threading.Event, into: list[float]) -> None:
    while not stop.is_set():
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=5) as reply:
                reply.read()
            into.append(time.perf_counter() - start)
        except OSError:
            into.append(5.0)  # a health check that times out counts as its timeout
        time.sleep(0.1)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def _flood(base: str, origin: str) -> tuple[list[str], list[float]]:
    """``HANDSHAKES`` handshakes from ``origin`` spread over ``OVER_SECONDS``, each in its own
    thread as separate attackers would send them, while the health check is polled."""
    outcomes: list[str] = []
    latencies: list[float] = []
    stop = threading.Event()
    poller = threading.Thread(target=_health_latencies, args=(base, stop, latencies))
    poller.start()
    threads = []
    for _ in range(HANDSHAKES):
        thread = threading.Thread(target=lambda: outcomes.append(_handshake(base, origin)))
        thread.start()
        threads.append(thread)
        time.sleep(OVER_SECONDS / HANDSHAKES)
    for thread in threads:
        thread.join(timeout=90)
    stop.set()
    poller.join()
    return outcomes, latencies


def test_foreign_origin_handshakes_are_refused_without_outside_lookups_or_a_stall(tmp_path):
    with OutboundRecorder() as outbound, served(tmp_path / "s.sqlite3", env=outbound.env) as app:
        outcomes, latencies = _flood(app.base, FOREIGN)
    p95 = _p95(latencies)
    print(f"health check during the flood: p95 {p95:.3f} s over {len(latencies)} checks")
    found = {
        "refused": outcomes.count("refused 403"),
        "health p95 under 0.5 s": p95 < 0.5,
        "outside requests": outbound.requests,
    }
    expected = {"refused": HANDSHAKES, "health p95 under 0.5 s": True, "outside requests": []}
    assert found == expected, f"p95 {p95:.2f} s; handshakes: {sorted(set(outcomes))}"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with served(tmp_path_factory.mktemp("edges") / "s.sqlite3") as running:
        yield running


def _status(url: str, method: str = "GET") -> int:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_same_origin_handshake_is_accepted(app):
    assert _handshake(app.base, app.base) == "accepted"


@pytest.mark.parametrize(
    "origin", [None, "null", "http://127.0.0.1:1", "http://localhost.attacker.example"]
)
def test_handshakes_from_no_or_another_origin_are_refused(app, origin):
    url = app.base.replace("http://", "ws://") + "/_stcore/stream"
    with pytest.raises(InvalidStatus) as refused:
        with connect(url, origin=origin, subprotocols=["streamlit"], open_timeout=10):
            pass
    assert refused.value.response.status_code == 403


@pytest.mark.parametrize("path", ["/_stcore/metrics", "/_stcore/agent/openapi.json"])
def test_server_internals_answer_no_one(app, path):
    assert _status(app.base + path) == 404


def test_a_client_cannot_clear_everyones_caches(app):
    url = app.base.replace("http://", "ws://") + "/_stcore/stream"
    request = BackMsg(clear_cache=True).SerializeToString()
    with connect(url, origin=app.base, subprotocols=["streamlit"], open_timeout=10) as ws:
        ws.send(request)
        ws.send(BackMsg(app_heartbeat=True).SerializeToString())
        time.sleep(1)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any("clear_cache" in x for x in app.log):
        time.sleep(0.2)
    refused = [line for line in app.log if "refused a clear_cache message" in line]
    assert len(refused) == 1, app.log[-20:]


def _asset_path(base: str) -> str:
    with urllib.request.urlopen(base + "/", timeout=10) as reply:
        page = reply.read().decode()
    start = page.index("./static/js/") + 1
    return page[start : page.index('"', start)]


@pytest.mark.parametrize("which", ["page", "asset", "health"])
def test_the_apps_own_responses_forbid_framing_and_sniffing(app, which):
    path = {"page": "/", "health": "/_stcore/health"}.get(which) or _asset_path(app.base)
    with urllib.request.urlopen(app.base + path, timeout=10) as reply:
        headers = reply.headers
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Content-Security-Policy"] == "frame-ancestors 'none'"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def _port_is_free(port: int) -> bool:
    """Whether a new server could listen on ``port`` (as servers do, past TIME_WAIT)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _stop_with_sigterm(app) -> tuple[int, float]:
    start = time.monotonic()
    app.process.send_signal(signal.SIGTERM)
    status = app.process.wait(timeout=30)
    return status, time.monotonic() - start


def test_sigterm_stops_the_server_cleanly_with_sessions_open(tmp_path, page):
    stream = "/_stcore/stream"
    with served(tmp_path / "s.sqlite3") as app:
        page.goto(app.base)
        sign_in(page, app, "director")
        page.get_by_role("heading", name="Adult social care: overview").wait_for(timeout=60_000)
        # a second session from a client that will not close its side, and a script in flight
        with connect(app.base.replace("http://", "ws://") + stream, origin=app.base):
            page.get_by_role("link", name=PAGES[2].title).click()
            status, stopped_in = _stop_with_sigterm(app)
    print(f"SIGTERM to exit: {stopped_in:.2f} s")
    assert status == 0, "\n".join(app.log[-20:])
    assert stopped_in < 10, f"stopped in {stopped_in:.1f} s"
    assert _port_is_free(int(app.base.rsplit(":", 1)[1]))


def _server_process_id(supervisor_pid: int) -> int:
    children = f"/proc/{supervisor_pid}/task/{supervisor_pid}/children"
    with open(children, encoding="ascii") as listing:
        [child] = listing.read().split()
    return int(child)


def test_sigterm_stops_even_a_wedged_server_within_ten_seconds(tmp_path):
    with served(tmp_path / "s.sqlite3") as app:
        # a stopped process cannot act on SIGTERM, as a server wedged in native code cannot
        server_pid = _server_process_id(app.process.pid)
        os.kill(server_pid, signal.SIGSTOP)
        status, stopped_in = _stop_with_sigterm(app)
    print(f"SIGTERM to exit, wedged server: {stopped_in:.2f} s")
    assert (status, stopped_in < 10) == (1, True), f"status {status} after {stopped_in:.1f} s"
    assert _port_is_free(int(app.base.rsplit(":", 1)[1]))
    assert "did not stop within 8 s; killed it" in "".join(app.log)
