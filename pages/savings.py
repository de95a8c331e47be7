"""Savings programme: the MTFS gap, every savings line with its BRAG rating and why, totals."""

import streamlit as st

from dashboard.domain import formatting, savings
from dashboard.domain.ratings import BRAG_STYLES, Thresholds, rule_text
from dashboard.ui import data
from dashboard.ui.components import (
    chart_with_table,
    choose,
    kpi,
    provenance,
    rating_key,
    table_with_downloads,
)
from dashboard.ui.findings import show_findings
from dashboard.ui.session import signed_in
from data_access.settings import get_settings

signed_in()  # also when a page runs on its own (tests): no figures before sign-in
st.title("Savings programme")
settings = get_settings()
thresholds = Thresholds.from_settings(settings)
lines, mtfs = data.savings(), data.table("mtfs_requirements")
if lines.is_empty() and mtfs.is_empty():
    st.info("No savings figures have been loaded yet. Officers load them with `ascgov import`.")
    st.stop()
frames = data.reconciliation_inputs()
placed = savings.place_findings(data.findings(), frames)

st.header("The MTFS gap")
if mtfs.is_empty():
    st.info("No MTFS savings requirement has been loaded.")
for row in mtfs.iter_rows(named=True):
    for column, (label, pence) in zip(st.columns(3), savings.mtfs_headlines(row), strict=True):
        kpi(column, label, formatting.money(pence))
    gap = savings.mtfs_bridge(row)
    chart_with_table(
        savings.bridge_figure(gap),
        gap.table(),
        summary=gap.summary,
        key=f"mtfs-{row['code']}",
        data=gap.data(),
    )
    show_findings(savings.findings_about(placed, "mtfs", code=row["code"]))
    provenance(savings.source_note(row))

st.header("Savings lines")
if lines.is_empty():
    st.info("No savings lines have been loaded yet.")
    st.stop()
rating_key(BRAG_STYLES.values(), title="BRAG key")
st.caption(formatting.plain(rule_text(thresholds)))
rated = data.rated_savings()
chosen = {}
for column, (key, label, field) in zip(st.columns(3), savings.FILTERS, strict=True):
    with column:
        chosen[key] = choose(label, savings.options(rated, field), key=key)
shown, lines_table, lines_data = data.savings_lines(**chosen)
st.markdown(savings.showing(shown, rated))
if shown.is_empty():
    st.info("No savings lines match these filters. Choose 'All' in a filter to widen the view.")
    st.stop()
table_with_downloads(lines_table, key="lines", data=lines_data, title="Savings lines")

st.subheader("BRAG split by value")
split = savings.brag_split(shown)
chart_with_table(
    savings.brag_split_figure(split),
    savings.brag_split_table(split),
    summary=savings.brag_split_summary(split),
    key="brag-split",
    data=savings.brag_split_data(split),
)

st.subheader("From target to forecast to delivered")
progress = savings.programme_bridge(shown)
if progress is None:
    st.info("None of these lines reports a forecast yet, so nothing can be bridged.")
else:
    chart_with_table(
        savings.bridge_figure(progress),
        progress.table(),
        summary=progress.summary,
        key="progress",
        data=progress.data(),
    )

st.subheader("Totals by workstream, cohort and year")
totals, exact = savings.totals_tables(shown), savings.totals_data(shown)
for tab, (heading, table) in zip(st.tabs(list(totals)), totals.items(), strict=True):
    with tab:
        key, title = f"totals-{heading.lower()}", f"Savings totals by {heading.lower()}"
        table_with_downloads(table, key=key, data=exact[heading], title=title)
show_findings(savings.findings_about(placed, "savings_target", workstream=chosen["workstream"]))
