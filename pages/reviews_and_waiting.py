"""Reviews and waiting lists: the review clock's ageing bands, the national waiting lists and
occupational-therapy waits from the census extract, and reviews done from the CLD return.
Every figure arrives here already counted and disclosed for the viewer: never a person's row."""

import streamlit as st

from dashboard.ui import data, render
from dashboard.ui.components import choose, provenance
from dashboard.ui.session import signed_in
from dashboard.views import reviews
from dashboard.views.blocks import Paragraph

viewer = signed_in()  # also when a page runs on its own (tests): no figures before sign-in
st.title(reviews.TITLE)
teams = data.case_teams()
if not teams:
    render.paragraph(Paragraph(reviews.NO_EXTRACT, "notice"))
    render.show(data.reviews_done(data.backlog_rule(viewer, None)))
    st.stop()

team = choose("Team", teams, key="team", all_label="All teams")
rule = data.backlog_rule(viewer, team)  # exact for a director, or an officer's own team
view = data.reviews_view(team, rule)
provenance(f"{view.source}.")
if view.words:
    provenance(view.words)
render.headlines(view.headlines)
if view.note:
    provenance(view.note)
render.show(view.blocks)
render.show(data.reviews_done(rule))
