"""A pack a director can table unedited, read back from both formats: the cover and the figures
agree (a meeting's pack is as at the meeting's day, or says it is not), the change list says
what happened to an item the data load created and an officer then changed, long tables are
a sentence and a short table, no page is left nearly empty, and the PDF's structure (headings,
tables, figures, title, language) is there for a screen reader."""

from __future__ import annotations

import re
import subprocess
from datetime import date

import polars as pl
import pytest
from docx.oxml.ns import qn

from dashboard.briefing import content, docx, images, make, pdf
from dashboard.domain.table import Kind, Table
from dashboard.views import printed
from data_access import days
from tests.briefing_support import (
    docx_document,
    keep_pages,
    need,
    page_fill,
    pdf_pages,
    pdf_raw_text,
)
from tests.conftest import DIRECTOR

TODAY = days.today()
MEETING = 3  # the Leicester commission of 12 March 2024; the one before it met on 6 February
AREA = "Area IP09: Reviews of care and support plans"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The demo council (loaded by the data load on 12 March 2024), whose area IP09 the
    data load created Amber and a director has since turned Red."""
    from data_access.commands import edit_area
    from data_access.loaders import load_table
    from data_access.store import Store
    from tests.conftest import with_demo_council

    store = Store("sqlite:///" + str(tmp_path_factory.mktemp("read-back") / "s.sqlite3"))
    store.upgrade()
    with_demo_council(store)
    area = load_table(store, "areas").filter(pl.col("code") == "IP09").row(0, named=True)
    edit_area(
        store,
        DIRECTOR,
        "IP09",
        version=area["version"],
        status=area["status"],
        rag="Red",
        commentary="Reviews fell behind over the winter.",
    )
    yield store
    store.dispose()


def _made(store, fmt: str, *, as_at: date | None, browser=None):
    options = make.options_for(store, meeting_id=MEETING)
    return make.make(store, as_at=as_at, fmt=fmt, options=options, browser=browser)


def _text(made, fmt: str) -> str:
    """The pack's words in reading order: a table's cells one after another."""
    if fmt == "pdf":
        return pdf_raw_text(made.data)
    document = docx_document(made.data)
    body = document.element.body
    return "\n".join(t.text or "" for t in body.iter(qn("w:t")))


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_meetings_pack_is_as_at_the_meetings_day_and_counts_from_the_one_before(store, fmt):
    made = _made(store, fmt, as_at=None)
    assert made.pack.as_at == date(2024, 3, 12)
    assert made.pack.notes == ()
    text = _flat(_text(made, fmt))
    assert "Meeting of 12 March 2024 Figures as at 12 March 2024" in text
    assert "not the figures the meeting saw" not in text
    assert "What changed since the last meeting (6 Feb 2024)" in text
    # as at the meeting's day the area was Amber, as the data load made it: no change yet
    assert AREA not in text.split("Needs attention")[0].split("Changes since")[-1]
    if fmt == "pdf":
        pages = pdf_pages(made.data)
        assert all("Figures as at 12 March 2024" in page for page in pages)


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_meetings_pack_with_later_figures_says_so_on_its_cover(store, fmt):
    made = _made(store, fmt, as_at=TODAY)
    later = f"{TODAY.day} {TODAY:%B %Y}"
    warning = (
        f"⚠ The figures are as at {later}, after the meeting of 12 March 2024: they are not "
        "the figures the meeting saw."
    )
    assert made.pack.notes == (warning.removeprefix("⚠ "),)
    text = _flat(_text(made, fmt))
    cover = text.split("Contents")[0]
    assert f"Meeting of 12 March 2024 Figures as at {later} {warning}" in cover


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_an_area_the_load_created_and_an_officer_turned_red_reads_as_its_rating_moving(store, fmt):
    """Changes since 6 February run to today: the data load of 12 March created the areas,
    and a director has since set IP09 Red. The list says what happened to it."""
    made = _made(store, fmt, as_at=TODAY)
    text = _flat(_text(made, fmt))
    assert f"New red item: {AREA}: RAG Amber → Red; commentary updated." in text
    listed = text.split("Changes since the last meeting (6 Feb 2024)")[1].split("Needs attention")[
        0
    ]
    assert f"New red item {AREA} RAG Amber → Red; commentary updated {DIRECTOR.email}" in listed
    assert "Accountability areas 19 new a data load" in listed
    assert "new accountability area, rated Red" in listed  # IP18 and IP19 arrived Red
    assert f"{AREA} new accountability area" not in listed
    assert "system:" not in text


def test_the_summarys_counts_agree_with_their_nouns(store):
    summary = _flat(_text(_made(store, "pdf", as_at=TODAY), "pdf"))
    assert re.search(r"\d+ changes since the meeting on 6 Feb 2024: 3 new red items, ", summary)
    assert "figuress" not in summary and "new red item," not in summary
    assert (
        "15 items need attention (3 red areas, 9 overdue milestones, 1 savings line at risk, "
        in (summary)
    )


def test_long_tables_print_as_a_sentence_and_a_short_table(store):
    pack = _made(store, "pdf", as_at=TODAY).pack
    [projection] = [c for c in pack.charts() if c.key == "projection"]
    shown = projection.table.shown()
    assert shown.height <= printed.PRINT_ROWS
    # the last recorded month and the month the projection ends are both there
    assert {"Nov 2023", "Apr 2026"} <= set(shown["Month"])
    [backlog] = [s for s in pack.sections if s.key == "backlog"]
    notes = [b.text for b in backlog.blocks if getattr(b, "kind", "") == "note"]
    assert (
        "The table gives 11 of the 37 months (evenly spaced up to the latest), 21 rows of 68; "
        "every row is in the table's downloads on the dashboard's Backlog and reviews page."
    ) in notes


def test_a_long_table_of_ratings_keeps_red_and_amber_first():
    frame = pl.DataFrame(
        {"Line": [f"S{i:02d}" for i in range(40)], "BRAG": ["Green", "Red", "Amber", "Blue"] * 10}
    )
    table = Table.of("Lines", frame, {"BRAG": printed_rating()})
    short, sentence = printed.cut(table, "Savings programme")
    assert short.frame["BRAG"].to_list() == ["Red"] * 10 + ["Amber"] * 10 + ["Green"] * 5
    assert short.frame["Line"].head(2).to_list() == ["S01", "S05"]
    assert sentence == (
        "The first 25 of 40 rows are shown, Red and Amber first; every row is in the table's "
        "downloads on the dashboard's Savings programme page."
    )


def printed_rating():
    from dashboard.domain.table import Column

    return Column("BRAG", Kind.RATING, scale="BRAG")


@pytest.fixture(scope="module")
def drawn_packs(store, tmp_path_factory):
    """The demo's pack for the meeting with its charts drawn, and a generated national
    council's pack (its tables the longest), both PDF."""
    import sys

    from data_access.store import Store
    from tests.conftest import REPO

    sys.path.insert(0, str(REPO / "bench"))
    import generate_national
    from bench_store import import_council

    browser = images.find_browser() or need("chromium")
    demo = _made(store, "pdf", as_at=TODAY, browser=browser)
    assert demo.drawn.reason is None, demo.drawn.reason
    folder = tmp_path_factory.mktemp("national")
    generate_national.generate(1, folder, quiet=True)
    [council] = [p for p in folder.iterdir() if p.is_dir()]
    national = Store("sqlite:///" + str(folder / "council.sqlite3"))
    national.upgrade()
    import_council(national, council)
    options = make.options_for(national)
    large = make.make(national, as_at=TODAY, fmt="pdf", options=options, browser=None)
    national.dispose()
    keep_pages(demo.data, "meeting-pack", [1, 2, 3, 8])
    return {"demo": demo.data, "national": large.data}


