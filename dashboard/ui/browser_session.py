"""The browser's side of a local sign-in that lasts: its two cookies, the two addresses that set
and clear them, and sending the browser to one of those addresses.

Streamlit talks to a page over its websocket and cannot set a cookie, and a cookie that
scripts could read would hand the sign-in to any injected script. So the server sets them
itself, over plain HTTP, and both are ``HttpOnly``, ``SameSite=Strict``, ``Path=/``, and
``Secure`` with the ``__Host-`` prefix when the public address is https:

- the *browser cookie*, a random value set on the first page a browser loads
  (``BrowserCookie``, ASGI middleware). It names the browser, not a person.
- the *session cookie*, the token of a sign-in (``data_access.sign_in_sessions``). When the
  password is right, the app records a session waiting for the browser that sent the form
  (by the hash of its browser cookie) and sends the browser to ``FINISH``; that address
  hands the token over once, sets the cookie and sends the browser back to the page it asked
  for. The address carries no secret: only the page to return to.

Strict, not Lax: a link to the dashboard in an email still opens signed in, because the page
itself is static and the sign-in travels with its websocket, which the dashboard's own page
opens (a same-site request, which carries Strict cookies). Strict keeps the cookies off every
request another site starts. Both cookies last until the browser is closed; the session's
idle and absolute limits are the store's to enforce (``sign_in_sessions.check``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from datetime import UTC, datetime
from functools import lru_cache
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.requests import Request, cookie_parser
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from data_access import sign_in_sessions
from data_access.settings import default_database_url, get_settings
from data_access.store import Store, normalise_url

FINISH = "/_sign-in/finish"  # collects the session's token, sets the cookie, goes back
SIGNED_OUT = "/_sign-in/signed-out"  # clears the cookie after signing out, goes to the start
_OURS = "/_sign-in"
_LONGEST_RETURN = 2000

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def secure() -> bool:
    """Whether people open the dashboard over https (``ASCGOV_PUBLIC_URL``)."""
    return get_settings().public_url.startswith("https://")


def _name(base: str, is_secure: bool) -> str:
    # __Host-: the browser takes it only over https, from this host, for the whole site,
    # so no other site (a sibling subdomain included) can plant one
    return f"__Host-{base}" if is_secure else base


def browser_cookie_name(is_secure: bool | None = None) -> str:
    return _name("ascgov-browser", secure() if is_secure is None else is_secure)


def session_cookie_name(is_secure: bool | None = None) -> str:
    return _name("ascgov-session", secure() if is_secure is None else is_secure)


def cookie_header(name: str, value: str, *, is_secure: bool, clear: bool = False) -> str:
    """A ``Set-Cookie`` value: HttpOnly, SameSite=Strict, Path=/, Secure over https; no expiry
    (gone when the browser closes), or expired at once with ``clear``."""
    cookie: SimpleCookie = SimpleCookie()
    cookie[name] = "" if clear else value
    cookie[name]["path"] = "/"
    cookie[name]["httponly"] = True
    cookie[name]["samesite"] = "Strict"
    if is_secure:
        cookie[name]["secure"] = True
    if clear:
        cookie[name]["max-age"] = 0
    return cookie.output(header="").strip()


def return_address(target: str | None) -> str:
    """Where to send the browser back to: a path on this site (with its query), else the start.

    >>> return_address("/savings?rating=Red")
    '/savings?rating=Red'
    >>> return_address("//elsewhere.example/")
    '/'
    """
    if not target or len(target) > _LONGEST_RETURN or not target.startswith("/"):
        return "/"
    parts = urlsplit(target)
    unsafe = target.startswith(("//", "/\\")) or any(ord(c) < 0x21 or c == "\\" for c in target)
    if unsafe or parts.scheme or parts.netloc or parts.path.startswith(_OURS):
        return "/"
    return target


def finish_address(return_to: str) -> str:
    """The address that completes a sign-in and then shows ``return_to``."""
    return f"{FINISH}?next={quote(return_address(return_to), safe='')}"


@lru_cache(maxsize=4)
def _store(url: str) -> Store:
    return Store(url)


def _now() -> datetime:
    return datetime.now(UTC)


def _no_store(response: Response) -> Response:
    response.headers["cache-control"] = "no-store"
    return response


def finish(request: Request) -> Response:
    """``GET FINISH?next=PATH``: the session this browser has just begun gets its cookie, and
    the browser goes back to PATH. Without a session to collect (too late, collected already,
    or a request from another site, which carries no Strict cookie) it just goes back, where
    the sign-in form asks again."""
    is_secure = secure()
    response = RedirectResponse(return_address(request.query_params.get("next")), 303)
    browser = request.cookies.get(browser_cookie_name(is_secure))
    if browser:
        store = _store(normalise_url(default_database_url()))
        token = sign_in_sessions.hand_over(store, browser, now=_now())
        if token:
            header = cookie_header(session_cookie_name(is_secure), token, is_secure=is_secure)
            response.headers.append("set-cookie", header)
    return _no_store(response)


def signed_out(request: Request) -> Response:
    """``GET SIGNED_OUT``: after signing out (the session has already ended in the store),
    the browser forgets its session cookie and goes to the start."""
    is_secure = secure()
    response = RedirectResponse("/", 303)
    name = session_cookie_name(is_secure)
    # only a request of this site carries the Strict cookie: another site's link clears nothing
    if name in request.cookies:
        response.headers.append(
            "set-cookie", cookie_header(name, "", is_secure=is_secure, clear=True)
        )
    return _no_store(response)


def routes() -> list[Route]:
    """The two addresses, for ``st.App(routes=...)`` (dashboard/server.py)."""
    return [
        Route(FINISH, finish, methods=["GET"]),
        Route(SIGNED_OUT, signed_out, methods=["GET"]),
    ]


class BrowserCookie:
    """ASGI middleware: a page (HTML) sent to a browser without a browser cookie sets one, so
    that the browser's websocket, opened by that page, carries it to the sign-in form."""

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        is_secure = secure()
        name = browser_cookie_name(is_secure)
        if name in _request_cookies(scope):
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and _is_page(message):
                value = cookie_header(name, sign_in_sessions.new_secret(), is_secure=is_secure)
                message["headers"] = [
                    *message.get("headers", ()),
                    (b"set-cookie", value.encode("latin-1")),
                ]
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _request_cookies(scope: Scope) -> Mapping[str, str]:
    for key, value in scope.get("headers", ()):
        if key.lower() == b"cookie":
            return cookie_parser(value.decode("latin-1"))
    return {}


def _is_page(message: Message) -> bool:
    for key, value in message.get("headers", ()):
        if key.lower() == b"content-type":
            return value.lower().startswith(b"text/html")
    return False
