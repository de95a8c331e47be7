"""Committee actions: resolutions and agreed actions by meeting, with overdue ones flagged."""

import streamlit as st

from dashboard.ui import data, render
from dashboard.ui.components import choose
from dashboard.ui.session import signed_in
from dashboard.views import committee_actions

signed_in()  # also when a page runs on its own (tests): no figures before sign-in
st.title("Committee actions")
view = data.committee_actions()
if view.empty:
    st.info(committee_actions.NO_ACTIONS)
    st.stop()

st.markdown(view.summary)
render.headlines(view.counts)
st.caption(committee_actions.EXPLAINED)

meeting_col, status_col, owner_col = st.columns(3)
with meeting_col:
    meeting = choose("Meeting", list(view.meetings), key="meeting")
with status_col:
    status = choose("Status", list(view.statuses), key="status")
with owner_col:
    owner = choose("Owner", list(view.owners), key="owner")
overdue_only = st.checkbox("Only overdue actions", key="overdue", bind="query-params")
showing, table = view.shown(meeting=meeting, status=status, owner=owner, overdue_only=overdue_only)
st.markdown(showing)
render.table(table, key="actions-table")
