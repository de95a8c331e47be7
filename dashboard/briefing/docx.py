"""A pack as a Word document: real headings (the navigation pane lists them), real tables whose
heading row repeats on every page, and charts with alternative text.

The as-at date and "Page N of M" (Word fields) sit in the footer of every page.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from xml.sax.saxutils import escape

import polars as pl
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

from dashboard.briefing.images import Drawn
from dashboard.briefing.layout import OWN_PAGES, Charts, charts_note
from dashboard.views.blocks import Chart, Heading, Headlines, Pack, Paragraph, Table

GREY = RGBColor(0x50, 0x50, 0x50)
WARNING = RGBColor(0x96, 0x3C, 0x00)
TEXT_WIDTH = Cm(17.4)
_CONTROL = re.compile(r"[\x00-\x1f]")


def render(pack: Pack, drawn: Drawn | Callable[[], Drawn]) -> bytes:
    """The pack as a Word document; charts from ``drawn`` (or from the callable that waits for
    them, called once everything else is laid out), their tables where there are none."""
    charts = Charts(drawn)
    document = Document()
    _set_up(document, pack)
    _cover(document, pack, charts)
    for index, section in enumerate(pack.sections):
        heading = document.add_heading(section.title, level=1)
        # as in the PDF: the summary and the changes on pages of their own, the rest following
        # on (a section on every new page left pages nearly empty where one spilled over)
        heading.paragraph_format.page_break_before = index < OWN_PAGES
        heading.paragraph_format.keep_with_next = True
        for block in section.blocks:
            _block(document, block, charts)
    if charts.pending:
        done = charts.finish(pack.charts())
        if done is None:
            return render(pack, charts.drawn())
        for run, chart in charts.reserved:
            _picture(run, chart, done.picture(chart))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _set_up(document, pack: Pack) -> None:
    props = document.core_properties
    props.title, props.subject, props.author = pack.title, pack.as_at_text, pack.council
    props.language = "en-GB"
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Arial", Pt(10)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.8))
    section.top_margin, section.bottom_margin = Cm(2), Cm(1.8)
    header = section.header.paragraphs[0]
    header.text = f"{pack.council}\t\t{pack.as_at_text}"
    _small(header)
    footer = section.footer.paragraphs[0]
    footer.add_run(f"{pack.as_at_text}\t\tPage ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")
    _small(footer)


def _small(paragraph) -> None:
    for run in paragraph.runs:
        run.font.size = Pt(8)
        run.font.color.rgb = GREY


def _field(paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in as it lays out the pages."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, f" {code} "), ("separate", None), ("end", None)):
        if kind is None:
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
            if kind == "separate":
                shown = OxmlElement("w:t")
                shown.text = "1"
                run._r.append(shown)


def _cover(document, pack: Pack, drawn: Charts) -> None:
    _line(document, pack.council, size=14, colour=GREY)
    document.add_heading("Adult social care briefing pack", level=0)
    if pack.committee:
        _line(document, pack.committee, size=14)
    if pack.meeting_date:
        _line(document, f"Meeting of {pack.meeting_date.day} {pack.meeting_date:%B %Y}", size=14)
    _line(document, pack.as_at_text, size=14, bold=True)
    for note in pack.notes:
        _line(document, "⚠ " + note, size=11, bold=True, colour=WARNING)
    _line(document, f"Made from the dashboard on {pack.made_at}.", colour=GREY)
    if pack.kept:
        _line(document, pack.kept, size=11)
    _line(document, "Contents", size=12, bold=True)
    for section in pack.sections:
        _line(document, section.title)
    _line(document, charts_note(drawn), size=9, colour=GREY)


def _line(document, text: str, *, size: float = 10, bold: bool = False, colour=None):
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.font.size, run.bold = Pt(size), bold
    if colour is not None:
        run.font.color.rgb = colour
    return paragraph


def _block(document, block, drawn: Charts) -> None:
    if isinstance(block, Heading):
        document.add_heading(block.text, level=2).paragraph_format.keep_with_next = True
    elif isinstance(block, Paragraph):
        _paragraph(document, block)
    elif isinstance(block, Headlines):
        frame = pl.DataFrame(
            [(h.label, h.value, h.note) for h in block.items],
            schema=["Figure", "Value", "Note"],
            orient="row",
        )
        _table(document, Table.of("", frame))
    elif isinstance(block, Table):
        _table(document, block)
    elif isinstance(block, Chart):
        _chart(document, block, drawn)


def _paragraph(document, block: Paragraph) -> None:
    if block.kind in ("note", "notice"):
        _line(document, block.words, size=8.5, colour=GREY)
    elif block.kind == "warning":
        _line(document, "⚠ " + block.words, colour=WARNING, bold=True)
    else:
        document.add_paragraph(block.words)


def _table(document, typed: Table) -> None:
    frame = typed.shown()
    if typed.title:
        caption = _line(document, typed.title, size=9.5, bold=True)
        caption.paragraph_format.keep_with_next = True
    table = document.add_table(rows=0, cols=frame.width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    half_points = 15 if frame.width > 6 else 17
    right = [a == "R" for a in typed.aligns()]
    rows = [_row(frame.columns, [False] * frame.width, half_points, heading=True)]
    rows += [
        _row(["" if v is None else str(v) for v in values], right, half_points)
        for values in frame.iter_rows()
    ]
    # rows as XML in one parse: python-docx's add_row costs about 0.4 ms a cell, seconds for
    # a council's savings lines
    body = parse_xml(f"<w:tbl {nsdecls('w')}>{''.join(rows)}</w:tbl>")
    for row in list(body):
        table._tbl.append(row)
    document.add_paragraph()


def _row(texts, right, half_points: int, *, heading: bool = False) -> str:
    """A table row as WordprocessingML; a heading row repeats at the top of every page."""
    row_props = "<w:trPr><w:tblHeader/></w:trPr>" if heading else ""
    bold = "<w:b/>" if heading else ""
    cells = []
    for text, align_right in zip(texts, right, strict=True):
        paragraph_props = '<w:pPr><w:jc w:val="right"/></w:pPr>' if align_right else ""
        cells.append(
            f'<w:tc><w:p>{paragraph_props}<w:r><w:rPr>{bold}<w:sz w:val="{half_points}"/>'
            f'</w:rPr><w:t xml:space="preserve">{_xml_text(text)}</w:t></w:r></w:p></w:tc>'
        )
    return f"<w:tr>{row_props}{''.join(cells)}</w:tr>"


def _xml_text(text: str) -> str:
    # XML 1.0 cannot hold most control characters; a tab or line break prints as a space
    return escape(_CONTROL.sub(" ", text))


def _chart(document, chart: Chart, drawn: Charts) -> None:
    if not drawn.shows(chart):
        _line(
            document,
            f"Chart not drawn: {chart.title}. Its figures are in the table below.",
            size=8.5,
            colour=GREY,
        )
    else:
        run = document.add_paragraph().add_run()
        if drawn.pending:
            drawn.reserved.append((run, chart))
        else:
            _picture(run, chart, drawn.picture(chart))
    document.add_paragraph(chart.alt)
    _table(document, chart.table.titled(f"The figures in this chart: {chart.title}"))


def _picture(run, chart: Chart, picture: bytes) -> None:
    run.add_picture(io.BytesIO(picture), width=TEXT_WIDTH)
    _alt_text(run, chart.title, f"{chart.title}. {chart.alt} The figures are in the table below.")


def _alt_text(run, title: str, description: str) -> None:
    """Word's alternative text for the picture in ``run`` (read by screen readers)."""
    for properties in run._r.iter(qn("wp:docPr")):
        properties.set("title", title)
        properties.set("descr", description)
