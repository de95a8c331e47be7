"""A Streamlit client that speaks the browser's websocket protocol, for the load benchmark.

It does what the browser does, without drawing anything: it loads the app's address (keeping
any cookie the server sets, such as the XSRF token and the browser cookie local sign-in needs),
opens ``/_stcore/stream`` with the ``streamlit`` subprotocol and the page's own origin, sends
``BackMsg.rerun_script`` with the page to show and the widget values, and reads ``ForwardMsg``s
until the script run finishes. When the app sends the browser to an address (after a local
sign-in, to collect the session cookie), ``follow`` loads it, keeps its cookies and opens the
connection again, as the browser's new page would. Twenty of
these cost a few per cent of one core, where twenty chromium pages would saturate the machine and
measure the browser rather than the server.

Every wait has a deadline: a run with no ``script_finished`` within ``hang_after`` seconds of
being asked for raises ``Hang``; a closed or refused connection raises ``Disconnected``.
"""

from __future__ import annotations

import asyncio
import http.client
import http.cookiejar
import time
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlsplit

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

XSRF_COOKIE = "_streamlit_xsrf"
CONNECT_TIMEOUT_S = 15.0


class Hang(Exception):
    """The server did not finish a script run within the allowed time."""

    def __init__(self, message: str, asked_at: float):
        super().__init__(message)
        self.asked_at = asked_at  # time.monotonic() when the run was asked for


class Disconnected(Exception):
    """The websocket closed, or could not be opened."""


@dataclass
class Element:
    kind: str  # the Element oneof: "heading", "text_input", "alert", ...
    proto: Any
    path: tuple[int, ...]


@dataclass
class Run:
    """One script run as the client saw it: its elements, the pages the navigation offered,
    when the headline and the end arrived (seconds after asking), and what went wrong."""

    asked_at: float
    headline: str | None = None
    elements: list[Element] = field(default_factory=list)
    pages: dict[str, str] = field(default_factory=dict)  # page title -> script hash
    headline_s: float | None = None
    finished_s: float | None = None
    problems: list[str] = field(default_factory=list)
    redirect: str | None = None  # an address the app sent the browser to

    def widget(self, kind: str, label: str, *, form: str | None = None) -> Any:
        """The widget of this kind and label (in ``form``, when given); LookupError otherwise."""
        for element in self.elements:
            proto = element.proto
            if element.kind == kind and proto.label == label:
                if form is None or proto.form_id == form:
                    return proto
        raise LookupError(f"no {kind} labelled {label!r} on the page; it showed {self.summary()}")

    def summary(self, limit: int = 300) -> str:
        """The headings, alerts and widgets' labels of the run, shortened, for messages."""
        shown = [
            f"{e.kind}: {getattr(e.proto, 'body', '') or getattr(e.proto, 'label', '')}"
            for e in self.elements
            if e.kind in ("heading", "alert", "exception") or hasattr(e.proto, "label")
        ]
        return repr(shown)[:limit]

    def alerts(self, fmt: int) -> list[str]:
        return [e.proto.body for e in self.elements if e.kind == "alert" and e.proto.format == fmt]

    def texts(self) -> list[str]:
        return [e.proto.body for e in self.elements if e.kind == "markdown"]


def value(widget_id: str, text: str) -> WidgetState:
    """A text box's, select box's or radio's value, as the browser reports it."""
    state = WidgetState(id=widget_id)
    state.string_value = text
    return state


def press(widget_id: str) -> WidgetState:
    """A button press (a form's submit button included)."""
    state = WidgetState(id=widget_id)
    state.trigger_value = True
    return state


def rerun_message(page_hash: str, widgets: list[WidgetState]) -> bytes:
    message = BackMsg()
    message.rerun_script.page_script_hash = page_hash
    message.rerun_script.widget_states.widgets.extend(widgets)
    return message.SerializeToString()


def _first_visit(base: str) -> dict[str, str]:
    """Load the app's address as a browser does first; the cookies the server set."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/", timeout=CONNECT_TIMEOUT_S) as reply:
        reply.read()
    return {cookie.name: cookie.value for cookie in jar}


def _load(base: str, address: str, cookies: dict[str, str]) -> dict[str, str]:
    """GET an address of the app with the browser's cookies, not following its redirect; the
    cookies afterwards (a cookie set with Max-Age=0 is forgotten)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=CONNECT_TIMEOUT_S)
    try:
        connection.request("GET", address, headers={"Cookie": _cookie_header(cookies)})
        reply = connection.getresponse()
        reply.read()
        kept = dict(cookies)
        for header in reply.headers.get_all("set-cookie") or ():
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    kept.pop(name, None)
                else:
                    kept[name] = morsel.value
        return kept
    finally:
        connection.close()


def _cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


