"""The browser's side of a local sign-in (dashboard/ui/browser_session.py): the cookies' names
and attributes, the two addresses that set and clear the session cookie, the middleware that
gives each browser its own cookie, and the whole journey through the app under AppTest: sign
in, a new page, a page left open, a filter link, sign out; and a page the role cannot use."""

from __future__ import annotations

from datetime import UTC, datetime
from http.cookies import SimpleCookie

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import HTMLResponse, PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient
from streamlit.testing.v1 import AppTest

from dashboard.ui import browser_session
from dashboard.ui import session as ui_session
from data_access.access import principal_for
from data_access.settings import get_settings
from data_access.sign_in_sessions import Limits, begin
from data_access.users import set_password
from tests.conftest import REPO
from tests.pages_support import page_text, signed_in_as
from tests.sign_in_support import Browser

PASSPHRASE = "member's long passphrase"
OVERVIEW = "Adult social care: overview"
ACTIONS = "../pages/committee_actions.py"  # relative to the entry script, as AppTest wants


@pytest.mark.parametrize(
    ("asked", "sent_back_to"),
    [
        ("/committee_actions?status=Open&owner=Jo%20Officer", None),
        ("/", None),
        (None, "/"),
        ("", "/"),
        ("savings", "/"),  # not a path
        ("https://elsewhere.example/", "/"),
        ("//elsewhere.example/savings", "/"),  # another host, written as a path
        ("/\\elsewhere.example", "/"),  # browsers read a backslash as a slash
        ("/\t/elsewhere.example", "/"),  # browsers drop tabs and newlines from addresses
        ("/savings\r\nSet-Cookie: x=1", "/"),
        ("/_sign-in/finish?next=/", "/"),  # no loop through its own addresses
        ("/" + "a" * 2000, "/"),
    ],
)
def test_the_browser_goes_back_only_to_a_page_of_this_site(asked, sent_back_to):
    assert browser_session.return_address(asked) == (sent_back_to or asked)


def _attributes(header: str) -> tuple[str, str, dict[str, str]]:
    (name, morsel), *_ = SimpleCookie(header).items()
    flags = {k: str(v) for k, v in morsel.items() if v}
    return name, morsel.value, flags


STRICT = {"path": "/", "httponly": "True", "samesite": "Strict"}


def _client(cookies: dict[str, str] | None = None) -> TestClient:
    app = Starlette(routes=browser_session.routes())
    client = TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)
    client.cookies.update(cookies or {})
    return client


def _waiting(store, browser: str) -> None:
    limits = Limits.from_settings()
    begin(store, "member@demo.example", browser=browser, now=datetime.now(UTC), limits=limits)


def test_finishing_a_sign_in_sets_the_session_cookie_once_and_goes_back(app_store):
    _waiting(app_store, "browser one")
    client = _client({"ascgov-browser": "browser one"})
    reply = client.get("/_sign-in/finish?next=%2Fcommittee_actions%3Fstatus%3DOpen")
    assert (reply.status_code, reply.headers["location"]) == (303, "/committee_actions?status=Open")
    assert reply.headers["cache-control"] == "no-store"
    name, token, flags = _attributes(reply.headers["set-cookie"])
    assert (name, len(token), flags) == ("ascgov-session", 43, STRICT)
    # collected once: the same address again sets nothing
    again = client.get("/_sign-in/finish?next=%2F")
    assert (again.headers["location"], again.headers.get("set-cookie")) == ("/", None)


def test_a_finish_from_another_browser_or_none_sets_nothing(app_store):
    _waiting(app_store, "browser one")
    for cookies in ({"ascgov-browser": "browser two"}, {}):
        reply = _client(cookies).get("/_sign-in/finish?next=//elsewhere.example/")
        assert (reply.headers["location"], reply.headers.get("set-cookie")) == ("/", None)


