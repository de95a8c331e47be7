"""Younger and older adults: savings by year as the paper prints them, their components, the
posts funded to deliver them, and the savings net of implementation cost."""

import streamlit as st

from dashboard.domain import adults, formatting, savings
from dashboard.ui import data
from dashboard.ui.components import chart_with_table, choose, kpi, provenance, table_with_downloads
from dashboard.ui.findings import show_findings
from dashboard.ui.session import signed_in

signed_in()  # also when a page runs on its own (tests): no figures before sign-in
st.title("Younger and older adults")
lines = data.savings()
workstreams = adults.workstreams_with_both(lines)
if not workstreams:
    st.info(
        "No workstream has savings lines for both younger and older adults yet. Officers "
        "load savings lines, with their cohort, with `ascgov import savings`."
    )
    st.stop()
default, *others = workstreams
# the first workstream with both cohorts is the default view, so it takes the place of "All"
workstream = choose("Workstream", others, key="workstream", all_label=default) or default
frames = data.reconciliation_inputs()
placed = savings.place_findings(data.findings(), frames)
posts = adults.posts_for(data.table("posts"), workstream)
components = data.table("savings_components")

st.header("Savings by financial year")
by_year = adults.cohort_years(lines, workstream)
table = adults.savings_table(by_year)
exact = adults.savings_data(by_year)
table_with_downloads(table, key="savings-table", data=exact, title="Savings by financial year")
show_findings(savings.findings_about(placed, "savings_target", workstream=workstream))
chart_with_table(
    adults.savings_figure(by_year),
    table,
    summary=adults.savings_summary(by_year),
    key="savings-by-year",
    data=exact,
)

st.header("What each line is made of")
parts = adults.components_table(components, lines, workstream)
if parts.is_empty():
    st.info("No components are recorded for these savings lines.")
else:
    table_with_downloads(
        parts,
        key="components",
        data=adults.components_data(components, lines, workstream),
        title="Savings components",
    )
for note in adults.component_notes(components, lines, workstream):
    st.markdown(formatting.plain(note))
show_findings(savings.findings_about(placed, "components", workstream=workstream))

st.header("Posts funded to deliver the savings")
if posts.is_empty():
    st.info(
        "No funded posts are recorded for this workstream, so savings net of implementation "
        "cost cannot be worked out."
    )
    st.stop()
table_with_downloads(adults.posts_table(posts), key="posts", title="Funded posts")
show_findings(savings.findings_about(placed, "posts_cost", workstream=workstream))

st.header("Savings net of implementation cost")
net = adults.net_of_cost(adults.grand_total(by_year), adults.implementation_cost(posts))
for column, (label, text) in zip(st.columns(3), adults.net_headlines(net), strict=True):
    kpi(column, label, text)
chart_with_table(savings.bridge_figure(net), net.table(), summary=net.summary, key="net")
provenance(adults.sources(lines, posts, workstream))
