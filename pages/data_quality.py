"""Definitions and data quality: reconciliation of reported totals and where figures come from."""

import polars as pl
import streamlit as st

from dashboard import formatting, headlines
from dashboard.reconciliation import AGREES, findings_table, reconcile
from dashboard.ui import data

st.title("Definitions and data quality")

st.subheader("Reported totals checked against their parts")
findings = reconcile(data.reconciliation_inputs())
problems = [f for f in findings if f.status != AGREES]
st.write(
    f"{len(findings)} checks: {len(problems)} need attention, "
    f"{len(findings) - len(problems)} agree."
)
for finding in problems:
    st.warning(
        f"**{finding.status.capitalize()}**: "
        + formatting.plain(f"{finding.describe()}. Source: {finding.source}"),
        icon=":material/warning:",
    )
st.dataframe(findings_table(findings), hide_index=True)

st.subheader("Where the figures come from")
tables = {
    "Improvement plan areas": data.table("areas"),
    "Milestones": data.table("milestones"),
    "Savings lines by year": data.savings(),
    "Funded posts": data.table("posts"),
    "Backlog figures": data.table("backlog"),
    "Committee actions": data.table("committee_actions"),
}
st.dataframe(
    pl.DataFrame(
        [
            {"figures": name, "rows": rows, "latest as at": formatting.day(as_at)}
            for name, as_at, rows in headlines.figures_as_at(tables)
        ]
    ),
    hide_index=True,
)
for name, frame in tables.items():
    if frame.is_empty():
        continue
    sources = frame.group_by("source", "basis").len().sort("source")
    with st.expander(f"{name}: sources"):
        st.dataframe(sources.rename({"len": "rows"}), hide_index=True)
