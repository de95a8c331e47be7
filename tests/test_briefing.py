"""Briefing packs from the demo council, read back: the published figures as text, the as-at
date and page number on every page, charts with alternative text, tables that run on across
pages under their heading row, and a pack without charts when there is no browser."""

from __future__ import annotations

import re

import polars as pl
import pytest
from docx.oxml.ns import qn

from dashboard.briefing import content, docx, images, make, pdf
from dashboard.domain.table import Kind, Table
from dashboard.views.blocks import Pack, Paragraph, Section
from data_access import days
from tests.briefing_support import (
    docx_document,
    docx_text,
    keep_pages,
    need,
    pdf_alt_texts,
    pdf_pages,
    pdf_picture_count,
    pdf_string,
)

PUBLISHED = ("2,808", "578,026", "460", "692", "£54.43m")
TODAY = days.today()
AS_AT_TEXT = f"Figures as at {TODAY.day} {TODAY:%B %Y}"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo council in a SQLite store, shared by the read-only tests here."""
    from data_access.sample_data import load_sample_data
    from data_access.store import Store

    store = Store("sqlite:///" + str(tmp_path_factory.mktemp("brief") / "store.sqlite3"))
    store.upgrade()
    load_sample_data(store)
    store.dispose()
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def drawn_pack(demo):
    """The demo council's pack with its charts drawn by one browser, for both layouts."""
    browser = images.find_browser()
    if browser is None:
        need("chromium")
    pack = content.build(content.gather(demo, TODAY), make.options_for(demo))
    drawn = images.draw(pack.charts(), browser=browser)
    assert drawn.reason is None, drawn.reason
    return pack, drawn


@pytest.fixture(scope="module")
def pdf_bytes(drawn_pack):
    data = pdf.render(*drawn_pack)
    keep_pages(data, "demo", [1, 2, 6, 13])
    return data


@pytest.fixture(scope="module")
def docx_bytes(drawn_pack):
    return docx.render(*drawn_pack)


def test_pdf_shows_the_published_figures_as_text(pdf_bytes):
    text = "\n".join(pdf_pages(pdf_bytes))
    for figure in PUBLISHED:
        assert figure in text
    assert "Adult social care briefing pack" in text
    assert "Reported total differs from its parts" in text


def test_every_pdf_page_carries_the_as_at_date_and_its_number(pdf_bytes):
    pages = pdf_pages(pdf_bytes)
    assert len(pages) > 10
    for number, page in enumerate(pages, start=1):
        assert AS_AT_TEXT in page
        assert f"Page {number} of {len(pages)}" in page


def test_pdf_charts_are_tagged_pictures_with_alternative_text(drawn_pack, pdf_bytes):
    pack, _ = drawn_pack
    charts = pack.charts()
    alts = pdf_alt_texts(pdf_bytes)
    assert pdf_picture_count(pdf_bytes) == len(charts) == len(alts) >= 8
    for chart, alt in zip(charts, alts, strict=True):
        assert alt.startswith(chart.title) and chart.alt in alt
    assert b"/MarkInfo" in pdf_bytes and b"/StructTreeRoot" in pdf_bytes
    assert b"/Lang (en-GB)" in pdf_bytes


def test_pdf_outline_lists_every_section(drawn_pack, pdf_bytes):
    pack, _ = drawn_pack
    assert [s.title for s in pack.sections] == list(content.SECTIONS.values())
    titles = {pdf_string(pdf_bytes, m.end()) for m in re.finditer(rb"/Title ", pdf_bytes)}
    assert set(content.SECTIONS.values()) <= titles


def test_word_pack_has_headings_figures_and_alternative_text(drawn_pack, docx_bytes):
    pack, _ = drawn_pack
    document = docx_document(docx_bytes)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == list(content.SECTIONS.values())
    text = docx_text(document)
    for figure in PUBLISHED:
        assert figure in text
    pictures = list(document.element.body.iter(qn("wp:docPr")))
    assert len(pictures) == len(pack.charts())
    for chart, picture in zip(pack.charts(), pictures, strict=True):
        assert picture.get("title") == chart.title
        assert chart.alt in picture.get("descr")


def _words(text: str) -> str:
    return " ".join(text.split())


def test_both_layouts_print_money_exact_and_shares_to_a_tenth(pdf_bytes, docx_bytes):
    """The savings figures as the pages show them: to the thousand pounds they were published
    at (never £1.29m for £1,293,000), shares of target to one decimal place, the lines set
    against the MTFS requirement, and one unit cost in the what-if."""
    printed = _words("\n".join(pdf_pages(pdf_bytes)))
    word = _words(docx_text(docx_document(docx_bytes)))
    for text in (printed, word):
        for figure in ("£1.293m", "£10.401m", "£2.808m", "£7.593m", "97.2%", "13.3%", "90.3%"):
            assert figure in text
        for rounded in ("£1.29m", "£10.40m", "£2.81m", "£7.59m", "£480.65"):
            assert rounded not in text
        assert "£59.407m of it is not yet covered by a line" in text
        assert "A savings line's status and its BRAG rating go together" in text
        assert "% forecast and % delivered are shares of the target" in text
        assert "£480.63 per extra review" in text


