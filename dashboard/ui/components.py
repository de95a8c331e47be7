"""The building blocks every page uses: ratings with their key, charts with their tables,
headline cards and provenance lines. Text from the store is always shown literally."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

import plotly.graph_objects as go
import pyarrow as pa
import streamlit as st

from dashboard.charts import figures as charts
from dashboard.domain.definitions import registry
from dashboard.domain.formatting import plain
from dashboard.domain.ratings import RatingStyle, Thresholds
from dashboard.domain.table import Table
from dashboard.ui import data
from dashboard.views import downloads
from data_access.settings import get_settings

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def rating_key(styles: Iterable[RatingStyle], *, title: str = "Key") -> None:
    """One line naming every rating with its shape, colour and meaning."""
    badges = " ".join(f":{s.badge}-badge[{plain(s.label)}]" for s in styles)
    st.markdown(f"**{plain(title)}:** {badges}")


def chart_with_table(
    fig: go.Figure,
    table: Table,
    *,
    summary: str,
    key: str,
    table_label: str | None = None,
) -> None:
    """A chart, the sentence that says what it shows, and its figures as a table (with its
    downloads)."""
    # the one place a page draws a chart: its text from the store is made literal here
    st.plotly_chart(charts.inert_figure(fig), key=key, config=PLOTLY_CONFIG, alt=summary)
    st.markdown(plain(summary))
    title = fig.layout.title.text or table.title or summary
    with st.expander(table_label or "The figures in this chart, as a table"):
        table_with_downloads(table.titled(title), key=f"{key}-table")


# rows sent to the browser for one table: a council's savings lines are a few hundred, a
# national store's 150,000 took 1.5 s a rerun to send; the downloads always hold every row
SCREEN_ROWS = 1_000


# a table this short and this narrow is shown whole and its long text wrapped (a static
# table), so a member reads every row and column at 1366 pixels without a scroll box; a longer
# or wider one scrolls in a grid (a static table wider than the page would scroll sideways in
# a region the keyboard cannot reach)
WHOLE_ROWS = 30
WHOLE_COLUMNS = 9


def _whole(table: Table) -> None:
    """Every row of a short table as a static table. Its cells are markdown, so each value
    from the store or a file is escaped (``plain``) and shows literally, never as a link."""
    shown = table.shown()
    columns = {
        plain(name): [plain("" if value is None else value) for value in shown[name].to_list()]
        for name in shown.columns
    }
    st.table(pa.table(columns), hide_index=True, border="horizontal")


# a grid's rows are one line high unless a column wraps its text (``Column.screen_width``):
# then room for three short lines (Streamlit wraps a cell's text only in rows over 64 pixels
# high), and the grid shows eight rows before it scrolls
WRAPPED_ROW_PX = 66
WRAPPED_ROWS_SHOWN = 8
GRID_HEADER_PX = 35


def _grid(table: Table, *, key: str, limit: int) -> None:
    wrapped = {c.name: c.screen_width for c in table.columns if c.screen_width}
    if not wrapped:
        st.dataframe(table.screen(limit), hide_index=True, key=key)
        return
    config = {name: st.column_config.TextColumn(width=px) for name, px in wrapped.items()}
    rows = min(table.height, limit, WRAPPED_ROWS_SHOWN)
    st.dataframe(
        table.screen(limit),
        hide_index=True,
        key=key,
        column_config=config,
        row_height=WRAPPED_ROW_PX,
        height=GRID_HEADER_PX + rows * WRAPPED_ROW_PX + 2,
    )


def table_with_downloads(
    table: Table,
    *,
    key: str,
    source: str | None = None,
    limit: int = SCREEN_ROWS,
    download: Table | None = None,
) -> None:
    """A table as members read it (a short one whole; a long one its first ``limit`` rows,
    saying so when there are more), then buttons to download all of its values as CSV and
    Excel: of ``download`` when given (every column of a table whose key columns are shown)."""
    shown = table.shown()
    if 0 < shown.height <= min(WHOLE_ROWS, limit) and shown.width <= WHOLE_COLUMNS:
        _whole(table)
    else:
        _grid(table, key=key, limit=limit)
    if shown.height > limit:
        st.caption(
            f"{shown.height:,} rows; the first {limit:,} are shown here. "
            "The downloads below hold every row."
        )
    download_buttons(table if download is None else download, key=key, source=source)


def _definitions() -> list[tuple[str, str]]:
    thresholds = Thresholds.from_settings(get_settings())
    return [(item.label, item.meaning) for item in registry(thresholds, data.measures())]


def download_buttons(table: Table, *, key: str, source: str | None = None) -> None:
    """CSV and Excel downloads of ``table``. The files are made only when a button is pressed
    (a callable ``data``): making every table's workbook on every rerun would slow each page."""
    title = table.title or key
    notes = downloads.notes(
        title=title, as_at=data.as_at(), source=source, definitions=_definitions()
    )
    stem = downloads.file_stem(title)
    with st.container(horizontal=True):
        st.download_button(
            "Download CSV",
            data=lambda: downloads.csv_bytes(table),
            file_name=f"{stem}.csv",
            mime="text/csv",
            key=f"{key}-csv",
            on_click="ignore",
            icon=":material/download:",
            help=f"{title}, as a CSV file",
        )
        st.download_button(
            "Download Excel",
            data=lambda: downloads.xlsx_bytes(table, notes=notes),
            file_name=f"{stem}.xlsx",
            mime=XLSX_MIME,
            key=f"{key}-xlsx",
            on_click="ignore",
            icon=":material/download:",
            help=f"{title}, as an Excel workbook with a notes sheet",
        )


