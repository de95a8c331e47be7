"""A pack as a PDF: A4, text as text (selectable, searchable), set in DejaVu Sans.

Every page carries the as-at date and its page number; headings become the PDF's outline
(bookmarks); the structure tree (``tagged``) holds the sections, headings, paragraphs, tables
(rows, heading and data cells) and charts (figures with alternative text) in reading order,
the running header and footer marked as artifacts; tables run on across pages with their
heading row repeated, and their text wraps inside the cells rather than being cut off.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

import polars as pl
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.prefs import ViewerPreferences

from dashboard.briefing.images import WIDTH, Drawn
from dashboard.briefing.layout import OWN_PAGES, Charts, charts_note
from dashboard.briefing.tagged import HEADING_CELL, Tags
from dashboard.views.blocks import (
    Chart,
    Heading,
    Headlines,
    Pack,
    Paragraph,
    Section,
    Table,
)

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = "dejavu"
FONT_FILES = {
    "": "DejaVuSans.ttf",
    "B": "DejaVuSans-Bold.ttf",
    "I": "DejaVuSans-Oblique.ttf",
    "BI": "DejaVuSans-BoldOblique.ttf",
}
INK = (11, 12, 12)
GREY = (80, 80, 80)
WARNING = (150, 60, 0)  # dark orange: 6.4:1 on white
RULE = (170, 170, 170)
HEADING_FILL = (230, 234, 238)
MARGIN = 16  # mm
NEW_PAGE_BELOW = 0.35  # a share of a page's body
SPILLED_BELOW = 0.2  # a share of a page's body: less used than this, a page holds a spill-over


class MissingFont(RuntimeError):
    pass


class _Document(FPDF):
    def __init__(self, pack: Pack):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.pack = pack
        self.set_margins(MARGIN, 20, MARGIN)
        self.set_auto_page_break(True, margin=18)
        for style, name in FONT_FILES.items():
            path = FONT_DIR / name
            if not path.is_file():
                raise MissingFont(
                    f"{path} is missing: install the Debian package fonts-dejavu-core"
                )
            self.add_font(FONT, style, str(path))
        self.set_title(pack.title)
        self.set_subject(pack.as_at_text)
        self.set_author(pack.council)
        self.set_creator("ascgov briefing pack")
        self.set_lang("en-GB")
        # a reader's window shows the pack's title, not its file name
        self.viewer_preferences = ViewerPreferences(display_doc_title=True)
        self.alias_nb_pages()
        self.tags = Tags(self)
        self.grids: dict[int, tuple[Table, _Grid]] = {}  # by the id of the table drawn

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(9)
        self.set_font(FONT, "", 8)
        self.set_text_color(*GREY)
        with self.tags.artifact():
            self.cell(self.epw / 2, 5, self.pack.council, new_x=XPos.RIGHT, new_y=YPos.TOP)
            self.cell(self.epw / 2, 5, self.pack.as_at_text, align="R")
        self.set_y(20)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, "", 8)
        self.set_text_color(*GREY)
        with self.tags.artifact():
            self.cell(self.epw / 2, 5, self.pack.as_at_text, new_x=XPos.RIGHT, new_y=YPos.TOP)
            self.cell(self.epw / 2, 5, f"Page {self.page_no()} of {{nb}}", align="R")


def render(pack: Pack, drawn: Drawn | Callable[[], Drawn]) -> bytes:
    """The pack as PDF bytes; charts from ``drawn`` (or from the callable that waits for them,
    called once everything else is laid out), their tables where there are none."""
    charts = Charts(drawn)
    pdf = _Document(pack)
    _cover(pdf, pack, charts)
    for index, section in enumerate(pack.sections):
        # a section that would start its own page starts under a few lines that spilled over
        # from the one before instead (a long summary's last sentence alone on a page)
        spilled = index > 0 and _used(pdf) < SPILLED_BELOW
        _section(pdf, section, charts, own_page=index < OWN_PAGES and not spilled)
    if charts.pending:
        done = charts.finish(pack.charts())
        if done is None:
            return render(pack, charts.drawn())
        _place_pictures(pdf, charts.reserved, done)
    return bytes(pdf.output())


def _place_pictures(pdf: _Document, reserved: list[tuple], drawn: Drawn) -> None:
    """Each picture into the place kept for it, (chart, page, top, height, mcid), marked as
    the Figure element made for it where it was laid out."""
    last = pdf.page
    for chart, page, top, height, mcid in reserved:
        pdf.page = page
        with pdf.tags.marked("/Figure", mcid):
            _picture(pdf, chart, drawn.picture(chart), top, height)
    pdf.page = last


def _text(pdf: _Document, text: str, *, size: float = 10, style="", colour=INK, gap=1.5, tag="/P"):
    """A paragraph tagged ``tag``, kept whole on a page when it fits on one; one longer than
    the room left runs on, each page's part tagged on its own (marked content cannot span
    pages), and never leaves a single line behind."""
    pdf.set_font(FONT, style, size)
    pdf.set_text_color(*colour)
    height = size * 0.5
    room = int((pdf.page_break_trigger - pdf.y) // height)
    # far from the page's foot (most paragraphs) it is written at once: wrapping it first to
    # count its lines cost as much again as writing it
    widest = pdf.get_string_width(text) * 1.25 / (pdf.epw - 2 * pdf.c_margin)
    if room > widest + text.count("\n") + 2:
        with pdf.tags.content(tag):
            pdf.multi_cell(0, height, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(gap)
        return
    lines = pdf.multi_cell(0, height, text, align="L", dry_run=True, output="LINES")
    while lines:
        room = int((pdf.page_break_trigger - pdf.y) // height)
        if room < min(len(lines), 2):
            pdf.add_page()
            continue
        shown, lines = lines[:room], lines[room:]
        with pdf.tags.content(tag):
            pdf.multi_cell(
                0, height, "\n".join(shown), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
    pdf.ln(gap)


def _cover(pdf: _Document, pack: Pack, drawn: Charts) -> None:
    pdf.add_page()
    pdf.set_y(50)
    _text(pdf, pack.council, size=14, colour=GREY)
    pdf.start_section("Briefing pack", level=0)
    _text(pdf, "Adult social care briefing pack", size=24, style="B", gap=6, tag="/H1")
    if pack.committee:
        _text(pdf, pack.committee, size=14)
    if pack.meeting_date:
        _text(pdf, f"Meeting of {pack.meeting_date.day} {pack.meeting_date:%B %Y}", size=14)
    _text(pdf, pack.as_at_text, size=14, style="B", gap=3 if pack.notes else 8)
    for note in pack.notes:
        _text(pdf, "⚠ " + note, size=11, colour=WARNING, gap=5)
    _text(pdf, f"Made from the dashboard on {pack.made_at}.", size=10, colour=GREY, gap=6)
    if pack.kept:
        _text(pdf, pack.kept, size=11, gap=6)
    _text(pdf, "Contents", size=12, style="B", tag="/H2")
    for section in pack.sections:
        _text(pdf, section.title, size=11, gap=0.5)
    pdf.ln(6)
    _text(pdf, charts_note(drawn), size=9, colour=GREY)


def _section(pdf: _Document, section: Section, drawn: Charts, *, own_page: bool) -> None:
    """A section on a new page when it is one of the first (the summary, then the changes),
    or when less than ``NEW_PAGE_BELOW`` of a page is left, or too little for its title and
    what it opens with; otherwise after the one before: a section that started every page
    left pages a tenth full where one spilled over."""
    body = pdf.page_break_trigger - pdf.t_margin
    keep = max(NEW_PAGE_BELOW * body, 15 + _room_for(pdf, section.blocks, drawn))
    if own_page or pdf.will_page_break(keep):
        pdf.add_page()
    else:
        pdf.ln(8)
    pdf.start_section(section.title, level=0)
    with pdf.tags.group("/Sect"):
        _text(pdf, section.title, size=18, style="B", gap=3, tag="/H1")
        for index, block in enumerate(section.blocks):
            if isinstance(block, Heading):
                keep = _room_for(pdf, section.blocks[index + 1 :], drawn)
                _heading(pdf, block.text, keep=keep)
            else:
                _block(pdf, block, drawn)


def _used(pdf: _Document) -> float:
    """The share of the current page's body used so far."""
    body = pdf.page_break_trigger - pdf.t_margin
    return (pdf.get_y() - pdf.t_margin) / body


