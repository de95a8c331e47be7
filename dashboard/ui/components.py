"""The building blocks every page uses: ratings with their key, charts with their tables,
headline cards and provenance lines. Text from the store is always shown literally."""

from __future__ import annotations

from collections.abc import Iterable

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard.formatting import plain
from dashboard.ratings import RatingStyle

PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def rating_key(styles: Iterable[RatingStyle], *, title: str = "Key") -> None:
    """One line naming every rating with its shape, colour and meaning."""
    badges = " ".join(f":{s.badge}-badge[{plain(s.label)}]" for s in styles)
    st.markdown(f"**{plain(title)}:** {badges}")


def chart_with_table(
    fig: go.Figure, table: pl.DataFrame, *, summary: str, key: str, table_label: str | None = None
) -> None:
    """A chart, the sentence that says what it shows, and its figures as a table."""
    st.plotly_chart(fig, key=key, config=PLOTLY_CONFIG, alt=summary)
    st.markdown(plain(summary))
    with st.expander(table_label or "The figures in this chart, as a table"):
        st.dataframe(table, hide_index=True, key=f"{key}-table")


def provenance(text: str) -> None:
    st.caption(plain(text))


def kpi(
    column,
    label: str,
    value: str,
    *,
    delta: str | None = None,
    rise_is_good: bool | None = None,
    help_text: str | None = None,
) -> None:
    colour = "off" if rise_is_good is None else ("normal" if rise_is_good else "inverse")
    column.metric(label, value, delta=delta, delta_color=colour, border=True, help=help_text)


def choose(label: str, options: list[str], *, key: str, all_label: str = "All") -> str | None:
    """A filter kept in the URL (``?key=value``), so a link reproduces the view."""
    value = st.selectbox(label, [all_label, *options], key=key, bind="query-params")
    return None if value == all_label else value
