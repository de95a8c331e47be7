"""The edge guard in front of Streamlit's server (dashboard/edge.py), at the ASGI boundary: what
reaches the app behind it and what the client gets back. End-to-end checks against a real
`ascgov serve` are in tests/browser/test_server_edges.py."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket, WebSocketDisconnect
from streamlit.proto.BackMsg_pb2 import BackMsg

from dashboard.edge import EdgeGuard, origin_allowed

PUBLIC = "https://dashboard.council.gov.uk"


@pytest.mark.parametrize(
    ("origin", "host", "public", "allowed"),
    [
        ("http://127.0.0.1:8501", "127.0.0.1:8501", "", True),
        ("http://localhost:8501", "localhost:8501", "", True),
        ("http://[::1]:8501", "[::1]:8501", "", True),
        ("http://127.0.0.1:8502", "127.0.0.1:8501", "", False),  # another app on this machine
        ("http://localhost:3000", "localhost:8501", "", False),
        ("http://10.0.0.5:8501", "10.0.0.5:8501", "", False),  # not loopback, not public
        ("https://evil.example", "evil.example", "", False),  # DNS rebinding: same host, not ours
        (PUBLIC, "dashboard.council.gov.uk", PUBLIC, True),
        (PUBLIC, "127.0.0.1:8501", PUBLIC, True),  # a proxy that rewrites Host
        ("https://Dashboard.Council.gov.uk:443", "127.0.0.1:8501", PUBLIC, True),
        ("http://dashboard.council.gov.uk", "dashboard.council.gov.uk", PUBLIC, False),
        ("https://dashboard.council.gov.uk.evil.example", "127.0.0.1:8501", PUBLIC, False),
        ("https://evil.example", "evil.example", PUBLIC, False),
        (None, "127.0.0.1:8501", PUBLIC, False),
        ("null", "127.0.0.1:8501", PUBLIC, False),
        ("http://127.0.0.1:8501", "127.0.0.1:8501[", "", False),
    ],
)
def test_which_origins_may_connect(origin, host, public, allowed):
    assert origin_allowed(origin, host, public) is allowed


class Behind:
    """The app behind the guard (Streamlit's place): records what reaches it."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.connections = 0
        self.messages: list[str] = []

    async def page(self, request):
        self.requests.append(f"{request.method} {request.url.path}")
        return PlainTextResponse("page", headers={"Referrer-Policy": "no-referrer"})

    async def stream(self, websocket: WebSocket):
        self.connections += 1
        await websocket.accept()
        try:
            while True:
                frame = await websocket.receive_bytes()
                self.messages.append(BackMsg.FromString(frame).WhichOneof("type"))
        except WebSocketDisconnect:
            pass

    def app(self):
        return Starlette(
            routes=[
                Route("/{path:path}", self.page, methods=["GET", "POST", "PUT"]),
                WebSocketRoute("/_stcore/stream", self.stream),
            ]
        )


@pytest.fixture
def behind():
    return Behind()


@pytest.fixture
def client(behind):
    # the test client's pages come from http://testserver: let that be the public address
    return TestClient(EdgeGuard(behind.app(), public_url="http://testserver"))


def test_a_refused_handshake_never_reaches_streamlit(client, behind):
    with pytest.raises(WebSocketDisconnect) as refused:
        with client.websocket_connect(
            "/_stcore/stream", headers={"origin": "https://evil.example"}
        ):
            pass
    assert refused.value.code == 1008
    assert (behind.connections, behind.requests) == (0, [])


def test_messages_against_other_people_are_dropped_the_rest_pass(client, behind):
    frames = [
        BackMsg(clear_cache=True),
        BackMsg(app_heartbeat=True),
        BackMsg(load_git_info=True),
        BackMsg(debug_shutdown_runtime=True),
        BackMsg(stop_script=True),
    ]
    with client.websocket_connect("/_stcore/stream", headers={"origin": "http://testserver"}) as ws:
        for frame in frames:
            ws.send_bytes(frame.SerializeToString())
    assert behind.messages == ["app_heartbeat", "stop_script"]


@pytest.mark.parametrize(
    "path", ["/_stcore/metrics", "/_stcore/metrics/", "/_stcore/agent/openapi.json"]
)
def test_server_internals_answer_404_and_never_reach_streamlit(client, behind, path):
    reply = client.get(path)
    assert (reply.status_code, behind.requests) == (404, [])


@pytest.mark.parametrize(
    ("origin", "status"),
    [("https://evil.example", 403), ("null", 403), ("http://testserver", 200), (None, 200)],
)
def test_a_change_from_another_origin_is_refused(client, origin, status):
    headers = {"origin": origin} if origin else {}
    assert client.put("/_stcore/upload_file/s/f", headers=headers).status_code == status


def test_every_response_forbids_framing_and_sniffing(client):
    headers = client.get("/").headers
    assert headers["x-frame-options"] == "DENY"
    assert headers["content-security-policy"] == "frame-ancestors 'none'"
    assert headers["x-content-type-options"] == "nosniff"
    # a header the app sets itself is kept, not doubled
    assert headers.get_list("referrer-policy") == ["no-referrer"]
