"""Definitions and data quality: what each measure means, checks of reported totals, stale items."""

import streamlit as st

from dashboard.domain import definitions, formatting, tables
from dashboard.domain.ratings import Thresholds
from dashboard.domain.reconciliation import counts, findings_table, needing_attention
from dashboard.ui import data
from dashboard.ui.components import choose, table_with_downloads
from dashboard.ui.session import signed_in
from data_access import days
from data_access.settings import get_settings

signed_in()  # also when a page runs on its own (tests): no figures before sign-in
st.title("Definitions and data quality")
settings = get_settings()
thresholds = Thresholds.from_settings(settings)
frames = {
    name: data.table(name)
    for name in ("backlog", "mtfs_requirements", "areas", "posts", "committee_actions")
}
frames["savings"] = data.savings()

st.header("What each measure means")
table_with_downloads(
    definitions.definitions_table(definitions.registry(thresholds), frames),
    key="definitions",
    title="Definitions",
)

st.header("Reported totals checked against their parts")
findings = data.findings()
problems = needing_attention(findings)
st.markdown(counts(findings).sentence())
for finding in problems[: definitions.SHOWN_WARNINGS]:
    st.warning(
        f"**{finding.status.capitalize()}**: "
        + formatting.plain(f"{finding.describe()}. Source: {finding.source}"),
        icon=":material/warning:",
    )
more = definitions.more_warnings(len(problems))
if more:
    st.markdown(more)
checks = findings_table(findings)
if checks.height > tables.SHOWN_ROWS:
    show_col, find_col = st.columns(2)
    with show_col:
        show = choose("Checks", definitions.CHECK_CHOICES, key="checks", all_label="All checks")
    find = find_col.text_input("Find a figure or source", key="find_check", bind="query-params")
    checks = definitions.checks(checks, show=show, text=find)
    shown, sentence = tables.first_rows(checks, what="checks")
    st.markdown(sentence + " The downloads hold all of them.")
else:
    shown = checks
table_with_downloads(shown, key="findings", data=checks, title="Reconciliation checks")

st.header("Items with no recent update")
stale = definitions.stale_items(
    frames["areas"], frames["savings"], today=days.today(), after_days=settings.stale_after_days
)
if stale.height > tables.SHOWN_ROWS:
    kind_col, find_col = st.columns(2)
    with kind_col:
        kind = choose("Kind", definitions.STALE_KINDS, key="kind", all_label="All kinds")
    find = find_col.text_input("Find a code or title", key="find_item", bind="query-params")
    stale = definitions.stale_shown(stale, kind=kind, text=find)
shown, sentence = tables.first_rows(
    stale, what=f"items with no update for more than {settings.stale_after_days} days", by="Kind"
)
st.markdown(sentence + " (ASCGOV_STALE_AFTER_DAYS sets the number of days.)")
if not stale.is_empty():
    table_with_downloads(shown, key="stale", data=stale, title="Items with no recent update")
