"""Administration: users, their roles and assignments, the status lists, the backlog measures
and the review queue's weights."""

import streamlit as st

from dashboard.ui.admin_forms import (
    lists_section,
    measures_section,
    queue_weights_section,
    users_section,
)
from dashboard.ui.session import Permission, signed_in

who = signed_in()
st.title("Administration")
if not (who.has(Permission.MANAGE_USERS) or who.has(Permission.MANAGE_SETTINGS)):
    st.info("Administration is for administrators.")
    st.stop()
if who.has(Permission.MANAGE_USERS):
    users_section(who)
if who.has(Permission.MANAGE_SETTINGS):
    lists_section(who)
    measures_section(who)
    queue_weights_section(who)
