"""Backlog and reviews: trends by team and band, when the waiting list clears, a what-if."""

import streamlit as st

from dashboard.charts import figures as charts
from dashboard.domain import backlog
from dashboard.domain.formatting import plain
from dashboard.ui import data
from dashboard.ui.components import chart_with_table, choose, kpi, provenance
from dashboard.ui.session import signed_in
from data_access.settings import get_settings

signed_in()  # also when a page runs on its own (tests): no figures before sign-in
st.title("Backlog and reviews")
figures = data.table("backlog")
if figures.is_empty():
    st.info(backlog.NO_FIGURES)
    st.stop()

threshold = get_settings().small_number_threshold
teams, bands = data.backlog_options()
measure_col, team_col, band_col = st.columns(3)
with measure_col:
    label = choose("Measure", backlog.MEASURE_CHOICES, key="measure", all_label="All measures")
with team_col:
    team = choose("Team", teams, key="team", all_label="All teams")
with band_col:
    band = choose("Priority band", bands, key="band", all_label="All priority bands")
shown = data.backlog_view(team, band, threshold)
for column, item in zip([*st.columns(2), *st.columns(2)], shown.trends, strict=True):
    kpi(
        column,
        item.label,
        item.headline,
        delta=item.change,
        rise_is_good=item.rise_is_good,
        help_text=item.definition,
    )
st.caption(backlog.MARKER_KEY)

for item in backlog.chosen(shown.trends, label):
    st.header(item.label)
    st.caption(item.definition)
    if item.message:
        st.info(plain(item.message))
        continue
    fig = charts.count_trend_chart(
        item.chart, title=item.title, subtitle=item.subtitle, y_title=item.unit
    )
    chart_with_table(fig, item.table, summary=item.summary, key=f"trend-{item.measure}")
    provenance(item.sources)
    parts = shown.breakdowns[item.measure]
    if parts:
        fig = charts.bar_chart(
            parts.chart,
            x="team",
            y="value",
            series="priority_band",
            title=parts.title,
            y_title="People",
        )
        chart_with_table(fig, parts.table, summary=parts.summary, key=f"parts-{item.measure}")
        if parts.note:
            st.caption(plain(parts.note))

st.header("When will the review waiting list clear?")
projection = shown.projection
st.markdown(plain(backlog.projection_sentence(projection, threshold)))

st.subheader("What if we added reviewers?")
programme = backlog.programme_cost(data.table("review_programmes"))
st.markdown(plain(backlog.programme_sentence(programme)))
inputs = [
    column.number_input(
        spec.label,
        min_value=0,
        max_value=spec.largest,
        step=spec.step,
        value=spec.default,
        key=spec.key,
        bind="query-params",
    )
    for column, spec in zip(st.columns(3), backlog.what_if_inputs(programme), strict=True)
]
scenario = backlog.what_if(projection, *inputs)
if scenario is None:
    st.info("The what-if needs a projection of the review waiting list (see above).")
    st.stop()
st.markdown(plain(backlog.what_if_sentence(scenario)))
for column, (name, value) in zip(st.columns(3), backlog.what_if_figures(scenario), strict=True):
    kpi(column, name, value)
view = backlog.projection_chart(scenario, threshold)
fig = charts.count_trend_chart(
    view.chart, title=view.title, subtitle=view.subtitle, y_title="People"
)
chart_with_table(fig, view.table, summary=view.summary, key="projection")