def test_word_tables_repeat_their_heading_row_and_the_footer_numbers_pages(docx_bytes):
    document = docx_document(docx_bytes)
    assert len(document.tables) > 20
    for table in document.tables:
        first = table.rows[0]._tr
        assert first.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    footer = document.sections[0].footer.paragraphs[0]
    assert AS_AT_TEXT in footer.text
    fields = [t.text.strip() for t in footer._p.iter(qn("w:instrText"))]
    assert fields == ["PAGE", "NUMPAGES"]
    assert document.core_properties.language == "en-GB"


def test_pack_builds_without_a_browser_and_says_so(demo, tmp_path):
    nowhere = str(tmp_path / "no-such-browser")
    options = make.options_for(demo)
    made = make.make(demo, as_at=TODAY, fmt="pdf", options=options, browser=nowhere)
    pages = pdf_pages(made.data)
    text = "\n".join(pages)
    assert "Charts are not drawn in this pack: no browser to draw them was found" in text
    assert text.count("Chart not drawn:") == len(made.pack.charts())
    assert pdf_picture_count(made.data) == 0
    for figure in PUBLISHED:
        assert figure in text
    keep_pages(made.data, "no-browser", [1, 10])
    word = make.make(demo, as_at=TODAY, fmt="docx", options=options, browser=nowhere)
    document = docx_document(word.data)
    assert not list(document.element.body.iter(qn("wp:docPr")))
    assert "Charts are not drawn in this pack" in docx_text(document)


def test_chosen_sections_and_meeting_shape_the_pack(demo):
    options = make.options_for(demo, meeting_id=3, sections=("summary", "actions"))
    made = make.make(demo, as_at=None, fmt="pdf", options=options, browser=None)
    assert [s.key for s in made.pack.sections] == ["summary", "actions"]
    text = "\n".join(pdf_pages(made.data))
    assert "Health and Social Care Scrutiny Commission (Leicester)" in text
    # the meeting's pack is as at the meeting's day
    assert "Meeting of 12 March 2024\nFigures as at 12 March 2024" in text
    # changes are counted from the meeting before the chosen one
    assert "What changed since the last meeting (6 Feb 2024)" in text


def test_unknown_meeting_is_refused_naming_the_meetings(demo):
    options = make.options_for(demo, meeting_id=99)
    with pytest.raises(content.UnknownMeeting, match=r"no meeting 99; meetings: 1 \(Adult"):
        make.make(demo, as_at=TODAY, fmt="pdf", options=options, browser=None)


def _long_pack(rows: int, tall_words: int = 0) -> Pack:
    frame = pl.DataFrame(
        {
            "Code": [f"ROW-{i:04d}" for i in range(rows)],
            "Title": [
                (" ".join(f"w{n:04d}" for n in range(tall_words)) if i == 5 else f"Item {i}")
                for i in range(rows)
            ],
            "Amount": [i * 100_000 for i in range(rows)],
            "Note": ["Supercalifragilisticexpialidocious-reference-number-0123456789"] * rows,
        }
    )
    section = Section(
        "plan",
        "Long table",
        (Paragraph("Before."), Table.of("Many rows", frame, {"Amount": Kind.MONEY})),
    )
    return Pack("Test council", TODAY, None, None, (section,))


def test_long_tables_run_on_across_pages_under_their_heading_row():
    pages = pdf_pages(pdf.render(_long_pack(300), images.Drawn()))
    with_rows = [p for p in pages if "ROW-" in p]
    assert len(with_rows) >= 5
    for page in with_rows:
        assert "Code" in page and "Title" in page and "Amount" in page
    text = "\n".join(pages)
    for i in range(300):  # every row, every figure: nothing cut off
        assert f"ROW-{i:04d}" in text
        assert f"£{i * 1000:,}" in text


def test_a_row_taller_than_a_page_runs_on_and_long_words_wrap_inside_their_cell():
    pages = pdf_pages(pdf.render(_long_pack(8, tall_words=3000), images.Drawn()))
    assert len(pages) >= 4
    text = "".join(pages)
    assert set(re.findall(r"w\d{4}", text)) == {f"w{n:04d}" for n in range(3000)}
    squeezed = "".join(text.split())
    assert squeezed.count("Supercalifragilisticexpialidocious") == 8


def test_table_figures_line_up_on_the_right():
    frame = pl.DataFrame({"Post": ["Social worker"], "Cost": [57_802_600], "Band": ["Band 6"]})
    table = Table.of("Posts", frame, {"Cost": Kind.MONEY})

    assert table.aligns() == ("L", "R", "L")
    assert table.shown().row(0) == ("Social worker", "£578,026", "Band 6")


