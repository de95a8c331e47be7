"""Review queue: who to review first and why, for officers (their teams) and directors."""

import streamlit as st

from dashboard.ui import data, render
from dashboard.ui.components import choose, provenance, table_with_downloads
from dashboard.ui.session import Permission, signed_in
from dashboard.views import review_queue as queue
from dashboard.views.blocks import Paragraph

viewer = signed_in()
st.title(queue.TITLE)
if not viewer.has(Permission.CASES):
    st.info(queue.NOT_PERMITTED)
    st.stop()
census = data.census()
if census.is_empty():
    st.info(queue.no_extract(data.as_at()))
    st.stop()
extract_date = queue.extract_date_of(census)
render.paragraph(Paragraph(queue.lead(data.queue_weights().weights, extract_date)))

teams, settings, bands = queue.options(data.review_queue(viewer))
team_col, setting_col, band_col = st.columns(3)
with team_col:
    team = choose("Team", teams, key="team", all_label="All teams")
with setting_col:
    setting = choose("Setting", settings, key="setting", all_label="All settings")
with band_col:
    band = choose("Ageing band", bands, key="band", all_label="All ageing bands")
shown = data.review_queue_view(viewer, team, setting, band)
render.paragraph(Paragraph(shown.counts))
if shown.table is None:
    st.info(shown.message)
    st.stop()
provenance(shown.rank_note)
table_with_downloads(shown.table, key="review-queue", source=queue.source(extract_date))
