"""Overview: the headline figures a councillor reads first, and what needs attention."""

import streamlit as st

from dashboard.domain import changes, formatting, headlines, overview, savings, tables
from dashboard.ui import data
from dashboard.ui.components import chart_with_table, kpi, provenance, table_with_downloads
from dashboard.ui.session import signed_in
from data_access import days

signed_in()  # also when a page runs on its own (tests): no figures before sign-in
st.title("Adult social care: overview")
today = data.as_at() or days.today()
frames = {
    "Improvement plan": data.table("areas"),
    "Savings lines": data.savings(),
    "MTFS requirement": data.table("mtfs_requirements"),
    "Backlog": data.table("backlog"),
}
if all(frame.is_empty() for frame in frames.values()):
    st.info("No figures have been loaded yet. An officer can load them with `ascgov import`.")
    st.stop()
as_at = overview.latest_as_at(frames)
st.markdown(f"Figures as at {formatting.day(as_at)}; each figure's source is shown with it.")

st.header("Since the last meeting")
meeting = headlines.last_meeting(data.table("meetings"), today)
if meeting is None:
    st.markdown("No committee meeting is recorded yet, so there is nothing to compare with.")
else:
    changed = data.changes_since_meeting(meeting)
    st.markdown(changes.changes_summary(changed, meeting))
    if changed:
        shown, sentence = tables.first_rows(
            changes.changes_table(changed), what="changes", by="Kind"
        )
        if shown.height < len(changed):
            st.caption(sentence)
        table_with_downloads(shown, key="since-meeting", title="Changes since the last meeting")

st.header("Improvement plan")
areas = frames["Improvement plan"]
counts = headlines.areas_by_status(areas, data.status_lists()["area_statuses"])
st.markdown(f"{areas.height} accountability areas.")
for column, (status, number) in zip(st.columns(max(len(counts), 1)), counts, strict=False):
    kpi(column, status, formatting.count(number))

st.header("Savings")
for row in frames["MTFS requirement"].iter_rows(named=True):
    for column, (label, pence) in zip(st.columns(3), savings.mtfs_headlines(row), strict=True):
        kpi(column, label, formatting.money(pence))
    provenance(f"{row['period']}. Source: {row['source']}, as at {formatting.day(row['as_at'])}.")
rated = data.rated_savings()
if not rated.is_empty():
    st.markdown(overview.savings_totals(rated).sentence())
    split = savings.brag_split(rated)
    chart_with_table(
        savings.brag_split_figure(split),
        savings.brag_split_table(split),
        summary=savings.brag_split_summary(split),
        key="overview-brag",
    )

st.header("Backlog")
latest = data.latest_backlog(meeting)
for column, item in zip(st.columns(max(len(latest), 1)), latest, strict=False):
    kpi(
        column,
        item.label,
        formatting.count(item.value),
        delta=item.direction() or None,
        rise_is_good=item.higher_is_better,
    )
    column.caption(
        formatting.plain(f"{formatting.month(item.month)} ({item.basis}). Source: {item.source}")
    )

st.header("Needs attention")
attention = data.attention(today)
shown, sentence = tables.first_rows(attention, what="items need attention", by="Kind")
st.markdown(sentence)
table_with_downloads(shown, key="attention", title="Needs attention")

with st.expander("Where these figures come from"):
    table_with_downloads(
        overview.figures_as_at_rows(frames), key="sources", title="Where the figures come from"
    )
