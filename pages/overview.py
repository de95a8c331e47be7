"""Overview: the headline figures a councillor reads first."""

import streamlit as st

from dashboard import formatting, headlines
from dashboard.ui import data
from data_access.vocab import DEFAULT_AREA_STATUSES

st.title("Adult social care: overview")

areas = data.table("areas")
mtfs = data.table("mtfs_requirements")
backlog = data.table("backlog")

if areas.is_empty() and mtfs.is_empty() and backlog.is_empty():
    st.info("No figures have been loaded yet. An officer can load them with `ascgov import`.")
    st.stop()

st.subheader("Improvement plan")
st.write(f"{areas.height} accountability areas")
counts = headlines.areas_by_status(areas, DEFAULT_AREA_STATUSES)
for column, (status, number) in zip(st.columns(max(len(counts), 1)), counts, strict=False):
    column.metric(status, number, border=True)

st.subheader("Savings required over the MTFS")
for row in mtfs.iter_rows(named=True):
    required, forecast, shortfall = st.columns(3)
    required.metric("Required", formatting.money(row["required_pence"]), border=True)
    forecast.metric("Forecast", formatting.money(row["forecast_pence"]), border=True)
    shortfall.metric(
        "Reported shortfall", formatting.money(row["reported_shortfall_pence"]), border=True
    )
    st.caption(
        formatting.plain(
            f"{row['period']}. Source: {row['source']}, as at {formatting.day(row['as_at'])}."
        )
    )

st.subheader("Backlog")
latest = headlines.latest_backlog(backlog)
for column, item in zip(st.columns(max(len(latest), 1)), latest, strict=False):
    delta = None if item.change is None else f"{item.change:+,} on the month before"
    column.metric(
        item.label,
        formatting.count(item.value),
        delta=delta,
        border=True,
        delta_color="normal" if item.higher_is_better else "inverse",
    )
    column.caption(
        formatting.plain(f"{formatting.month(item.month)} ({item.basis}). Source: {item.source}")
    )
