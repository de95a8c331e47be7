"""Briefing and downloads: the pack of the figures for an as-at date, as PDF or Word."""

import streamlit as st

from dashboard.ui import data
from dashboard.ui.briefing import (
    PACK_KEY,
    SECTIONS,
    choose_meeting,
    dataset_downloads,
    make_pack,
    pack_download,
    uk_today,
)
from dashboard.ui.session import Permission, require_permission

who = require_permission(Permission.BRIEF)
st.title("Briefing and downloads")
st.markdown(
    "A briefing pack holds the dashboard's figures as they stood at the end of the day you "
    "choose (choosing a meeting sets it to the meeting's day): a cover, a one-page summary "
    "with what changed since the last meeting, each "
    "page's tables and charts (every chart with its figures as a table), reconciliation notes, "
    "and definitions and sources. Every table on every page also has CSV and Excel downloads "
    "beneath it. A pack made here is for reading; to keep a meeting's pack as the record of "
    "what the committee saw, directors use the Meetings page."
)
meeting, day = choose_meeting(
    data.table("meetings", live=True), uk_today(), sidebar_day=data.as_at()
)
with st.form("brief"):
    sections = st.multiselect(
        "Sections", list(SECTIONS), default=list(SECTIONS), format_func=SECTIONS.get
    )
    fmt = st.radio("Format", ["pdf", "docx"], format_func={"pdf": "PDF", "docx": "Word"}.get)
    asked = st.form_submit_button("Make the briefing pack", type="primary")
if asked:
    make_pack(who, day=day, fmt=fmt, meeting=meeting, sections=tuple(sections))
if PACK_KEY in st.session_state:
    pack_download()

st.header("All the figures")
st.markdown(
    "Each set of figures whole, with where each row came from and who loaded it: money in "
    "pounds, dates as dates, an Excel notes sheet. They are as at the day chosen in the "
    "sidebar's “Figures as at” (the live figures when it is empty)."
)
dataset_downloads(data.as_at())
