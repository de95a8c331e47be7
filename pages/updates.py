"""Updates: officers and directors change the items assigned to them, with history."""

import streamlit as st

from dashboard.ui import data
from dashboard.ui.session import signed_in
from dashboard.ui.update_forms import FORMS, forms_for

who = signed_in()
st.title("Updates")
choices = forms_for(who)
if not choices:
    st.info(
        "Your role does not include editing. Members read the figures; officers and directors "
        "keep them up to date."
    )
    st.stop()
if data.as_at() is not None:
    st.info("Updates change the live figures: clear “Figures as at” in the sidebar to edit.")
    st.stop()
st.markdown(
    "Change an item assigned to you. Every save is checked, kept in the item's history with "
    "your name, and shows to everyone on their next click. Commentary is shown as plain text."
)
kind = st.radio("What are you updating?", choices, horizontal=True, key="kind")
FORMS[kind][1](who)