@pytest.fixture
def over_https(monkeypatch):
    monkeypatch.setenv("ASCGOV_PUBLIC_URL", "https://dashboard.council.example")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_over_https_the_cookies_are_secure_and_host_only(app_store, over_https):
    assert browser_session.browser_cookie_name() == "__Host-ascgov-browser"
    _waiting(app_store, "browser one")
    reply = _client({"__Host-ascgov-browser": "browser one"}).get("/_sign-in/finish?next=%2F")
    name, _, flags = _attributes(reply.headers["set-cookie"])
    assert (name, flags) == ("__Host-ascgov-session", {**STRICT, "secure": "True"})
    # the plain name, which a sibling site could have planted, is not read
    _waiting(app_store, "browser two")
    plain = _client({"ascgov-browser": "browser two"}).get("/_sign-in/finish?next=%2F")
    assert plain.headers.get("set-cookie") is None


def test_after_signing_out_the_browser_forgets_its_session_cookie(app_store):
    reply = _client({"ascgov-session": "a token"}).get("/_sign-in/signed-out")
    assert (reply.status_code, reply.headers["location"]) == (303, "/")
    name, value, flags = _attributes(reply.headers["set-cookie"])
    assert (name, value, flags) == ("ascgov-session", "", {**STRICT, "max-age": "0"})
    # a link from another site carries no Strict cookie, and clears nothing
    assert _client().get("/_sign-in/signed-out").headers.get("set-cookie") is None


def _site() -> TestClient:
    routes = [
        Route("/", lambda request: HTMLResponse("<!doctype html><title>Page</title>")),
        Route("/_stcore/health", lambda request: PlainTextResponse("ok")),
    ]
    middleware = [Middleware(browser_session.BrowserCookie)]
    return TestClient(Starlette(routes=routes, middleware=middleware))


def test_each_browser_gets_its_own_random_cookie_with_its_first_page(app_store):
    first, second = _site().get("/"), _site().get("/")
    one, two = (_attributes(r.headers["set-cookie"]) for r in (first, second))
    assert one[0] == two[0] == "ascgov-browser"
    assert one[2] == two[2] == STRICT
    assert len(one[1]) == 43 and one[1] != two[1]
    assert _site().get("/_stcore/health").headers.get("set-cookie") is None  # not a page
    held = _site()
    held.cookies.update({"ascgov-browser": one[1]})
    assert held.get("/").headers.get("set-cookie") is None  # kept, not replaced


# --- the journey, through the app ------------------------------------------------------------
def _app() -> AppTest:
    return signed_in_as(
        AppTest.from_file(str(REPO / "dashboard/streamlit_app.py"), default_timeout=60), None
    )


def _run(at: AppTest) -> AppTest:
    at = at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _on_actions_page(filters: dict[str, str]) -> AppTest:
    at = _run(_app())
    for key, value in filters.items():
        at.query_params[key] = value
    return _run(at.switch_page(ACTIONS))


def _asks_to_sign_in(at: AppTest) -> None:
    assert [t.value for t in at.title] == ["Sign in"]
    assert not at.metric and not at.sidebar.button


