"""The "figures as at" control (sidebar) and the banner every page shows when it is set."""

from __future__ import annotations

import streamlit as st

from dashboard.domain import formatting
from dashboard.domain.formatting import plain
from dashboard.ui.data import AS_AT_PARAM, as_at, first_figures_day
from dashboard.views.as_at import NOT_YET, TYPE_IT, before_figures, not_a_day, read_day
from data_access import days


def as_at_control() -> None:
    """A day typed in the sidebar (kept in the URL, ``?as_at=2024-03-12``) and applied on
    Enter: every page then shows the figures as they stood at the end of that day, rebuilt
    from the history. A text box, not a date picker: Streamlit's date input applies a typed
    day only when its calendar closes, not on Enter."""
    typed = st.sidebar.text_input(
        "Figures as at",
        key=AS_AT_PARAM,
        bind="query-params",
        placeholder="DD/MM/YYYY",
        help=f"{TYPE_IT} (e.g. a meeting date) to see the dashboard as it stood at the end of "
        "that day. Leave it empty for the live figures.",
    )
    if typed and typed.strip():
        day = read_day(typed)
        if day is None:
            st.sidebar.error(plain(not_a_day(typed)))
        elif day >= days.today():
            st.sidebar.caption(NOT_YET)
    as_at_banner()


def as_at_banner() -> None:
    """The banner of a past day; before the figures begin, why there is nothing to show, in
    place of the page (whose "nothing loaded" would be untrue)."""
    day = as_at()
    if day is None:
        return
    first = first_figures_day()
    if first is not None and day < first:
        st.info(before_figures(day, first), icon=":material/history:")
        st.stop()
    st.warning(
        f"You are looking at the figures as they stood at the end of {formatting.day(day)}, "
        "not the live figures. Clear “Figures as at” in the sidebar to go back to live.",
        icon=":material/history:",
    )
