"""The server's edge: what a client may ask of the dashboard before any page runs.

``EdgeGuard`` is ASGI middleware that wraps Streamlit's own server (``dashboard/server.py``), so
it sees every request first:

- A websocket handshake is accepted only from the deployment's own origin (``public_url``), or
  from the same loopback origin the server is opened at on this machine. Streamlit's own check
  would accept any page on localhost, and for any other origin it asks an outside host for the
  machine's external address: two blocking requests of up to 1 s each, on the event loop, for
  every handshake, so a few anonymous handshakes froze the server for everyone. Refused here,
  a handshake never reaches that check. A handshake without an ``Origin`` is refused too: every
  browser sends one.
- A request that changes something (POST, PUT, PATCH, DELETE) from a page of another origin is
  refused (Streamlit's XSRF token stays the main defence; this one costs nothing).
- Messages a client could use against other people are dropped from the websocket:
  ``clear_cache`` clears every user's caches; ``load_git_info`` reads the server's git state
  (remote, branch, uncommitted file names); the ``debug_*`` messages stop the runtime.
- ``/_stcore/metrics`` and the agent API (``/_stcore/agent/...``) answer 404.
- Every response forbids framing and MIME sniffing and keeps the address to this site.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from ipaddress import ip_address
from typing import Any
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg

from data_access.settings import web_origin

log = logging.getLogger("ascgov.edge")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

REFUSED_MESSAGES = frozenset(
    {"clear_cache", "load_git_info", "debug_disconnect_websocket", "debug_shutdown_runtime"}
)
HIDDEN_PATHS = ("/_stcore/metrics", "/_stcore/agent")
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# the proxy in front sends a full Content-Security-Policy (docs/deploy/nginx.conf); the app
# itself only forbids framing, which needs nothing from the pages
SECURITY_HEADERS = (
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)


def _is_loopback(hostname: str | None) -> bool:
    if hostname == "localhost":
        return True
    try:
        return ip_address(hostname or "").is_loopback
    except ValueError:
        return False


def origin_allowed(origin: str | None, host: str | None, public_origin: str) -> bool:
    """Whether a page at ``origin`` may talk to this server, reached as ``host``.

    >>> origin_allowed("http://127.0.0.1:8501", "127.0.0.1:8501", "")
    True
    >>> origin_allowed("http://localhost:3000", "127.0.0.1:8501", "")
    False
    """
    try:
        normalised = web_origin(origin or "")
    except ValueError:
        return False  # absent, "null" or not an address
    if public_origin and normalised == public_origin:
        return True
    # the dashboard opened directly on this machine: the page comes from the server itself
    own = "http://" + (host or "")
    try:
        return _is_loopback(urlsplit(own).hostname) and normalised == web_origin(own)
    except ValueError:
        return False  # a Host header that is not a host


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def refused_message(frame: bytes | None) -> str | None:
    """The type of a client's websocket message when it is one we drop, else None."""
    if not frame:
        return None
    try:
        kind = BackMsg.FromString(frame).WhichOneof("type")
    except Exception:  # noqa: BLE001 - Streamlit itself closes the connection on a bad frame
        return None
    return kind if kind in REFUSED_MESSAGES else None


class EdgeGuard:
    """ASGI middleware in front of Streamlit's server: see the module docstring."""

    def __init__(self, app: Callable[..., Awaitable[None]], *, public_url: str = "") -> None:
        self.app = app
        self.public_origin = web_origin(public_url) if public_url else ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
        elif scope["type"] == "http":
            await self._http(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    def _allowed(self, scope: Scope) -> bool:
        origin, host = _header(scope, b"origin"), _header(scope, b"host")
        return origin_allowed(origin, host, self.public_origin)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._allowed(scope):
            log.warning("refused a websocket from origin %r", _header(scope, b"origin"))
            await send({"type": "websocket.close", "code": 1008})  # answered as HTTP 403
            return

        async def guarded_receive() -> Message:
            while True:
                message = await receive()
                kind = message["type"] == "websocket.receive" and refused_message(
                    message.get("bytes")
                )
                if not kind:
                    return message
                log.warning("refused a %s message from a client", kind)

        await self.app(scope, guarded_receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"].rstrip("/")
        if any(path == p or path.startswith(p + "/") for p in HIDDEN_PATHS):
            await _respond(send, 404, b"Not found")
            return
        origin = _header(scope, b"origin")
        if scope["method"] in UNSAFE_METHODS and origin is not None and not self._allowed(scope):
            log.warning("refused a %s from origin %r", scope["method"], origin)
            await _respond(send, 403, b"Forbidden")
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {key.lower() for key, _ in message.get("headers", ())}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _respond(send: Send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8"), *SECURITY_HEADERS]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