class Client:
    """One browser session. ``async with Client(base, hang_after) as client: ...``"""

    def __init__(self, base: str, hang_after: float):
        self.base = base
        self.hang_after = hang_after
        self.cookies: dict[str, str] = {}
        self._ws = None

    async def __aenter__(self) -> Client:
        try:
            self.cookies = await asyncio.to_thread(_first_visit, self.base)
        except OSError as exc:
            raise Disconnected(f"could not load the page: {type(exc).__name__}: {exc}") from exc
        await self._connect()
        return self

    async def follow(self, address: str) -> None:
        """Load ``address`` as the browser does when the app sends it there, then open the
        connection again with the cookies it set."""
        try:
            self.cookies = await asyncio.to_thread(_load, self.base, address, self.cookies)
        except OSError as exc:
            raise Disconnected(f"could not load {address}: {type(exc).__name__}: {exc}") from exc
        await self.__aexit__()
        await self._connect()

    async def _connect(self) -> None:
        cookies = self.cookies
        try:
            token = cookies.get(XSRF_COOKIE)
            cookie_header = _cookie_header(cookies)
            self._ws = await websockets.connect(
                "ws" + self.base.removeprefix("http") + "/_stcore/stream",
                subprotocols=["streamlit", *([token] if token else [])],
                origin=self.base,
                additional_headers={"Cookie": cookie_header} if cookies else None,
                proxy=None,
                max_size=None,  # a page with tables and charts sends messages of several MB
                ping_interval=None,  # the browser does not ping: a stuck server shows as a Hang
                open_timeout=CONNECT_TIMEOUT_S,
                close_timeout=2,
            )
        except (OSError, TimeoutError, websockets.InvalidHandshake) as exc:
            raise Disconnected(f"could not connect: {type(exc).__name__}: {exc}") from exc

    async def __aexit__(self, *exc_info) -> None:
        if self._ws is not None:
            try:
                await asyncio.wait_for(self._ws.close(), 5)
            except (TimeoutError, OSError, websockets.ConnectionClosed):
                pass

    async def run(
        self,
        page_hash: str = "",
        widgets: list[WidgetState] | None = None,
        headline: str | None = None,
    ) -> Run:
        """Ask for a script run of the page (the default page for ``""``) with these widget
        values; return when it has finished (through any ``st.rerun`` on the way)."""
        run = Run(asked_at=time.monotonic(), headline=headline)
        try:
            await asyncio.wait_for(self._ws.send(rerun_message(page_hash, widgets or [])), 10)
            while run.finished_s is None:
                message = ForwardMsg()
                message.ParseFromString(await self._receive(run))
                _take(run, message)
        except websockets.ConnectionClosed as exc:
            raise Disconnected(f"connection closed ({exc})") from exc
        return run

    async def _receive(self, run: Run) -> bytes:
        left = run.asked_at + self.hang_after - time.monotonic()
        try:
            return await asyncio.wait_for(self._ws.recv(), max(left, 0.001))
        except TimeoutError:
            message = f"no end of the script run within {self.hang_after:.0f} s"
            raise Hang(message, run.asked_at) from None


def _take(run: Run, message: ForwardMsg) -> None:
    kind = message.WhichOneof("type")
    elapsed = time.monotonic() - run.asked_at
    if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
        _take_element(run, message, elapsed)
    elif kind == "navigation":
        # hidden pages are registered only to say that this role cannot use them
        pages = message.navigation.app_pages
        run.pages = {p.page_name: p.page_script_hash for p in pages if not p.is_hidden}
    elif kind == "auth_redirect":
        run.redirect = message.auth_redirect.url
    elif kind == "script_finished":
        status = message.script_finished
        if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            run.problems.append("the script did not compile")
        if status != ForwardMsg.FINISHED_EARLY_FOR_RERUN:  # st.rerun: the next run follows
            run.finished_s = elapsed
    elif kind == "page_not_found":
        run.problems.append(f"page not found: {message.page_not_found.page_name!r}")
    elif kind == "session_event" and message.session_event.HasField("script_compilation_exception"):
        run.problems.append("script compilation exception")


def _take_element(run: Run, message: ForwardMsg, elapsed: float) -> None:
    element = message.delta.new_element
    kind = element.WhichOneof("type")
    proto = getattr(element, kind)
    run.elements.append(Element(kind, proto, tuple(message.metadata.delta_path)))
    if kind == "heading" and run.headline_s is None and proto.body == run.headline:
        run.headline_s = elapsed
    elif kind == "exception":
        run.problems.append(f"exception shown: {proto.type or 'error'}: {proto.message[:200]}")
    elif kind == "alert" and proto.format == Alert.ERROR:
        run.problems.append(f"error shown: {proto.body[:200]}")
