"""The Streamlit app: page set-up, sign-in, the "as at" control and navigation by role."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.navigation import PAGES, not_offered
from dashboard.ui import page_script, session
from dashboard.ui.as_at import as_at_control
from dashboard.ui.snapshot import app_run
from data_access.settings import SettingsError, get_settings

REPO = Path(__file__).resolve().parent.parent
# a file of our own: a ":material/...:" page icon makes every browser fetch the tab's icon from
# an outside font host (fonts.gstatic.com)
FAVICON = REPO / "dashboard" / "assets" / "favicon.svg"


def main() -> None:
    try:
        settings = get_settings()
    except SettingsError as exc:
        # a setting that cannot be used stops the app with one line naming it, not a traceback
        st.error(f"The dashboard cannot start: {exc}", icon=":material/error:")
        st.stop()
    st.set_page_config(page_title=settings.council_name, page_icon=FAVICON, layout="wide")
    if settings.logo_path:
        st.logo(settings.logo_path)
    st.caption(settings.council_name)
    # one read of the dataset versions for this run, shared by sign-in and the page it runs
    with app_run():
        _navigate()


def _navigate() -> None:
    principal = session.known_principal()
    # a flat list: Streamlit's sectioned sidebar puts headings inside its <ul>, which screen
    # readers announce as a broken list (axe: list, listitem). Every page is registered, those
    # the person may not use hidden: the address asked for survives the sign-in form, and a
    # page their role cannot use says so instead of silently showing another.
    registered = {
        spec.path: st.Page(
            REPO / spec.path,
            title=spec.title,
            icon=spec.icon,
            default=spec.default,
            visibility="visible" if principal and spec.offered_to(principal) else "hidden",
        )
        for spec in PAGES
    }
    # expanded: every page a reader may open is listed (collapsed, Streamlit hides those past
    # the twelfth behind "View more", and a director has thirteen)
    navigation = st.navigation(
        list(registered.values()), position="sidebar" if principal else "hidden", expanded=True
    )
    if principal is None:
        # the sign-in form, or why this address has no access; stops
        session.signed_in(asked_for=navigation.url_path)
        return
    session.signed_in_panel(principal)
    page_script.add()
    spec = next(spec for spec in PAGES if registered[spec.path] is navigation)
    if not spec.offered_to(principal):
        _not_for_this_role(spec, principal, registered[PAGES[0].path])
        return
    as_at_control()
    navigation.run()


def _not_for_this_role(spec, principal, start) -> None:
    st.title(spec.title)
    st.warning(not_offered(spec, principal), icon=":material/block:")
    st.page_link(start, label="Go to the overview")
