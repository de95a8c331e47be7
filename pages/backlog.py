"""Backlog and reviews: trends by team and band, when the waiting list clears, a what-if."""

import streamlit as st

from dashboard.ui import data, render
from dashboard.ui.components import choose, number_input, provenance
from dashboard.ui.session import signed_in
from dashboard.views import backlog
from dashboard.views.blocks import Paragraph

viewer = signed_in()  # also when a page runs on its own (tests): no figures before sign-in
st.title("Backlog and reviews")
if data.table("backlog").is_empty():
    st.info(backlog.NO_FIGURES)
    st.stop()

teams, bands = data.backlog_options()
choices = backlog.measure_choices(data.measures())
if words := backlog.words(choices):  # "OT" in a measure's label, spelt out before it is used
    provenance(words)
measure_col, team_col, band_col = st.columns(3)
with measure_col:
    label = choose("Measure", choices, key="measure", all_label="All measures")
with team_col:
    team = choose("Team", teams, key="team", all_label="All teams")
with band_col:
    band = choose("Priority band", bands, key="band", all_label="All priority bands")
rule = data.backlog_rule(viewer, team)  # exact for a director, or an officer's own team
view = data.backlog_view(team, band, rule)
render.headlines(view.headlines)
st.caption(backlog.MARKER_KEY)
if view.note:
    st.caption(view.note)

for item in view.chosen(label):
    st.header(item.label)
    st.caption(item.definition)
    if item.message:
        render.paragraph(Paragraph(item.message, "notice"))
        continue
    render.chart(item.chart)
    provenance(item.sources)
    if item.breakdown is not None:
        render.chart(item.breakdown)
    if item.breakdown_note:
        provenance(item.breakdown_note)

st.header(backlog.PROJECTION_HEADING)
render.paragraph(Paragraph(view.projection.sentence))

st.subheader(backlog.WHAT_IF_HEADING)
costs = data.backlog_programme()
render.paragraph(Paragraph(costs.sentence))
inputs = [
    number_input(column, spec) for column, spec in zip(st.columns(3), costs.inputs, strict=True)
]
scenario = data.backlog_what_if(team, band, rule, tuple(inputs))
if scenario is None:
    st.info(backlog.NO_WHAT_IF)
    st.stop()
render.paragraph(Paragraph(scenario.sentence))
render.headlines(scenario.headlines)
render.chart(scenario.chart)
