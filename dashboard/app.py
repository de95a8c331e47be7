"""The Streamlit app: page set-up, header and navigation from the page registry."""

from __future__ import annotations

import streamlit as st

from dashboard.navigation import PAGES
from data_access.settings import get_settings


def main() -> None:
    settings = get_settings()
    st.set_page_config(
        page_title=settings.council_name, page_icon=":material/elderly:", layout="wide"
    )
    if settings.logo_path:
        st.logo(settings.logo_path)
    sections: dict[str, list] = {}
    for page in PAGES:
        sections.setdefault(page.section, []).append(
            st.Page(page.path, title=page.title, icon=page.icon, default=page.default)
        )
    navigation = st.navigation(sections)
    st.caption(settings.council_name)
    navigation.run()