def test_a_local_sign_in_lasts_across_pages_and_links_until_signed_out(app_store, monkeypatch):
    browser = Browser(monkeypatch)
    admin = principal_for(app_store, "admin@demo.example")
    set_password(app_store, "member@demo.example", PASSPHRASE, actor=admin)

    # a link to the open actions, before signing in: the form, then back to that view
    at = _on_actions_page({"status": "Open"})
    _asks_to_sign_in(at)
    at.text_input[0].input("member@demo.example")
    at.text_input[1].input(PASSPHRASE)
    _run(next(b for b in at.button if b.label == "Sign in").click())
    assert browser.sent_to == ["/_sign-in/finish?next=%2Fcommittee_actions%3Fstatus%3DOpen"]
    assert browser.follow() == "/committee_actions?status=Open"
    linked = _on_actions_page({"status": "Open"})
    assert "Showing 9 of 12 resolutions and actions." in page_text(linked)

    # a tab left open on the overview, and a new page (a reload, another tab)
    browser.open_tab()
    left_open = _run(_app())
    assert [t.value for t in left_open.title] == [OVERVIEW]
    browser.new_page()
    at = _run(_app())
    assert [t.value for t in at.title] == [OVERVIEW]

    # signing out there ends it in the tab left open too, at its next run
    at = _run(at.sidebar.button(key="sign-out").click())
    assert browser.sent_to == ["/_sign-in/signed-out"]
    browser.open_tab()  # that tab still holds the cookie it opened with
    left_open = _run(left_open)
    _asks_to_sign_in(left_open)
    assert [i.value for i in left_open.info] == [ui_session.SIGNED_OUT_ELSEWHERE]
    # and the browser forgets the cookie: every new page asks again, with no notice
    assert browser.follow() == "/"
    assert browser_session.session_cookie_name() not in browser.jar
    browser.new_page()
    for at in (_run(_app()), _on_actions_page({"status": "Open"})):
        _asks_to_sign_in(at)
        assert not at.info


@pytest.mark.parametrize(
    ("role", "page", "told"),
    [
        (
            "member",
            "review_queue",
            "The Review queue page is for officers and directors; "
            "you are signed in as a member. Choose another page from the menu.",
        ),
        (
            "admin",
            "updates",
            "The Updates page is for officers and directors; "
            "you are signed in as an administrator. Choose another page from the menu.",
        ),
        (
            "director",
            "administration",
            "The Administration page is for administrators; "
            "you are signed in as a director. Choose another page from the menu.",
        ),
    ],
)
def test_a_page_the_role_cannot_use_says_so(app_store, role, page, told):
    at = signed_in_as(
        AppTest.from_file(str(REPO / "dashboard/streamlit_app.py"), default_timeout=60), role
    )
    at = _run(_run(at).switch_page(f"../pages/{page}.py"))
    assert [w.value for w in at.warning] == [told]
    assert not at.dataframe and not at.table and not at.text_input
    # still signed in, with the way out
    assert at.sidebar.button(key="sign-out")


def test_a_page_run_checks_the_session_in_the_store_once(app_store, monkeypatch):
    """The app's entry and the page both ask who is signed in: one look-up a run."""
    browser = Browser(monkeypatch)
    _waiting(app_store, browser.jar["ascgov-browser"])
    browser.sent_to.append("/_sign-in/finish?next=%2F")
    browser.follow()
    from data_access import sign_in_sessions

    checks = []
    real = sign_in_sessions.check
    monkeypatch.setattr(
        sign_in_sessions, "check", lambda *a, **k: checks.append(1) or real(*a, **k)
    )
    at = _run(_app())
    assert [t.value for t in at.title] == [OVERVIEW]
    assert len(checks) == 1
    _run(at)
    assert len(checks) == 2


def test_an_administrator_resets_a_forgotten_password_and_the_old_sign_ins_end(
    app_store, monkeypatch
):
    browser = Browser(monkeypatch)
    _waiting(app_store, browser.jar["ascgov-browser"])
    browser.sent_to.append("/_sign-in/finish?next=%2F")
    browser.follow()
    assert [t.value for t in _run(_app()).title] == [OVERVIEW]

    admin = signed_in_as(
        AppTest.from_file(str(REPO / "pages/administration.py"), default_timeout=60), "admin"
    )
    admin = _run(admin)
    admin.selectbox(key="pw-email").select("member@demo.example")
    admin.text_input(key="pw-new").input("a brand new long passphrase")
    admin = _run(admin.button(key="FormSubmitter:set-password-Set password").click())
    assert (
        "Password set for member@demo.example; they are signed out wherever they were signed "
        "in. Give them the new password in person or by phone, not by email."
    ) in page_text(admin)
    at = _run(_app())
    _asks_to_sign_in(at)
    assert [i.value for i in at.info] == [ui_session.SIGNED_OUT_ELSEWHERE]
