"""Briefing and downloads: the pack of the figures for an as-at date, as PDF or Word."""

import streamlit as st

from dashboard.ui import data
from dashboard.ui.briefing import (
    NO_MEETING,
    PACK_KEY,
    SECTIONS,
    dataset_downloads,
    make_pack,
    meeting_choices,
    pack_download,
    uk_today,
)
from dashboard.ui.session import Permission, require_permission

who = require_permission(Permission.BRIEF)
st.title("Briefing and downloads")
st.markdown(
    "A briefing pack holds the dashboard's figures as they stood at the end of the day you "
    "choose: a cover, a one-page summary with what changed since the last meeting, each "
    "page's tables and charts (every chart with its figures as a table), reconciliation notes, "
    "and definitions and sources. Every table on every page also has CSV and Excel downloads "
    "beneath it."
)
today = uk_today()
with st.form("brief"):
    day = st.date_input(
        "Figures as at", value=data.as_at() or today, max_value=today, format="DD/MM/YYYY"
    )
    meetings = {label: id_ for id_, label in meeting_choices(data.table("meetings")).items()}
    meeting = st.selectbox("Meeting the pack is for (shown on the cover)", [NO_MEETING, *meetings])
    sections = st.multiselect(
        "Sections", list(SECTIONS), default=list(SECTIONS), format_func=SECTIONS.get
    )
    fmt = st.radio("Format", ["pdf", "docx"], format_func={"pdf": "PDF", "docx": "Word"}.get)
    asked = st.form_submit_button("Make the briefing pack", type="primary")
if asked:
    make_pack(who, day=day, fmt=fmt, meeting=meetings.get(meeting), sections=tuple(sections))
if PACK_KEY in st.session_state:
    pack_download()

st.header("All the figures")
st.markdown(
    "Each set of figures whole, with where each row came from and who loaded it: money in "
    "pounds, dates as dates, an Excel notes sheet. They are as at the day chosen in the "
    "sidebar's “Figures as at” (the live figures when it is empty)."
)
dataset_downloads(data.as_at())
