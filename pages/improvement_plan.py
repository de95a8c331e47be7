"""Improvement plan tracker: every accountability area, then one area's milestones."""

import streamlit as st

from dashboard.ui import data, render
from dashboard.ui.components import choose, provenance, rating_key
from dashboard.ui.session import signed_in
from dashboard.views import plan
from dashboard.views.blocks import Paragraph

signed_in()  # also when a page runs on its own (tests): no figures before sign-in
st.title("Improvement plan tracker")
tracker = data.plan_tracker()
if tracker.rows.is_empty():
    st.info(plan.NO_AREAS)
    st.stop()

render.headlines(tracker.counts)
rating_key(plan.RAG_KEY, title="RAG key")
st.caption(plan.STATUS_AND_RAG)
if tracker.words:
    provenance(tracker.words)

status_col, rag_col, lead_col = st.columns(3)
with status_col:
    status = choose("Status", list(tracker.statuses), key="status")
with rag_col:
    rag = choose("RAG", list(tracker.ratings), key="rag")
with lead_col:
    lead = choose("Lead", list(tracker.leads), key="lead")
shown = data.plan_areas(status=status, rag=rag, lead=lead)
st.markdown(shown.showing)
render.table(shown.table, key="areas-table")
provenance(tracker.source)

st.header("One area in detail")
code = choose("Accountability area", list(tracker.titles), key="area", all_label="Choose an area")
if code is None:
    st.markdown(plan.CHOOSE_AN_AREA)
    st.stop()
area = data.area_detail(code)
render.show(area.blocks())
if area.timeline is None:
    st.info(area.summary)
else:
    render.chart(area.timeline)

with st.expander(f"History of {code} and its milestones"):
    for dataset, key, label in [("areas", code, f"Area {code}")] + [
        ("milestones", m, f"Milestone {m}") for m in area.milestones
    ]:
        render.show([Paragraph("", lead=label)])
        render.table(data.history_table(dataset, key, label), key=f"history-{dataset}-{key}")
