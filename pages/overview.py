"""Overview: the headline figures a councillor reads first, and what needs attention."""

import streamlit as st

from dashboard.ui import data, render
from dashboard.ui.components import card_with_note, cards, provenance
from dashboard.ui.session import signed_in
from dashboard.views import overview
from dashboard.views.blocks import Paragraph

MEETING = "since-meeting"

signed_in()  # also when a page runs on its own (tests): no figures before sign-in
st.title("Adult social care: overview")
held = data.meeting_choices()  # latest first: the default
# the choice made on the last run (the select is drawn below, under its heading)
chosen = st.session_state.get(MEETING) if st.session_state.get(MEETING) in held else None
meeting = held.get(chosen) or next(iter(held.values()), None)
view = data.overview(meeting)
if view.empty:
    st.info(overview.NO_FIGURES)
    st.stop()
st.markdown(view.as_at_sentence)

st.header(overview.since_heading(meeting, next(iter(held.values()), None)))
if held:
    st.selectbox("Compare with the meeting on", list(held), key=MEETING)
if view.changes is None:
    st.markdown(overview.NO_MEETING)
else:
    st.markdown(view.changes.summary)
    if view.changes.table is not None:
        if view.changes.cut:
            st.caption(view.changes.cut)
        render.table(view.changes.table, key="since-meeting")

st.header("Improvement plan")
st.markdown(view.plan_sentence)
render.headlines(view.plan)

st.header("Savings")
for part in view.mtfs:
    render.headlines(part.headlines)
    provenance(part.source)
    render.paragraph(Paragraph(part.coverage))
if view.savings_sentence is not None:
    st.markdown(view.savings_sentence)
if view.status_and_rating is not None:
    provenance(view.status_and_rating)
if view.split is not None:
    render.chart(view.split)

st.header("Backlog")
if view.backlog_words:
    provenance(view.backlog_words)
with cards():  # as many a row as fit whole, each with its month, basis and source under it
    for item in view.backlog.items:
        card_with_note(
            item.label, item.value, item.note, delta=item.delta, rise_is_good=item.rise_is_good
        )

st.header("Needs attention")
st.markdown(view.attention.sentence)
render.table(view.attention.table, key="attention")

with st.expander("Where these figures come from"):
    render.table(view.sources, key="sources")
