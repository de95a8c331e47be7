"""Improvement plan tracker: every accountability area, then one area's milestones."""

import streamlit as st

from dashboard.charts import figures as charts
from dashboard.domain import formatting, plan
from dashboard.domain.history import history_table
from dashboard.domain.ratings import RAG_STYLES
from dashboard.ui import data
from dashboard.ui.components import (
    chart_with_table,
    choose,
    kpi,
    provenance,
    rating_key,
    table_with_downloads,
)
from dashboard.ui.session import signed_in
from data_access import days

signed_in()  # also when a page runs on its own (tests): no figures before sign-in
st.title("Improvement plan tracker")
today = data.as_at() or days.today()
areas, milestones = data.table("areas"), data.table("milestones")
statuses = data.status_lists()["milestone_statuses"]
if areas.is_empty():
    st.info("No accountability areas have been loaded yet.")
    st.stop()

rows = plan.area_rows(areas, milestones, today, statuses=statuses)
for column, (rating, number) in zip(st.columns(4), plan.rag_counts(areas), strict=False):
    kpi(column, RAG_STYLES[rating].label, formatting.count(number))
rating_key(RAG_STYLES.values(), title="RAG key")

status_col, rag_col, lead_col = st.columns(3)
with status_col:
    status = choose("Status", sorted(rows["status"].unique()), key="status")
with rag_col:
    rag = choose("RAG", [r for r in RAG_STYLES if r in set(rows["rag"])], key="rag")
with lead_col:
    lead = choose("Lead", sorted(rows["lead"].drop_nulls().unique()), key="lead")
shown = plan.filter_areas(rows, status=status, rag=rag, lead=lead)
st.markdown(f"Showing {shown.height} of {rows.height} accountability areas.")
table_with_downloads(plan.tracker_table(shown), key="areas-table", title="Accountability areas")
provenance("Source: " + "; ".join(sorted(set(areas["source"]))))

st.header("One area in detail")
titles = dict(zip(rows["code"], rows["title"], strict=True))
code = choose("Accountability area", list(titles), key="area", all_label="Choose an area")
if code is None:
    st.markdown("Choose an area to see its commentary, milestones and timeline.")
    st.stop()
area = rows.filter(rows["code"] == code).row(0, named=True)
st.subheader(formatting.plain(f"{code}: {area['title']}"))
st.markdown(
    formatting.plain(
        f"{area['status']}. Lead: {area['lead'] or 'not named'}. "
        f"Last update {formatting.day(area['last_updated'])}."
    )
)
st.markdown("**Commentary:** " + formatting.plain(area["commentary"] or "none recorded"))
own = milestones.filter(milestones["area_code"] == code)
summary = plan.timeline_summary(own, today, statuses=statuses)
if own.is_empty():
    st.info(summary)
else:
    fig = charts.timeline_chart(
        own, today=today, title=f"Milestones of {code} by due date", statuses=statuses
    )
    table = plan.milestone_table(own, today, statuses=statuses)
    chart_with_table(fig, table, summary=summary, key="timeline")

with st.expander(f"History of {code} and its milestones"):
    for dataset, key, label in [("areas", code, f"Area {code}")] + [
        ("milestones", m, f"Milestone {m}") for m in own["code"].to_list()
    ]:
        st.markdown(f"**{formatting.plain(label)}**")
        table_with_downloads(
            history_table(data.history(dataset, key)),
            key=f"history-{dataset}-{key}",
            title=f"History of {label}",
        )
