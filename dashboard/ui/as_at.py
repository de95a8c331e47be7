"""The "figures as at" control (sidebar) and the banner every page shows when it is set."""

from __future__ import annotations

import streamlit as st

from dashboard.domain import formatting
from dashboard.ui.data import AS_AT_PARAM, as_at
from data_access import days


def as_at_control() -> None:
    """A date in the sidebar (kept in the URL as ``?as_at=YYYY-MM-DD``): every page then shows
    the figures as they stood at the end of that day, rebuilt from the history."""
    st.sidebar.date_input(
        "Figures as at",
        value=None,
        max_value=days.today(),
        key=AS_AT_PARAM,
        bind="query-params",
        format="DD/MM/YYYY",
        help="Leave empty for the live figures. Pick a past day (e.g. a meeting date) to see "
        "the dashboard as it stood at the end of that day.",
    )
    as_at_banner()


def as_at_banner() -> None:
    day = as_at()
    if day is not None:
        st.warning(
            f"You are looking at the figures as they stood at the end of {formatting.day(day)}, "
            "not the live figures. Clear “Figures as at” in the sidebar to go back to live.",
            icon=":material/history:",
        )