def test_no_page_is_under_a_tenth_full(drawn_packs):
    for name, data in drawn_packs.items():
        fills = page_fill(data)
        assert len(fills) > 10, name
        assert min(fills) >= 0.1, (name, [round(f, 2) for f in fills])


def _structure(data: bytes) -> str:
    result = subprocess.run(
        [need("pdfinfo"), "-struct-text", "-"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


def test_the_pdf_is_tagged_with_headings_tables_and_figures_in_reading_order(drawn_packs):
    """Read with poppler's ``pdfinfo -struct-text``, as a screen reader walks the tree."""
    data = drawn_packs["demo"]
    tree = _structure(data)
    headings = re.findall(r'^ {4}H1 \(block\)\n {6}"(.*)"$', tree, flags=re.M)
    assert headings == list(content.SECTIONS.values())
    assert tree.index('"Adult social care briefing pack"') < tree.index('"Summary"')
    # the changes table: a caption, heading cells scoped to their column, then the rows
    table = tree[tree.index('"Changes since the last meeting"') - 40 :]
    assert re.match(
        r'\s*Table \(block\)\n\s*Caption\n\s*"Changes since the last meeting"\n\s*TR\n'
        r'\s*TH:\n\s*/Scope /Column\n\s*"Kind"',
        table,
    ), table[:300]
    assert tree.count("    TD\n") + tree.count(" TD\n") > 200
    assert tree.count("Figure") >= len(make.FORMATS) and re.search(r"Figure\b", tree)
    # nothing of the running header or footer is read: they are artifacts
    assert "Page 2 of" not in tree
    info = subprocess.run(
        [need("pdfinfo"), "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    assert "Tagged:          yes" in info
    assert "Title:           Demo Council (figures from published committee papers): adult " in info
    assert b"/Lang (en-GB)" in data
    assert b"/DisplayDocTitle true" in data


def test_the_pdf_tags_each_chart_as_a_figure_with_its_alternative_text(store):
    from tests.briefing_support import pdf_alt_texts

    pack = content.build(content.gather(store, TODAY), make.options_for(store))
    browser = images.find_browser() or need("chromium")
    drawn = images.draw(pack.charts(), browser=browser)
    data = pdf.render(pack, drawn)
    figures = re.findall(r"^ +Figure$", _structure(data), flags=re.M)
    alts = pdf_alt_texts(data)
    assert len(figures) == len(alts) == len(pack.charts()) >= 9
    for chart, alt in zip(pack.charts(), alts, strict=True):
        assert alt == f"{chart.title}. {chart.alt} The figures are in the table below."
    word = docx_document(docx.render(pack, drawn))
    pictures = list(word.element.body.iter(qn("wp:docPr")))
    assert [p.get("descr") for p in pictures] == alts


def test_the_word_pack_keeps_real_headings_and_its_sections_follow_on(store):
    document = docx_document(_made(store, "docx", as_at=None).data)
    by_style = {}
    for paragraph in document.paragraphs:
        by_style.setdefault(paragraph.style.name, []).append(paragraph)
    assert [p.text for p in by_style["Title"]] == ["Adult social care briefing pack"]
    assert [p.text for p in by_style["Heading 1"]] == list(content.SECTIONS.values())
    assert "What changed since the last meeting (6 Feb 2024)" in [
        p.text for p in by_style["Heading 2"]
    ]
    breaks = [p.paragraph_format.page_break_before for p in by_style["Heading 1"]]
    assert breaks == [True, True] + [False] * (len(breaks) - 2)
    assert all(p.paragraph_format.keep_with_next for p in by_style["Heading 1"])