def _room_for(pdf: _Document, following: tuple, drawn: Charts) -> float:
    """Room (mm) a heading needs below it: the short paragraphs that follow it and the chart,
    table or figures they introduce, so that a heading never ends a page without them."""
    room, page = 0.0, _kept(pdf)
    for block in following[:4]:
        if isinstance(block, Paragraph):
            room += 10
            continue
        if isinstance(block, Chart) and drawn.shows(block):
            return min(room + pdf.epw * block.height / WIDTH + 12, page)
        if isinstance(block, Table):
            return min(room + _grid(pdf, block).height() + 8, page)
        break
    return room + 30


def _kept(pdf: _Document) -> float:
    """The most (mm) kept together: a page's body less room for a title and a sentence, so
    that what a title keeps with it fits under the title on a new page."""
    return pdf.page_break_trigger - pdf.t_margin - 30


def _block(pdf: _Document, block, drawn: Charts) -> None:
    if isinstance(block, Paragraph):
        _paragraph(pdf, block)
    elif isinstance(block, Headlines):
        _headlines(pdf, block)
    elif isinstance(block, Table):
        _table(pdf, block)
    elif isinstance(block, Chart):
        _chart(pdf, block, drawn)


def _heading(pdf: _Document, text: str, *, keep: float) -> None:
    # a heading stays on the page with what it introduces
    if pdf.will_page_break(keep):
        pdf.add_page()
    pdf.ln(2)
    pdf.start_section(text, level=1, strict=False)
    _text(pdf, text, size=13, style="B", gap=1.5, tag="/H2")


