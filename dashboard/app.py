"""The Streamlit app: page set-up, header and navigation from the page registry."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.navigation import PAGES
from data_access.settings import get_settings

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    settings = get_settings()
    st.set_page_config(
        page_title=settings.council_name, page_icon=":material/elderly:", layout="wide"
    )
    if settings.logo_path:
        st.logo(settings.logo_path)
    # a flat list: Streamlit's sectioned sidebar puts headings inside its <ul>, which screen
    # readers announce as a broken list (axe: list, listitem)
    navigation = st.navigation(
        [
            st.Page(REPO / page.path, title=page.title, icon=page.icon, default=page.default)
            for page in PAGES
        ]
    )
    st.caption(settings.council_name)
    navigation.run()
