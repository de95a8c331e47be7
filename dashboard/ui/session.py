"""Who is using the dashboard: sign-in (the council's identity provider through ``st.login``,
or local accounts), the idle and absolute session limits, and the page-level role check.

The page check only decides what to offer; the rule itself is enforced again by every command
in ``data_access`` (a hidden button is not a permission).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import streamlit as st

from dashboard.ui import data
from dashboard.ui.data import get_store
from dashboard.ui.snapshot import page_run
from data_access.access import DISABLED_ACCOUNT, Permission, Principal
from data_access.settings import get_settings

_LOCAL_EMAIL = "ascgov_local_email"
_SIGNED_IN_AT = "ascgov_signed_in_at"
_LAST_SEEN = "ascgov_last_seen"
_NOTICE = "ascgov_sign_in_notice"


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
    for key in (_LOCAL_EMAIL, _SIGNED_IN_AT, _LAST_SEEN):
        st.session_state.pop(key, None)
    if notice:
        st.session_state[_NOTICE] = notice
    if _oidc_email() is not None:
        st.logout()


def _expired(moment: datetime) -> str | None:
    """Why the session has ended, or None while it is still good."""
    settings = get_settings()
    started = st.session_state.get(_SIGNED_IN_AT) or _identity_started() or moment
    last_seen = st.session_state.get(_LAST_SEEN, moment)
    if moment - started > timedelta(hours=settings.session_limit_hours):
        return (
            f"You were signed out: sessions last at most {settings.session_limit_hours} hours. "
            "Please sign in again."
        )
    if moment - last_seen > timedelta(minutes=settings.idle_timeout_minutes):
        return (
            f"You were signed out after {settings.idle_timeout_minutes} minutes without "
            "activity. Please sign in again."
        )
    return None


def current_email() -> str | None:
    """The signed-in person's email, after enforcing the session limits."""
    email = _oidc_email() or st.session_state.get(_LOCAL_EMAIL)
    if email is None:
        return None
    moment = now()
    reason = _expired(moment)
    if reason:
        sign_out(reason)
        return None
    st.session_state.setdefault(_SIGNED_IN_AT, _identity_started() or moment)
    st.session_state[_LAST_SEEN] = moment
    return email


def session_lapsed() -> bool:
    """Whether nobody is signed in here or the session is past its limits, signing nobody
    out: a form's callback runs before the page checks the session, so a save asks first."""
    if (_oidc_email() or st.session_state.get(_LOCAL_EMAIL)) is None:
        return True
    return _expired(now()) is not None


def known_principal() -> Principal | None:
    """The signed-in person if they are a user of this dashboard; None otherwise (no UI)."""
    email = current_email()
    principal = None if email is None else data.principal(email)
    # a disabled user is nobody here: ``signed_in`` tells them why
    return None if principal is None or principal.disabled else principal


def signed_in() -> Principal:
    """The signed-in person; otherwise show the sign-in form and stop the page.

    Every page calls it (or ``require_permission``) first: it also begins the page's reads
    (``page_run``), the one read of the dataset versions in this run.
    """
    page_run()
    email = current_email()
    if email is None:
        _sign_in_form()
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


def _sign_in_form() -> None:
    from data_access.users import SignInRefused, check_password

    st.title("Sign in")
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
    if not submitted:
        return
    try:
        principal = check_password(get_store(), email, password, source=client_address(), now=now())
    except SignInRefused as exc:
        st.error(str(exc))
        return
    moment = now()
    st.session_state[_LOCAL_EMAIL] = principal.email
    st.session_state[_SIGNED_IN_AT] = moment
    st.session_state[_LAST_SEEN] = moment
    st.rerun()


def signed_in_panel(principal: Principal) -> None:
    """Who is signed in, with their role and a way out (in the sidebar)."""
    role = principal.role.value if principal.role else ""
    st.sidebar.markdown(f"Signed in as **{_plain(principal.name)}** ({role})")
    st.sidebar.button("Sign out", on_click=sign_out, key="sign-out")


def _plain(text: str) -> str:
    from dashboard.domain.formatting import plain

    return plain(text)
