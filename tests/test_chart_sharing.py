"""A page builds its charts again on every rerun, and building a plotly figure is slow, so the
builders share a figure between calls with equal arguments and ``inert_figure`` keeps its
copy (``dashboard.charts.figures``). Sharing must never show one call another's chart: equal
arguments only, a figure changed in place is built again, and what Streamlit sends is the same
JSON as a freshly validated figure's."""

from __future__ import annotations

import json
from datetime import date

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl

from dashboard.charts import figures as charts
from dashboard.domain import adults


def trend(values: list[int], series: str = "Recorded") -> pl.DataFrame:
    months = [date(2024, m, 1) for m in range(1, len(values) + 1)]
    return pl.DataFrame(
        {
            "month": months,
            "series": [series] * len(values),
            "value": values,
            "modelled": [i == len(values) - 1 for i in range(len(values))],
        }
    )


def test_equal_arguments_share_a_figure_and_different_ones_do_not():
    first = charts.count_trend_chart(trend([1, 2, 3]), title="T", y_title="People")
    assert charts.count_trend_chart(trend([1, 2, 3]), title="T", y_title="People") is first
    for other in (
        charts.count_trend_chart(trend([1, 2, 4]), title="T", y_title="People"),
        charts.count_trend_chart(trend([1, 2, 3], "Other"), title="T", y_title="People"),
        charts.count_trend_chart(trend([1, 2, 3]), title="T2", y_title="People"),
        charts.count_trend_chart(
            trend([1, 2, 3]).with_columns(pl.col("value").cast(pl.Float64)),
            title="T",
            y_title="People",
        ),
    ):
        assert other is not first
    # 1 and 1.0 are equal in Python but written differently in the figure
    whole = charts.bridge_chart([("a", 1, "absolute")], title="T", y_title="£m")
    assert charts.bridge_chart([("a", 1.0, "absolute")], title="T", y_title="£m") is not whole


def test_a_shared_figure_changed_in_place_is_built_again():
    first = charts.bridge_chart([("Changed", 2.0, "absolute")], title="T", y_title="£m")
    first.update_layout(title_text="Someone else's title")
    again = charts.bridge_chart([("Changed", 2.0, "absolute")], title="T", y_title="£m")
    assert again is not first
    assert again.layout.title.text == "T"


def test_unhashable_arguments_are_built_each_time():
    frame = pl.DataFrame({"x": [[1], [2]], "y": [1, 2]})  # list cells: no key
    first = charts.bar_chart(frame, x="y", y="y", series=None, title="T", y_title="n")
    assert charts.bar_chart(frame, x="y", y="y", series=None, title="T", y_title="n") is not first


def test_the_inert_copy_sends_what_a_validated_figure_sends():
    fig = charts.count_trend_chart(
        trend([1_500, 2_398, 2_400]), title="<b>T</b> & more", y_title="People", subtitle="S"
    )
    shown = charts.inert_figure(fig)
    assert charts.inert_figure(fig) is shown  # kept
    # plotly's own way: escape, then build and validate a figure again
    validated = go.Figure(charts._inert(fig.to_plotly_json()))
    expected = json.loads(pio.to_json(validated.to_dict(), validate=False))
    assert json.loads(pio.to_json(shown.to_dict(), validate=False)) == expected
    assert expected["data"][0]["x"] == ["2024-01-01", "2024-02-01", "2024-03-01"]
    assert expected["layout"]["title"]["text"] == "&lt;b&gt;T&lt;/b&gt; &amp; more"


def test_the_inert_copy_hands_out_copies_of_its_content():
    shown = charts.inert_figure(
        charts.bridge_chart([("a", 1.0, "absolute")], title="T", y_title="£m")
    )
    sent = shown.to_dict()
    sent["layout"]["title"]["text"] = "changed by a reader"
    sent["data"][0]["x"].append("b")
    assert shown.to_dict()["layout"]["title"]["text"] == "T"
    assert shown.to_dict()["data"][0]["x"] == ["a"]


def test_the_adults_chart_separates_thousands_without_changing_the_shared_bar_chart():
    table = pl.DataFrame({"row": ["Older adults"], "2024/25": [150_000_000]})
    fig = adults.savings_figure(table)
    assert fig.layout.yaxis.tickformat == ","


def test_the_inert_copy_sends_arrays_of_numbers_as_plotly_does():
    import numpy as np

    fig = go.Figure(
        go.Scatter(x=np.arange(5), y=np.linspace(0, 1, 5), name="<a>"),
        layout={"xaxis": {"range": [0, 4]}, "yaxis": {"range": np.array([0.0, 1.0])}},
    )
    shown = charts.inert_figure(fig)
    expected = go.Figure(charts._inert(fig.to_plotly_json())).to_dict()
    sent = shown.to_dict()
    assert sent["data"][0]["x"] == expected["data"][0]["x"]  # a typed array, as plotly's
    assert "bdata" in sent["data"][0]["y"]
    assert json.loads(pio.to_json(sent, validate=False)) == json.loads(
        pio.to_json(expected, validate=False)
    )