def _paragraph(pdf: _Document, block: Paragraph) -> None:
    if block.kind in ("note", "notice"):
        _text(pdf, block.words, size=8.5, colour=GREY)
    elif block.kind == "warning":
        _text(pdf, "⚠ " + block.words, size=9.5, colour=WARNING)
    else:
        _text(pdf, block.words)


def _headlines(pdf: _Document, block: Headlines) -> None:
    per_row, gap = 4, 3
    items = list(block.items)
    for start in range(0, len(items), per_row):
        row = items[start : start + per_row]
        width = (pdf.epw - gap * (per_row - 1)) / per_row
        height = max(_headline_height(pdf, item, width) for item in row)
        if pdf.will_page_break(height + 2):
            pdf.add_page()
        top = pdf.y
        for i, item in enumerate(row):
            with pdf.tags.group("/Div"):
                _headline(pdf, item, pdf.l_margin + i * (width + gap), top, width, height)
        pdf.set_xy(pdf.l_margin, top + height + 3)


def _headline_lines(item) -> list[tuple[str, float, str]]:
    lines = [(item.label, 8.5, ""), (item.value, 16, "B")]
    return lines + ([(item.note, 7.5, "")] if item.note else [])


def _headline_height(pdf: FPDF, item, width: float) -> float:
    total = 4.0
    for text, size, style in _headline_lines(item):
        pdf.set_font(FONT, style, size)
        lines = pdf.multi_cell(
            width - 4, size * 0.45, text, align="L", dry_run=True, output="LINES"
        )
        total += len(lines) * size * 0.45 + 1
    return total


def _headline(pdf: _Document, item, x: float, y: float, width: float, height: float) -> None:
    pdf.set_draw_color(*RULE)
    with pdf.tags.artifact():
        pdf.rect(x, y, width, height)
    pdf.set_xy(x + 2, y + 2)
    for text, size, style in _headline_lines(item):
        pdf.set_font(FONT, style, size)
        pdf.set_text_color(*(INK if style else GREY))
        with pdf.tags.content("/P"):
            pdf.multi_cell(
                width - 4, size * 0.45, text, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT
            )
        pdf.set_x(x + 2)
        pdf.ln(1)
        pdf.set_x(x + 2)


def _widths(frame: pl.DataFrame, widths: tuple[float, ...]) -> tuple[float, ...]:
    """Relative column widths: as given, else by the length of what each column holds."""
    if len(widths) == frame.width:
        return widths
    lengths = []
    for name in frame.columns:
        longest = frame.get_column(name).cast(pl.String).fill_null("").str.len_chars().max()
        lengths.append(min(max(len(name), longest or 0, 4), 40))
    return tuple(float(n) for n in lengths)


def _longest_words(frame: pl.DataFrame, name: str, keep: int = 5) -> list[str]:
    """The longest words in a column and its heading: a cell can never be narrower than these
    without splitting a figure such as £130,000 across lines."""
    words = frame.select(pl.col(name).cast(pl.String).str.split(" ").explode().unique())
    longest = words.sort(pl.col(name).str.len_chars(), descending=True, nulls_last=True)
    return [w for w in longest.head(keep).to_series().to_list() if w] + name.split(" ")


