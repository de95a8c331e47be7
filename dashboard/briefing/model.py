"""What a briefing pack is made of: sections of headings, paragraphs, headline figures, tables
and charts. ``content`` fills them from the store; ``pdf`` and ``docx`` lay them out. No
formatting decisions live here, only what is said."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only named in annotations: the CLI starts the chart browser before these load
    import plotly.graph_objects as go
    import polars as pl


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: str = "body"  # "body", "note" (smaller, e.g. sources) or "warning"


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class Headlines:
    items: tuple[Headline, ...]


@dataclass(frozen=True)
class Table:
    title: str
    frame: pl.DataFrame
    # relative column widths; the renderers work them out from the text when empty
    widths: tuple[float, ...] = ()


@dataclass(frozen=True)
class Chart:
    """A chart, the sentence that is its alternative text, and its figures as a table."""

    key: str
    title: str
    figure: go.Figure
    alt: str
    table: pl.DataFrame
    height: int = 420


Block = Heading | Paragraph | Headlines | Table | Chart


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Pack:
    council: str
    as_at: date
    committee: str | None
    meeting_date: date | None
    sections: tuple[Section, ...]
    made_at: str = ""  # when it was made (UTC), for the cover
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def title(self) -> str:
        return f"{self.council}: adult social care briefing"

    @property
    def as_at_text(self) -> str:
        return f"Figures as at {self.as_at.day} {self.as_at:%B %Y}"

    def charts(self) -> list[Chart]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Chart)]