def provenance(text: str) -> None:
    st.caption(plain(text))


def cards():
    """A row of headline cards that wraps: each card is at least as wide as its label, figure
    and comparison, and a card that would not fit goes to the next row. Fixed columns cut them
    off ("Part of MTFS pr...", "£67....") when the page is narrow: a tablet, or a laptop with
    the sidebar open. Use it as ``with cards(): kpi(st, ...)``."""
    return st.container(horizontal=True, gap="small")


# a card with a sentence under it (``card_with_note``) cannot size itself to its text (the
# sentence would stretch it across the page): this width holds a measure's label and its
# comparison whole ("up 235 on the month before (modelled)")
NOTED_CARD_WIDTH = 320


def card_with_note(
    label: str,
    value: str,
    note: str,
    *,
    delta: str | None = None,
    rise_is_good: bool | None = None,
) -> None:
    """A headline card with a sentence under it (its month and source), inside ``cards``."""
    with st.container(width=NOTED_CARD_WIDTH, gap="small"):
        kpi(st, label, value, delta=delta, rise_is_good=rise_is_good)
        provenance(note)


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


def number_input(column, spec) -> int:
    """A what-if input (``backlog.NumberInput``) kept in the URL, read back in its own units:
    a whole number, or money typed in pounds and pence and returned in pence (the figures
    worked out from it stay exact)."""
    if not spec.money:
        return column.number_input(
            spec.label,
            min_value=0,
            max_value=spec.largest,
            step=spec.step,
            value=spec.default,
            key=spec.key,
            bind="query-params",
        )
    pounds = column.number_input(
        spec.label,
        min_value=0.0,
        max_value=spec.largest / 100,
        step=spec.step / 100,
        value=spec.default / 100,
        format="%.2f",
        key=spec.key,
        bind="query-params",
    )
    # the widget holds a float; its shortest repr is the amount typed (two places shown), read
    # as a decimal so no binary rounding reaches the pence
    return int((Decimal(repr(float(pounds))) * 100).quantize(Decimal(1), ROUND_HALF_UP))


def choose(label: str, options: list[str], *, key: str, all_label: str = "All") -> str | None:
    """A filter kept in the URL (``?key=value``), so a link reproduces the view."""
    value = st.selectbox(label, [all_label, *options], key=key, bind="query-params")
    return None if value == all_label else value