def test_a_browser_that_fails_while_drawing_leaves_tables_in_place_of_charts(drawn_pack):
    pack, _ = drawn_pack
    failed = images.Drawn(reason="the browser that draws them failed (TimeoutError)")
    for render in (pdf.render, docx.render):
        data = render(pack, lambda: failed)  # noqa: B023 - called before the loop moves on
        if render is pdf.render:
            text = "\n".join(pdf_pages(data))
            assert pdf_picture_count(data) == 0
        else:
            text = docx_text(docx_document(data))
        assert "Charts are not drawn in this pack: the browser that draws them failed" in text
        assert text.count("Chart not drawn:") == len(pack.charts())


def test_a_painter_without_a_browser_says_why(tmp_path):
    import plotly.graph_objects as go

    from dashboard.views.blocks import Chart

    chart = Chart("k", "A chart", go.Figure(), "What it shows.", pl.DataFrame({"a": [1]}))
    missing = str(tmp_path / "missing")
    with images.Painter(missing) as painter:
        drawn = painter.draw([chart])
        assert not painter.drawing
    assert drawn.pictures == {}
    assert drawn.reason == f"no browser to draw them was found ({missing})"
    assert images.draw([], browser=missing).reason is None  # nothing to draw, nothing to say


def test_the_summary_is_one_page(drawn_pack, pdf_bytes):
    pack, _ = drawn_pack
    pages = pdf_pages(pdf_bytes)
    summary, changes = (s.title for s in pack.sections[:2])
    starts = [next(i for i, p in enumerate(pages) if _opens(p, t)) for t in (summary, changes)]
    assert starts[0] == 1  # after the cover
    assert starts[1] == 2, "the summary runs onto a second page"


def _opens(page: str, title: str) -> bool:
    """Whether a section starts on this page: its title is the first line after the header."""
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    return len(lines) > 1 and lines[1] == title


def test_open_actions_in_the_pack_are_those_whose_status_means_open(sqlite_demo_store):
    from data_access.access import Principal
    from data_access.app_settings import set_list
    from data_access.commands import edit_action
    from data_access.loaders import load_table
    from data_access.vocab import Role

    store = sqlite_demo_store
    admin = Principal(email="admin@demo.example", name="Demo Admin", role=Role.ADMIN)
    director = Principal(email="director@demo.example", name="Demo Director", role=Role.DIRECTOR)

    def actions_line() -> str:
        options = make.options_for(store, sections=("actions",))
        [section] = content.build(content.gather(store, TODAY), options).sections
        return section.blocks[0].text

    before = actions_line()
    rows = load_table(store, "committee_actions").filter(pl.col("status") == "Open").sort("code")
    first, second, third = rows.head(3).iter_rows(named=True)
    # an action in progress is still open
    edit_action(store, director, first["code"], version=first["version"], status="In progress")
    assert actions_line() == before
    lists = ["Open", "In progress", "Done", "Noted", "Awaiting reply: open", "Closed: complete"]
    set_list(store, "action_statuses", lists, actor=admin)
    edit_action(store, director, second["code"], version=second["version"], status="Awaiting reply")
    assert actions_line() == before
    edit_action(store, director, third["code"], version=third["version"], status="Closed")
    total, still_open = re.search(r"(\d+) resolutions and actions; (\d+) open", before).groups()
    assert actions_line() == f"{total} resolutions and actions; {int(still_open) - 1} open."


def test_the_reviews_section_prints_disclosed_aggregates_and_no_person_id(
    sqlite_demo_store, tmp_path
):
    """A pack is tabled in public: its Reviews and waiting lists section prints the census
    extract's figures under the disclosure rule (NHS England's by default), in both formats,
    and no person id from the extract or the CLD return."""
    from tests.reviews_support import load_extract
    from tests.test_page_reviews import _load_cld

    store = sqlite_demo_store
    options = make.options_for(store, sections=("reviews",))
    [empty] = content.build(content.gather(store, TODAY), options).sections
    assert empty.blocks[0].text.startswith("No census extract from the council's case-management")
    load_extract(store, tmp_path)
    _load_cld(store, tmp_path)
    for fmt in ("pdf", "docx"):
        made = make.make(store, as_at=TODAY, fmt=fmt, options=options, browser=None)
        if fmt == "pdf":
            text = "\n".join(pdf_pages(made.data))
        else:
            text = docx_text(docx_document(made.data))
        flat = " ".join(text.split())
        assert "Census extract as at 31 March 2024" in flat, fmt
        # 34 people with long-term support and 21 overdue, rounded to the nearest 5
        assert "35 people had long-term support; 20 of them (57%) were overdue" in flat, fmt
        assert "fewer than 8" in flat, fmt
        assert "Reviews done against the 12-month duty" in flat, fmt
        assert "PID-ZZ" not in text, fmt


def test_each_section_names_a_page_of_the_dashboard():
    # the pack may not import the navigation (layers), so its page names are checked here
    from dashboard.briefing.content import PAGES as SECTION_PAGES
    from dashboard.briefing.sections import SECTIONS
    from dashboard.navigation import PAGES

    assert set(SECTION_PAGES) == set(SECTIONS)
    assert set(SECTION_PAGES.values()) <= {page.title for page in PAGES}
