"""Who is using the dashboard: sign-in (the council's identity provider through ``st.login``,
or local accounts), the idle and absolute session limits, and the page-level role check.

A local sign-in is a session in the store (``data_access.sign_in_sessions``) that the browser
holds in a cookie (``dashboard.ui.browser_session``), so it lasts across reloads, tabs and
opened links. A sign-in through the identity provider lasts by Streamlit's own cookie; its
limits are counted in the page's session state.

The page check only decides what to offer; the rule itself is enforced again by every command
in ``data_access`` (a hidden button is not a permission).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import streamlit as st
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from dashboard.ui import browser_session, data
from dashboard.ui.data import get_store
from dashboard.ui.snapshot import current, page_run
from data_access import sign_in_sessions
from data_access.access import DISABLED_ACCOUNT, Permission, Principal
from data_access.settings import get_settings
from data_access.sign_in_sessions import Checked, Ended, Limits

# the identity provider's sign-in: when this page's session first saw it, and last used it
_SIGNED_IN_AT = "ascgov_signed_in_at"
_LAST_SEEN = "ascgov_last_seen"
_NOTICE = "ascgov_sign_in_notice"
# the local session as checked in this script run: (the run's snapshot, the token, the check)
_CHECKED = "ascgov_local_session_checked"
NO_BROWSER_COOKIE = (
    "This browser did not keep the dashboard's cookie, which is what keeps you signed in. "
    "Allow cookies for this site, then reload the page."
)
SIGNED_OUT_ELSEWHERE = "You have been signed out. Please sign in again."


def now() -> datetime:
    return datetime.now(UTC)


def client_address() -> str | None:
    """The address sign-in attempts from this browser are counted under: the connection's,
    or, from a proxy named in ``ASCGOV_TRUSTED_PROXIES``, the one its X-Forwarded-For names.

    A seam as ``now`` is: AppTest cannot set ``st.context.ip_address`` or headers, so the
    sign-in tests replace this function.
    """
    from data_access.throttle import client_address as behind_proxies

    forwarded = ", ".join(st.context.headers.get_all("X-Forwarded-For")) or None
    trusted = get_settings().trusted_proxy_networks
    return behind_proxies(st.context.ip_address, forwarded, trusted)


def browser_cookies() -> Mapping[str, str]:
    """The cookies the browser sent when it opened this page's connection.

    A seam as ``now`` is: AppTest cannot set cookies, so the sign-in tests replace it.
    """
    return st.context.cookies


def send_browser_to(address: str) -> None:
    """Load ``address`` (of this site) in the browser, as a new page.

    Streamlit has no public call for this; ``st.login`` sends the browser to its sign-in
    address with the same message. A seam: the sign-in tests replace it to see the address.
    """
    context = get_script_run_ctx()
    if context is not None:
        message = ForwardMsg()
        message.auth_redirect.url = address
        context.enqueue(message)


def oidc_configured() -> bool:
    """Whether ``.streamlit/secrets.toml`` names an identity provider (an ``[auth]`` section)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all is the common local case
        return False


def _oidc_email() -> str | None:
    if st.user.get("is_logged_in") is not True:
        return None
    email = st.user.get("email")
    return str(email).strip().lower() if email else None


def _identity_started() -> datetime | None:
    # the provider's "issued at" claim, when it sends one: the cookie outlives a browser tab
    issued = st.user.get("iat")
    if isinstance(issued, int | float):
        return datetime.fromtimestamp(issued, UTC)
    return None


def sign_out(notice: str | None = None) -> None:
    """End this sign-in: a local one in the store (so in every tab and window at once), and
    the browser forgets its cookie; the identity provider's through ``st.logout``."""
    for key in (_SIGNED_IN_AT, _LAST_SEEN):
        st.session_state.pop(key, None)
    if notice:
        st.session_state[_NOTICE] = notice
    if _oidc_email() is not None:
        st.logout()
        return
    token = _session_token()
    if token:
        sign_in_sessions.end(get_store(), token, now=now())
        send_browser_to(browser_session.SIGNED_OUT)


def _expired(moment: datetime) -> str | None:
    """Why the identity provider's sign-in has ended here, or None while it is still good."""
    started = st.session_state.get(_SIGNED_IN_AT) or _identity_started() or moment
    last_seen = st.session_state.get(_LAST_SEEN, moment)
    if moment - started > timedelta(hours=get_settings().session_limit_hours):
        return _ended_notice(Ended.LIMIT)
    if moment - last_seen > timedelta(minutes=get_settings().idle_timeout_minutes):
        return _ended_notice(Ended.IDLE)
    return None


def _ended_notice(ended: Ended | None) -> str | None:
    settings = get_settings()
    if ended is Ended.LIMIT:
        return (
            f"You were signed out: sessions last at most {settings.session_limit_hours} hours. "
            "Please sign in again."
        )
    if ended is Ended.IDLE:
        return (
            f"You were signed out after {settings.idle_timeout_minutes} minutes without "
            "activity. Please sign in again."
        )
    if ended is Ended.REVOKED:
        return SIGNED_OUT_ELSEWHERE
    if ended is Ended.DISABLED:
        return DISABLED_ACCOUNT
    return None  # no session, or one this store never held: just the form


def _cookie(name: str) -> str | None:
    value = browser_cookies().get(name)
    return value if isinstance(value, str) and value else None


def _session_token() -> str | None:
    return _cookie(browser_session.session_cookie_name())


def _local_session() -> Checked | None:
    """The browser's local sign-in checked against the store (a use counts as activity);
    None when the browser holds none."""
    token = _session_token()
    if token is None:
        return None
    return sign_in_sessions.check(get_store(), token, now=now(), limits=Limits.from_settings())


