"""Plotly figures built from frames: titles that say what the chart shows, accessible colours.

No Streamlit here: the pages and the briefing pack both draw these. The builders take text as
it is; ``inert_figure`` makes every piece of it literal where a figure leaves the app (the
pages' ``chart_with_table`` and the pack's chart browser), once.

Building a plotly figure is slow (every property is validated: 20-100 ms for a trend chart
of 120 months), and a page builds its charts again on every rerun. So each public builder is
``shared``: a call with the same arguments as an earlier one returns the figure built then, and
``inert_figure`` keeps its copy of each figure it has seen. **A builder's figure is shared: never
change it in place** (give the builder an option instead); one changed anyway is noticed at the
next call, which builds afresh, but a holder of the same figure meanwhile sees the change.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import plotly.graph_objects as go
import polars as pl

from data_access.statuses import Meaning, StatusList

# Okabe-Ito, safe for colour-vision deficiency; series also differ by marker and dash
SERIES_COLOURS = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
MARKERS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon")
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
FONT = "Source Sans Pro, Arial, sans-serif"


# plotly syntax written in this code, never text from the store: left as it is
TEMPLATE_KEYS = frozenset({"hovertemplate", "texttemplate", "template"})


def inert(text: str) -> str:
    """Text that plotly shows literally. Plotly reads a subset of HTML in every label, title,
    legend, hover and annotation (``<a href>``, ``<b>``, ``<br>``, ``<span style>``...), so
    ``&``, ``<`` and ``>`` become entities, which it shows as the characters typed.

    >>> inert('<a href="x">A & B</a>')
    '&lt;a href="x"&gt;A &amp; B&lt;/a&gt;'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def inert_figure(fig: go.Figure) -> go.Figure:
    """A copy of ``fig`` in which every string is ``inert``: trace names, categories on the
    axes, bar and hover text, customdata, titles, legend titles, annotations. Only plotly's
    own templates (``TEMPLATE_KEYS``) keep their markup. Apply it once, where the figure is
    drawn: a second pass would show the entities themselves.

    Days and times become the ISO text plotly's JSON writer would make of them, so the figure
    holds only plain values. The copy is kept, keyed by the figure's content, and handed out
    again for an equal figure: never change it in place."""
    content = _content(fig)
    if content is not None:
        with _LOCK:
            kept = _INERT.get(content)
            if kept is not None:
                _INERT.move_to_end(content)
                return kept
    # the figure was validated as it was built; escaping text keeps every value valid
    drawn = _InertFigure(_inert(fig.to_plotly_json()), _validate=False)
    if content is not None:
        with _LOCK:
            _INERT[content] = drawn
            while len(_INERT) > _KEPT:
                _INERT.popitem(last=False)
    return drawn


class _InertFigure(go.Figure):
    """An inert figure (plain values only): its ``to_dict`` copies the dicts and lists and
    shares the values, where plotly's deep copy of every value, then its walk over every value
    for arrays to send as typed arrays, took longer than the page's other work on a rerun
    (Streamlit calls it for every chart it draws). It returns what plotly's own would."""

    def to_dict(self) -> dict:
        res = {"data": _sendable(self._data), "layout": _sendable(self._layout)}
        frames = _sendable([frame._props for frame in self._frame_objs])
        if frames:
            res["frames"] = frames
        return res


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _sendable(value: Any) -> Any:
    """A copy of the dicts, lists and tuples in ``value``, sharing everything else, with a
    dict's arrays of numbers made typed arrays: plotly's ``convert_to_base64`` on a deep copy,
    in one pass that skips plain values."""
    from _plotly_utils.utils import is_homogeneous_array, is_skipped_key, to_typed_array_spec

    kind = type(value)
    if kind is dict:
        copied = {}
        for key, item in value.items():
            if type(item) in _PLAIN:
                copied[key] = item
            elif is_skipped_key(key):
                copied[key] = _sendable_unconverted(item)
            elif is_homogeneous_array(item):
                copied[key] = to_typed_array_spec(item)
            else:
                copied[key] = _sendable(item)
        return copied
    if kind is list or kind is tuple:
        items = [item if type(item) in _PLAIN else _sendable(item) for item in value]
        return items if kind is list else tuple(items)
    return value