def _fitted(pdf: FPDF, frame: pl.DataFrame, relative, size: float, pad: float) -> list[float]:
    """Widths in mm: shares of the text width, widened where a column's longest word needs it
    (up to a third of the page), the room taken from the columns with most to spare."""
    widths = [pdf.epw * w / sum(relative) for w in relative]
    needs = []
    for name in frame.columns:
        pdf.set_font(FONT, "B", size)
        widest = max(pdf.get_string_width(w) for w in _longest_words(frame, name))
        needs.append(min(widest + 2 * pad + 0.5, pdf.epw / 3))
    short = sum(max(n - w, 0) for n, w in zip(needs, widths, strict=True))
    spare = [max(w - n, 0) for n, w in zip(needs, widths, strict=True)]
    if short == 0 or sum(spare) == 0:
        return widths
    give = min(short / sum(spare), 1)
    return [
        max(w, n) if n > w else w - s * give for n, w, s in zip(needs, widths, spare, strict=True)
    ]


def _table(pdf: _Document, table: Table) -> None:
    grid = _grid(pdf, table)
    # a table that fits on a page is kept on one, rather than leaving a few rows over
    if pdf.will_page_break(min(grid.height() + 8, _kept(pdf))):
        pdf.add_page()
    with pdf.tags.group("/Table"):
        _text(pdf, table.title, size=9.5, style="B", gap=1, tag="/Caption")
        grid.draw()
    pdf.ln(3)


def _grid(pdf: _Document, table: Table) -> _Grid:
    """The table's grid, made once: the heading before it measures it too."""
    made = pdf.grids.get(id(table))
    if made is None or made[0] is not table:
        made = pdf.grids[id(table)] = (
            table,
            _Grid(pdf, table.shown(), table.widths, table.aligns()),
        )
    return made[1]


