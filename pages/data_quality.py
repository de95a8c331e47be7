"""Definitions and data quality: what each measure means, checks of reported totals, stale items."""

import streamlit as st

from dashboard.ui import data, render
from dashboard.ui.components import choose, download_buttons, provenance
from dashboard.ui.session import signed_in
from dashboard.views import data_quality
from data_access.settings import get_settings

signed_in()  # also when a page runs on its own (tests): no figures before sign-in
st.title("Definitions and data quality")
settings = get_settings()


def first_rows_with_all_in_downloads(first, everything, *, key: str) -> None:
    """The first rows of a long list on screen; the downloads hold every row chosen."""
    st.dataframe(first.shown(), hide_index=True, key=key)
    download_buttons(everything, key=key)


st.header("What each measure means")
definitions = data.definitions_view()
if words := data_quality.words(definitions):  # MTFS, OT, BRAG: spelt out before the table
    provenance(words)
render.table(definitions, key="definitions")

st.header("Reported totals checked against their parts")
checks = data.checks_view()
st.markdown(checks.sentence)
render.show(checks.shown_warnings)
if checks.more:
    st.markdown(checks.more)
if checks.filtered:
    show_col, find_col = st.columns(2)
    with show_col:
        show = choose("Checks", data_quality.CHECK_CHOICES, key="checks", all_label="All checks")
    find = find_col.text_input("Find a figure or source", key="find_check", bind="query-params")
    chosen, first, sentence = data_quality.checks_shown(checks, show=show, text=find)
    st.markdown(sentence)
    first_rows_with_all_in_downloads(first, chosen, key="findings")
else:
    render.table(checks.table, key="findings")

st.header("Items with no recent update")
stale = data.stale_view(settings.stale_after_days)
kind = find = None
if stale.filtered:
    kind_col, find_col = st.columns(2)
    with kind_col:
        kind = choose("Kind", data_quality.STALE_KINDS, key="kind", all_label="All kinds")
    find = find_col.text_input("Find a code or title", key="find_item", bind="query-params")
chosen, first, sentence = data_quality.stale_shown(stale, kind=kind, text=find)
st.markdown(sentence)
if not chosen.is_empty():
    first_rows_with_all_in_downloads(first, chosen, key="stale")
