"""The Streamlit app: page set-up, sign-in, the "as at" control and navigation by role."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.navigation import PAGES, pages_for
from dashboard.ui import session
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
    # readers announce as a broken list (axe: list, listitem). Before sign-in every page is
    # registered but hidden, so the address asked for survives the sign-in form.
    navigation = st.navigation(
        [
            st.Page(REPO / page.path, title=page.title, icon=page.icon, default=page.default)
            for page in (pages_for(principal) if principal else PAGES)
        ],
        position="sidebar" if principal else "hidden",
    )
    if principal is None:
        session.signed_in()  # the sign-in form, or why this address has no access; stops
        return
    session.signed_in_panel(principal)
    as_at_control()
    navigation.run()