def _sendable_unconverted(value: Any) -> Any:
    # under a key plotly leaves as it is ("range", "geojson", ...): copied, never converted
    kind = type(value)
    if kind is dict:
        return {key: _sendable_unconverted(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        items = [_sendable_unconverted(item) for item in value]
        return items if kind is list else tuple(items)
    return value


def _inert(value: Any) -> Any:
    if isinstance(value, str):
        return inert(value)
    if isinstance(value, dict):
        return {k: v if k in TEMPLATE_KEYS else _inert(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_inert(v) for v in value]
    if isinstance(value, date) and value == value:  # not pandas' NaT, which plotly writes null
        return value.isoformat()  # what plotly's JSON writer makes of a day or time
    if getattr(getattr(value, "dtype", None), "kind", "") in ("O", "U", "S"):
        return [_inert(v) for v in value.tolist()]  # a numpy array of text
    return value


# figures kept by the builders and by inert_figure; a page has up to ten, the pack a few more
_KEPT = 256
_LOCK = threading.Lock()
_INERT: OrderedDict[str, go.Figure] = OrderedDict()
_BUILT: OrderedDict[tuple, tuple[go.Figure, str | None]] = OrderedDict()


def _content(fig: go.Figure) -> str | None:
    """The figure's content as text, to compare figures by: None when the text may not tell
    two figures apart (numpy shortens a long array's text with '...')."""
    text = repr((fig._data, fig._layout, [frame._props for frame in fig._frame_objs]))
    return None if "..." in text else text


def _key(value: Any) -> Any:
    """A hashable stand-in for a builder's argument, equal only for equal arguments: a frame
    by its columns, types and rows; numbers and text with their type (1 and 1.0 draw
    differently). Raises TypeError for what it cannot key (the call is then not shared)."""
    if isinstance(value, pl.DataFrame):
        return ("frame", tuple(value.columns), tuple(map(str, value.dtypes)), tuple(value.rows()))
    if isinstance(value, list | tuple):
        return (type(value).__name__, tuple(_key(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple((k, _key(v)) for k, v in value.items()))
    hash(value)
    return (type(value).__name__, value)


F = TypeVar("F", bound=Callable[..., go.Figure])


def shared(builder: F) -> F:
    """``builder``, sharing its figure between calls with equal arguments (see the module's
    note). A shared figure found changed is built again."""

    @functools.wraps(builder)
    def build(*args: Any, **kwargs: Any) -> go.Figure:
        try:
            key = (builder.__name__, _key(args), _key(kwargs))
            hash(key)
        except TypeError:
            return builder(*args, **kwargs)
        with _LOCK:
            kept = _BUILT.get(key)
            if kept is not None:
                _BUILT.move_to_end(key)
        if kept is not None:
            fig, content = kept
            if content is not None and _content(fig) == content:
                return fig
        fig = builder(*args, **kwargs)
        with _LOCK:
            _BUILT[key] = (fig, _content(fig))
            while len(_BUILT) > _KEPT:
                _BUILT.popitem(last=False)
        return fig

    return build  # type: ignore[return-value]


def _layout(fig: go.Figure, title: str, y_title: str, x_title: str = "") -> go.Figure:
    # automargin: the margins grow to hold the axes' labels (rating names, tilted team names),
    # which were cut off where the process's default template does not set it (Streamlit's,
    # the default wherever Streamlit is imported, as in the app that makes packs)
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 18}},
        font={"family": FONT, "size": 14, "color": "#0b0c0c"},
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        margin={"l": 60, "r": 20, "t": 60, "b": 50},
        legend={"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0},
        hovermode="x unified",
        yaxis={
            "title": y_title,
            "gridcolor": "#dddddd",
            "rangemode": "tozero",
            "automargin": True,
        },
        xaxis={"title": x_title, "gridcolor": "#eeeeee", "automargin": True},
    )
    return fig


def _line_chart(
    frame: pl.DataFrame,
    *,
    x: str,
    y: str,
    series: str | None,
    title: str,
    y_title: str,
    dashed_where: str | None = None,
) -> go.Figure:
    """One line per value of ``series``; points where ``dashed_where`` is true are hollow
    (used for modelled figures, so published and modelled points look different)."""
    fig = go.Figure()
    groups = frame.partition_by(series, maintain_order=True) if series else [frame]
    for i, group in enumerate(groups):
        name = str(group[series][0]) if series else y_title
        symbols = [
            MARKERS[i % len(MARKERS)] + ("-open" if hollow else "")
            for hollow in (
                group[dashed_where].to_list() if dashed_where else [False] * group.height
            )
        ]
        fig.add_trace(
            go.Scatter(
                x=group[x].to_list(),
                y=group[y].to_list(),
                name=name,
                mode="lines+markers",
                line={
                    "color": SERIES_COLOURS[i % len(SERIES_COLOURS)],
                    "dash": DASHES[i % len(DASHES)],
                    "width": 2.5,
                },
                marker={"symbol": symbols, "size": 9},
            )
        )
    return _layout(fig, title, y_title)


line_chart = shared(_line_chart)


@shared
def bar_chart(
    frame: pl.DataFrame,
    *,
    x: str,
    y: str,
    series: str | None,
    title: str,
    y_title: str,
    colours: dict[str, str] | None = None,
    horizontal: bool = False,
    y_tickformat: str | None = None,
    text: str | None = None,
) -> go.Figure:
    """Bars per ``x``, one series per value of ``series``; ``y_tickformat`` formats the value
    axis's ticks (plotly's d3 format, e.g. ``","`` for thousands separators); ``text`` names a
    column of words to write on each bar (e.g. a count, or "fewer than 8" where none is drawn).

    ``horizontal`` lays the bars along, each ``x`` a row named in full on the left (top to
    bottom in the order given) with its words after each bar: upright bars' words run into
    their neighbours' ("fewer than 8" beside "fewer than 8") and long names are slanted and
    cut off on a tablet."""
    fig = go.Figure()
    groups = frame.partition_by(series, maintain_order=True) if series else [frame]
    patterns = ("", "/", "\\", "x", ".", "+", "-", "|")
    for i, group in enumerate(groups):
        name = str(group[series][0]) if series else y_title
        colour = (colours or {}).get(name, SERIES_COLOURS[i % len(SERIES_COLOURS)])
        xs, ys = group[x].to_list(), group[y].to_list()
        fig.add_trace(
            go.Bar(
                x=ys if horizontal else xs,
                y=xs if horizontal else ys,
                name=name,
                orientation="h" if horizontal else "v",
                marker={"color": colour, "pattern": {"shape": patterns[i % len(patterns)]}},
                **(
                    {}
                    if text is None
                    else {
                        "text": group[text].to_list(),
                        "textposition": "outside",
                        "cliponaxis": False,
                        # the words, not the drawn height (a suppressed count is drawn as 0)
                        "hovertemplate": "%{fullData.name}: %{text}<extra></extra>",
                    }
                ),
            )
        )
    fig.update_layout(barmode="group")
    if horizontal:
        return _along(fig, title, y_title, y_tickformat, rows=len(groups) * frame[x].n_unique())
    _layout(fig, title, y_title)
    if y_tickformat is not None:
        fig.update_yaxes(tickformat=y_tickformat)
    return fig


# the height of one bar laid along, with its gap: room for a line of words beside it
BAR_ROW_PX = 26


def _along(fig: go.Figure, title: str, value_title: str, tickformat: str | None, rows: int):
    """A grouped bar chart laid along: the values on the x axis, the first row at the top."""
    _layout(fig, title, "", value_title)
    # the key above the bars: below, it sat on the value axis's title
    fig.update_layout(
        hovermode="y unified",
        height=190 + BAR_ROW_PX * rows,
        margin={"t": 100},
        legend={"orientation": "h", "yref": "paper", "yanchor": "bottom", "y": 1.0, "x": 0},
    )
    fig.update_yaxes(autorange="reversed", rangemode="normal", automargin=True)
    # room to the right of the longest bar for its words ("fewer than 8", "1,234")
    largest = max(max((v for v in trace.x if v is not None), default=0) for trace in fig.data)
    fig.update_xaxes(range=[0, largest * 1.3 or 1], rangemode="tozero")
    if tickformat is not None:
        fig.update_xaxes(tickformat=tickformat)
    return fig


@shared
def bridge_chart(
    steps: list[tuple[str, float, str]],
    *,
    title: str,
    y_title: str,
    texts: list[str] | None = None,
) -> go.Figure:
    """A waterfall: each step is (label, value, "absolute" | "relative" | "total").

    ``texts`` labels the bars (e.g. exact money as the page words it); by default £m."""
    fig = go.Figure(
        go.Waterfall(
            x=[label for label, _, _ in steps],
            y=[value for _, value, _ in steps],
            measure=[kind for _, _, kind in steps],
            text=texts or [f"£{value:,.2f}m" for _, value, _ in steps],
            textposition="outside",
            increasing={"marker": {"color": "#009E73"}},
            decreasing={"marker": {"color": "#D55E00"}},
            totals={"marker": {"color": "#0072B2"}},
            connector={"line": {"color": "#6f6f6f"}},
        )
    )
    return _layout(fig, title, y_title)


@shared
def rating_bar_chart(
    labels: list[str],
    values: list[float],
    *,
    colours: list[str],
    texts: list[str],
    title: str,
    x_title: str,
) -> go.Figure:
    """One horizontal bar per rating, in the order given: each bar has its own colour and
    pattern and is named in words on the axis, so no bar is told apart by colour alone."""
    patterns = ("", "/", "\\", "x", ".", "+", "-", "|")
    fig = go.Figure(
        go.Bar(
            x=values,
            y=labels,
            orientation="h",
            text=texts,
            textposition="outside",
            cliponaxis=False,
            marker={
                "color": colours,
                "pattern": {"shape": [patterns[i % len(patterns)] for i in range(len(labels))]},
            },
        )
    )
    _layout(fig, title, "", x_title)
    fig.update_layout(hovermode="closest", showlegend=False, height=120 + 50 * len(labels))
    fig.update_yaxes(autorange="reversed", rangemode="normal")
    # room to the right of the longest bar, so its text label is not cut off
    fig.update_xaxes(range=[0, max([*values, 0]) * 1.25 or 1])
    return fig


# the default words' markers; any other status is drawn by its meaning
STATUS_SYMBOLS = {
    "Complete": "circle",
    "In progress": "diamond",
    "Not started": "circle-open",
    "Slipped": "x",
    "Cancelled": "line-ew",
}
MEANING_SYMBOLS = {
    Meaning.COMPLETE: "circle",
    Meaning.OPEN: "diamond",
    Meaning.SLIPPED: "x",
    Meaning.CLOSED: "line-ew",
}


def _symbol(status: str, statuses: StatusList | None) -> str:
    if statuses is None or status in STATUS_SYMBOLS:
        return STATUS_SYMBOLS.get(status, "square")
    return MEANING_SYMBOLS[statuses.meaning(status)]


@shared
def timeline_chart(
    milestones: pl.DataFrame,
    *,
    today,
    title: str,
    statuses: StatusList | None = None,
    today_label: str = "Today",
) -> go.Figure:
    """Milestones on a date axis, one row each; the marker's shape and text give the status
    (a status the default list does not have is drawn by its meaning in ``statuses``). A line
    marks ``today``, the day the figures are shown as at, named ``today_label``."""
    fig = go.Figure()
    for i, group in enumerate(milestones.partition_by("status", maintain_order=True)):
        status = group["status"][0]
        fig.add_trace(
            go.Scatter(
                x=group["due_date"].to_list(),
                y=group["title"].to_list(),
                mode="markers+text",
                name=status,
                text=[status] * group.height,
                textposition="middle right",
                marker={
                    "symbol": _symbol(status, statuses),
                    "size": 14,
                    "color": SERIES_COLOURS[i % len(SERIES_COLOURS)],
                    "line": {"width": 2, "color": SERIES_COLOURS[i % len(SERIES_COLOURS)]},
                },
            )
        )
    fig.add_vline(x=today, line_dash="dot", line_color="#0b0c0c")
    fig.add_annotation(x=today, y=1.02, yref="paper", text=today_label, showarrow=False)
    _layout(fig, title, "")
    fig.update_layout(hovermode="closest", height=max(260, 60 * milestones.height + 120))
    fig.update_yaxes(autorange="reversed", rangemode="normal")
    return fig


@shared
def count_trend_chart(
    frame: pl.DataFrame, *, title: str, y_title: str, subtitle: str | None = None
) -> go.Figure:
    """Counts by month from a long frame (``month``, ``series``, ``value``, ``modelled``): one
    line per series, hollow markers where ``modelled``, counts with thousands separators and
    months written ``Nov 2023``. ``subtitle`` says e.g. the team shown."""
    fig = _line_chart(
        frame,
        x="month",
        y="value",
        series="series",
        title=title,
        y_title=y_title,
        dashed_where="modelled",
    )
    fig.update_yaxes(tickformat=",")
    fig.update_xaxes(tickformat="%b %Y", hoverformat="%b %Y")
    fig.update_traces(hovertemplate="%{fullData.name}: %{y:,}<extra></extra>")
    if subtitle:
        fig.update_layout(
            title_subtitle={"text": subtitle, "font": {"family": FONT, "size": 14}},
            margin_t=80,
        )
    return fig
