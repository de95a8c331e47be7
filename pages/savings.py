"""Savings programme: the MTFS gap, every savings line with its BRAG rating and why, totals."""

import streamlit as st

from dashboard.ui import data, render
from dashboard.ui.components import choose, provenance, rating_key
from dashboard.ui.session import signed_in
from dashboard.views import savings

signed_in()  # also when a page runs on its own (tests): no figures before sign-in
st.title("Savings programme")
lines, mtfs = data.savings(), data.table("mtfs_requirements")
bridges = data.budget_bridge_parts()
if lines.is_empty() and mtfs.is_empty() and not bridges:
    st.info(
        "No savings figures have been loaded yet. Officers and directors load them on the "
        "Load a file page."
    )
    st.stop()

st.header(savings.MTFS_HEADING)
if mtfs.is_empty():
    st.info("No MTFS savings requirement has been loaded.")
for part in data.mtfs_parts():
    render.headlines(part.headlines)
    render.paragraph(part.coverage)
    render.chart(part.bridge)
    render.show(part.findings)
    provenance(part.source)

st.header("Budget-monitoring bridges")
if not bridges:
    st.info(savings.NO_BRIDGES)
for part in bridges:
    render.chart(part.bridge)
    render.show(part.findings)
    provenance(part.source)

st.header("Savings lines")
if lines.is_empty():
    st.info("No savings lines have been loaded yet.")
    st.stop()
rating_key(savings.BRAG_KEY, title=savings.BRAG_KEY_TITLE)
rated = data.rated_savings()
chosen = {}
for column, (key, label, field) in zip(st.columns(4), savings.FILTERS, strict=True):
    with column:
        chosen[key] = choose(label, savings.filter_options(rated, field), key=key)
shown, view = data.savings_lines(**chosen)
provenance(view.rule)
st.markdown(view.showing)
if shown.is_empty():
    st.info("No savings lines match these filters. Choose 'All' in a filter to widen the view.")
    st.stop()
render.table(view.on_screen, key="lines", download=view.lines)
provenance(f"{view.shares} {savings.IN_THE_DOWNLOAD}")
if view.stopped is not None:
    render.show(view.stopped.blocks(), key="stopped-")

st.subheader("BRAG split by value")
render.chart(view.split)

st.subheader("From target to forecast to delivered")
if view.progress is None:
    st.info(savings.NO_FORECAST)
else:
    render.chart(view.progress)

st.subheader("Totals by workstream, cohort and year")
for tab, (heading, table) in zip(st.tabs(list(view.totals)), view.totals.items(), strict=True):
    with tab:
        render.table(table, key=f"totals-{heading.lower()}")
render.show(view.findings)
