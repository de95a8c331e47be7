"""Younger and older adults: savings by year as the paper prints them, their components, the
posts funded to deliver them, and the savings net of implementation cost."""

import streamlit as st

from dashboard.ui import data, render
from dashboard.ui.components import choose, provenance
from dashboard.ui.session import signed_in
from dashboard.views import adults

signed_in()  # also when a page runs on its own (tests): no figures before sign-in
st.title("Younger and older adults")
workstreams = data.adult_workstreams()
if not workstreams:
    st.info(adults.NO_WORKSTREAM)
    st.stop()
default, *others = workstreams
# the first workstream with both cohorts is the default view, so it takes the place of "All"
workstream = choose("Workstream", others, key="workstream", all_label=default) or default
view = data.adults_view(workstream)

st.header("Savings by financial year")
render.table(view.by_year, key="savings-table")
render.show(view.savings_findings)
render.chart(view.by_year_chart)

st.header("What each line is made of")
if view.components.is_empty():
    st.info(adults.NO_COMPONENTS)
else:
    render.table(view.components, key="components")
render.show(view.component_notes)
render.show(view.components_findings)

st.header("Posts funded to deliver the savings")
if view.posts is None or view.net is None or view.net_chart is None:
    st.info(adults.NO_POSTS)
    st.stop()
render.table(view.posts, key="posts")
render.show(view.posts_findings)

st.header("Savings net of implementation cost")
render.headlines(view.net)
render.chart(view.net_chart)
provenance(view.sources)
