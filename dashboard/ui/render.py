"""The view blocks on screen: the same headings, sentences, figures, tables and charts the
briefing pack prints, with Streamlit's widgets. Text from the store is always shown literally."""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from dashboard.domain.formatting import plain
from dashboard.domain.table import Table
from dashboard.ui.components import (
    cards,
    chart_with_table,
    kpi,
    provenance,
    table_with_downloads,
)
from dashboard.views.blocks import Block, Chart, Heading, Headlines, Paragraph
from dashboard.views.downloads import file_stem


def paragraph(block: Paragraph) -> None:
    text = plain(block.text)
    if block.lead:
        text = f"**{plain(block.lead)}** {text}"
    if block.kind == "warning":
        st.warning(text, icon=":material/warning:")
    elif block.kind == "notice":
        st.info(text, icon=":material/info:")
    elif block.kind == "note":
        provenance(block.words)
    else:
        st.markdown(text)


def headlines(block: Headlines) -> None:
    """The cards side by side, as many a row as fit whole (``cards``)."""
    with cards():
        for item in block.items:
            kpi(
                st,
                item.label,
                item.value,
                delta=item.delta,
                rise_is_good=item.rise_is_good,
                help_text=item.note or None,
            )


def chart(block: Chart, *, key: str | None = None) -> None:
    chart_with_table(block.figure, block.table, summary=block.alt, key=key or block.key)


def table(block: Table, *, key: str | None = None, download: Table | None = None) -> None:
    """``download``: the whole table the buttons give, where ``block`` is its key columns."""
    table_with_downloads(block, key=key or file_stem(block.title), download=download)


def show(blocks: Iterable[Block], *, key: str = "") -> None:
    """Each block in turn; ``key`` keeps widget keys apart where one view is shown twice."""
    for block in blocks:
        if isinstance(block, Heading):
            st.subheader(plain(block.text))
        elif isinstance(block, Paragraph):
            paragraph(block)
        elif isinstance(block, Headlines):
            headlines(block)
        elif isinstance(block, Chart):
            chart(block, key=f"{key}{block.key}")
        elif isinstance(block, Table):
            table(block, key=f"{key}{file_stem(block.title)}")