class _Grid:
    """A table drawn line by line.

    fpdf2's own table lays out each cell with its full paragraph engine (about 1 ms a cell, so
    10 s for a council's savings lines); these cells are plain text, so they are wrapped here
    by measuring words and written with ``text``. A row that does not fit goes to the next page
    under the repeated heading row; a row taller than a page runs on across pages.
    """

    PAD = 1.0

    def __init__(
        self,
        pdf: _Document,
        frame: pl.DataFrame,
        widths: tuple[float, ...],
        aligns: tuple[str, ...],
    ):
        self.pdf, self.frame = pdf, frame
        self.size = 7.5 if frame.width > 6 else 8.5
        self.line = self.size * 0.42
        self.widths = _fitted(pdf, frame, _widths(frame, widths), self.size, self.PAD)
        self.right = [a == "R" for a in aligns]
        self._widths: dict[tuple[str, str], float] = {}

    @functools.cache  # noqa: B019 - a grid lives as long as the pack's layout
    def height(self) -> float:
        """The table's height (mm) on one page, its rows wrapped in their cells; stops
        counting once past a page."""
        page = self.pdf.page_break_trigger - self.pdf.t_margin
        total = 0.0
        for values in self.frame.head(200).iter_rows():
            if total > page:
                break
            lines = max(
                len(self._wrap("" if v is None else str(v), w))
                for v, w in zip(values, self.widths, strict=True)
            )
            total += lines * self.line + 2 * self.PAD
        return total + 2 * (self.line + 2 * self.PAD)  # the heading row, about

    def draw(self) -> None:
        self.pdf.set_draw_color(*RULE)
        self.pdf.set_text_color(*INK)
        self._heading(repeated=False)
        self.pdf.set_font(FONT, "", self.size)
        for values in self.frame.iter_rows():
            texts = ["" if v is None else str(v) for v in values]
            self._row([self._wrap(t, w) for t, w in zip(texts, self.widths, strict=True)])

    def _heading(self, *, repeated: bool = True) -> None:
        """The heading row; repeated at the top of each page a table runs on to, where it is
        an artifact (read once, at the table's start)."""
        self.pdf.set_font(FONT, "B", self.size)
        cells = [self._wrap(n, w) for n, w in zip(self.frame.columns, self.widths, strict=True)]
        height = max(len(c) for c in cells) * self.line + 2 * self.PAD
        if self.pdf.will_page_break(height + self.line * 2 + 2 * self.PAD):
            self.pdf.add_page()
        if repeated:
            with self.pdf.tags.artifact():
                self._cells(cells, height, fill=True, cell=None)
        else:
            self._cells(cells, height, fill=True, cell="/TH")
        self.pdf.set_font(FONT, "", self.size)

    def _row(self, cells: list[list[str]]) -> None:
        while cells:
            room = self.pdf.page_break_trigger - self.pdf.y - 2 * self.PAD
            needed = max(len(c) for c in cells)
            fits = int(room // self.line)
            if needed > fits and needed * self.line <= self._page_room():
                fits = 0  # the whole row fits on the next page: keep it together
            if fits <= 0:
                self.pdf.add_page()
                self._heading()
                continue
            shown = [c[:fits] for c in cells]
            self._cells(shown, max(len(c) for c in shown) * self.line + 2 * self.PAD, cell="/TD")
            cells = [c[fits:] for c in cells] if needed > fits else []

    def _page_room(self) -> float:
        return self.pdf.page_break_trigger - self.pdf.t_margin - 20 - 2 * self.PAD

    def _cells(
        self, cells: list[list[str]], height: float, *, cell: str | None, fill: bool = False
    ) -> None:
        """A row: tagged TR with a ``cell`` element (TH or TD) for each cell, or untagged
        (``cell`` None) inside an artifact."""
        pdf, top = self.pdf, self.pdf.y
        with pdf.tags.artifact() if cell else nullcontext():
            x = pdf.l_margin
            for width in self.widths:
                if fill:
                    pdf.set_fill_color(*HEADING_FILL)
                pdf.rect(x, top, width, height, style="DF" if fill else "D")
                x += width
        with pdf.tags.group("/TR") if cell else nullcontext():
            x = pdf.l_margin
            for lines, width, right in zip(cells, self.widths, self.right, strict=True):
                said = {"a": HEADING_CELL} if cell == "/TH" else {}
                with pdf.tags.content(cell, **said) if cell else nullcontext():
                    for i, line in enumerate(lines):
                        offset = width - self.PAD - self._width(line) if right else self.PAD
                        pdf.text(x + offset, top + self.PAD + (i + 0.8) * self.line, line)
                x += width
        pdf.set_xy(pdf.l_margin, top + height)

    def _width(self, text: str) -> float:
        # tables repeat the same words (months, ratings, "modelled") thousands of times, and
        # fpdf2 measures a string a character at a time
        key = (self.pdf.font_style, text)
        if key not in self._widths:
            self._widths[key] = self.pdf.get_string_width(text)
        return self._widths[key]

    def _wrap(self, text: str, width: float) -> list[str]:
        """``text`` in lines no wider than the cell; a word too long for it is split."""
        room = width - 2 * self.PAD
        lines: list[str] = []
        for part in _printable(text).split("\n"):
            if self._width(part) <= room:
                lines.append(part)
                continue
            current = ""
            for word in part.split(" "):
                candidate = f"{current} {word}" if current else word
                if self._width(candidate) <= room:
                    current = candidate
                    continue
                if current:
                    lines.append(current)
                current = self._split_long(word, room, lines)
            lines.append(current)
        return lines or [""]

    def _split_long(self, word: str, room: float, lines: list[str]) -> str:
        while len(word) > 1 and self._width(word) > room:
            cut = len(word) - 1
            while cut > 1 and self._width(word[:cut]) > room:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        return word


def _printable(text: str) -> str:
    # tabs and carriage returns (which a spreadsheet-born value may hold) print as spaces
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")


def _chart(pdf: _Document, chart: Chart, drawn: Charts) -> None:
    if not drawn.shows(chart):
        _text(
            pdf,
            f"Chart not drawn: {chart.title}. Its figures are in the table below.",
            size=8.5,
            colour=GREY,
        )
    else:
        height = pdf.epw * chart.height / WIDTH
        if pdf.will_page_break(height + 10):
            pdf.add_page()
        top = pdf.y
        alt = f"{chart.title}. {chart.alt} The figures are in the table below."
        _, mcid = pdf.tags.leaf("/Figure", alt=alt)
        if drawn.pending:
            drawn.reserved.append((chart, pdf.page, top, height, mcid))
        else:
            with pdf.tags.marked("/Figure", mcid):
                _picture(pdf, chart, drawn.picture(chart), top, height)
        pdf.set_y(top + height + 2)
    _text(pdf, chart.alt)
    _table(pdf, chart.table.titled(f"The figures in this chart: {chart.title}"))


def _picture(pdf: _Document, chart: Chart, picture: bytes, top: float, height: float) -> None:
    # tagged by the caller as a Figure with its alternative text (fpdf2's own tag would sit
    # outside the section, out of reading order)
    pdf.image(io.BytesIO(picture), x=pdf.l_margin, y=top, w=pdf.epw, h=height)
