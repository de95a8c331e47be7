"""Meetings: every committee meeting, the pack kept as what it saw, its actions, and what has
changed since it."""

import streamlit as st

from dashboard.ui import data, meeting_record, render
from dashboard.ui.session import signed_in
from dashboard.views import meetings, overview

who = signed_in()
st.title("Meetings")
st.markdown(meetings.INTRO)
page = data.meetings_page()
if page.empty:
    st.info(meetings.NO_MEETINGS)
    st.stop()
render.table(page.listing(), key="meetings")

choices = page.choices()
label = st.selectbox("Meeting", list(choices), key="meeting", bind="query-params")
meeting_id = choices[label]
held = page.meeting(meeting_id)["meeting_date"]
meeting_record.said_after_keeping()

st.header("The pack kept for this meeting")
meeting_record.kept_packs(page, meeting_id)
meeting_record.check_button(who, page, meeting_id)
meeting_record.keep_form(who, page, meeting_id)

st.header("Resolutions and actions")
said, table = page.actions(meeting_id)
st.markdown(said)
if table.frame.height:
    render.table(table, key="meeting-actions")

st.header("What has changed since this meeting")
if held > data.as_at_or_today():
    st.markdown(meetings.STILL_TO_COME)
else:
    changes = data.overview(held).changes
    if changes is None:
        st.markdown(overview.NO_MEETING)
    else:
        st.markdown(changes.summary)
        if changes.table is not None:
            if changes.cut:
                st.caption(changes.cut)
            render.table(changes.table, key="since-this-meeting")