def _checked_this_run() -> Checked | None:
    """``_local_session``, once a script run: the app's entry and the page both ask, and each
    run has its own snapshot object (``dashboard.ui.snapshot``)."""
    run, token = current(), _session_token()
    held = st.session_state.get(_CHECKED)
    if held is not None and held[0] is run and held[1] == token:
        return held[2]
    checked = _local_session()
    st.session_state[_CHECKED] = (run, token, checked)
    return checked


def _oidc_session(email: str) -> str | None:
    moment = now()
    reason = _expired(moment)
    if reason:
        sign_out(reason)
        return None
    st.session_state.setdefault(_SIGNED_IN_AT, _identity_started() or moment)
    st.session_state[_LAST_SEEN] = moment
    return email


def current_email() -> str | None:
    """The signed-in person's email, after enforcing the session limits."""
    email = _oidc_email()
    if email is not None:
        return _oidc_session(email)
    checked = _checked_this_run()
    if checked is None:
        return None
    if checked.email is None:
        notice = _ended_notice(checked.ended)
        if notice:
            st.session_state[_NOTICE] = notice
    return checked.email


def session_lapsed() -> bool:
    """Whether nobody is signed in here or the session is past its limits, signing nobody
    out: a form's callback runs before the page checks the session, so a save asks first."""
    if _oidc_email() is not None:
        return _expired(now()) is not None
    checked = _local_session()
    return checked is None or checked.email is None


def known_principal() -> Principal | None:
    """The signed-in person if they are a user of this dashboard; None otherwise (no UI)."""
    email = current_email()
    principal = None if email is None else data.principal(email)
    # a disabled user is nobody here: ``signed_in`` tells them why
    return None if principal is None or principal.disabled else principal


def signed_in(asked_for: str = "") -> Principal:
    """The signed-in person; otherwise show the sign-in form and stop the page.

    Every page calls it (or ``require_permission``) first: it also begins the page's reads
    (``page_run``), the one read of the dataset versions in this run. ``asked_for`` is the
    page's address (its URL path), shown again once the person has signed in.
    """
    page_run()
    email = current_email()
    if email is None:
        _sign_in_form(asked_for)
        st.stop()
    principal = data.principal(email)
    if principal is None:
        st.error(
            f"You are signed in as {email}, but that address has no access to this dashboard. "
            "Ask your administrator to add you."
        )
        st.button("Sign out", on_click=sign_out, key="sign-out-unknown")
        st.stop()
    if principal.disabled:
        st.error(DISABLED_ACCOUNT)
        st.button("Sign out", on_click=sign_out, key="sign-out-disabled")
        st.stop()
    return principal


def require_permission(permission: Permission) -> Principal:
    """The signed-in person, if their role carries ``permission``; otherwise stop the page."""
    principal = signed_in()
    if not principal.has(permission):
        role = principal.role.value if principal.role else "no role"
        st.error(f"Your role ({role}) does not allow you to {permission.value}.")
        st.stop()
    return principal


def _sign_in_form(asked_for: str) -> None:
    from data_access.users import SignInRefused, check_password

    st.title("Sign in")
    _about_the_dashboard()
    notice = st.session_state.pop(_NOTICE, None)
    if notice:
        st.info(notice)
    if oidc_configured():
        st.button(
            "Sign in with your council account", on_click=st.login, type="primary", key="oidc"
        )
        st.caption("Or, if your administrator gave you a dashboard password:")
    with st.form("sign-in"):
        email = st.text_input("Email address", autocomplete="username", max_chars=254)
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in")
    _forgotten_password()
    if not submitted:
        return
    browser = _cookie(browser_session.browser_cookie_name())
    if browser is None:
        # nothing could keep the sign-in: say so before any attempt is counted
        st.error(NO_BROWSER_COOKIE)
        return
    try:
        principal = check_password(get_store(), email, password, source=client_address(), now=now())
    except SignInRefused as exc:
        st.error(str(exc))
        return
    limits = Limits.from_settings()
    sign_in_sessions.begin(get_store(), principal.email, browser=browser, now=now(), limits=limits)
    # the browser collects its session's cookie over HTTP, then comes back to this page
    send_browser_to(browser_session.finish_address(_address(asked_for)))
    st.info("Signed in: opening the dashboard.")


def _address(url_path: str) -> str:
    """This page's address on the site, with its query (filters, the as-at day)."""
    params = st.query_params
    pairs = [(key, value) for key in params for value in params.get_all(key)]
    return "/" + url_path + (f"?{urlencode(pairs)}" if pairs else "")


def _about_the_dashboard() -> None:
    st.markdown(
        "The council's adult social care governance dashboard: the improvement plan, the "
        "savings programme, backlogs, reviews and waiting lists, and the committee's actions, "
        "with where each figure comes from. It is for councillors, directors and officers."
    )


def _forgotten_password() -> None:
    settings = get_settings()
    hours = settings.session_limit_hours
    st.caption(
        "Forgotten your password, or locked out? Ask your dashboard administrator: they can "
        "set a new password for you."
        + (
            " A council account's password is reset by your IT service desk."
            if oidc_configured()
            else ""
        )
    )
    st.caption(
        "You stay signed in on this browser, in every tab, until you sign out or close the "
        f"browser, for up to {hours} hours; {settings.idle_timeout_minutes} minutes without "
        "using the dashboard signs you out."
    )


def signed_in_panel(principal: Principal) -> None:
    """Who is signed in, with their role and a way out (in the sidebar)."""
    role = principal.role.value if principal.role else ""
    st.sidebar.markdown(f"Signed in as **{_plain(principal.name)}** ({role})")
    st.sidebar.button("Sign out", on_click=sign_out, key="sign-out")


def _plain(text: str) -> str:
    from dashboard.domain.formatting import plain

    return plain(text)
