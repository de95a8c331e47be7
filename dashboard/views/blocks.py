"""What a page and a briefing pack are made of: headings, paragraphs, headline figures, typed
tables and charts. The page views build them once; ``dashboard.ui.render`` shows them on screen
and ``dashboard.briefing`` lays them out in print. No layout decisions live here, only what is
said."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from dashboard.domain.table import Table

if TYPE_CHECKING:  # only named in annotations: the CLI starts the chart browser before these load
    import plotly.graph_objects as go


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str
    # "body"; "note" (smaller, e.g. sources); "warning" (a figure that needs attention);
    # "notice" (something that could not be done, e.g. a total that cannot be checked)
    kind: str = "body"
    lead: str = ""  # a few words that open the paragraph in bold on screen

    @property
    def words(self) -> str:
        """The paragraph as one run of words, for print."""
        return f"{self.lead} {self.text}" if self.lead else self.text


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    note: str = ""
    # on screen: the change since the last figure, and whether a rise is good (its colour)
    delta: str | None = None
    rise_is_good: bool | None = None


@dataclass(frozen=True)
class Headlines:
    items: tuple[Headline, ...]


@dataclass(frozen=True)
class Chart:
    """A chart, the sentence that is its alternative text, and its figures as a table."""

    key: str
    title: str
    figure: go.Figure
    alt: str
    table: Table
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
    # a meeting's kept pack: which version of the record it is, and why it corrects another
    kept: str = ""

    @property
    def title(self) -> str:
        return f"{self.council}: adult social care briefing"

    @property
    def as_at_text(self) -> str:
        return f"Figures as at {self.as_at.day} {self.as_at:%B %Y}"

    def charts(self) -> list[Chart]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Chart)]
