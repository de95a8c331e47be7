"""The Briefing page: directors and administrators make a pack and download it; members are
told why they cannot."""

from __future__ import annotations

import pytest

from tests.briefing_support import docx_document, pdf_pages
from tests.pages_support import page_text, run_page

PAGE = "pages/briefing.py"


@pytest.fixture
def no_browser(monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-browser"))


def _pack(at) -> bytes:
    return at.session_state["briefing-pack"][1]


def _pack_buttons(at) -> list[str]:
    labels = [b.proto.label for b in at.get("download_button")]
    return [label for label in labels if label.startswith("Download the briefing pack")]


def test_members_are_told_they_cannot_make_a_pack(app_env):
    at = run_page(PAGE, role="member")
    assert "Your role (member) does not allow you to produce a briefing pack." in page_text(at)
    assert not at.get("download_button")


@pytest.mark.parametrize("role", ["director", "admin"])
def test_directors_and_administrators_make_and_download_a_pdf(app_env, no_browser, role):
    at = run_page(PAGE, role=role)
    assert at.title[0].value == "Briefing and downloads"
    at.button[0].click().run()
    assert not at.exception
    text = page_text(at)
    assert "Charts are not drawn in this pack: no browser to draw them was found" in text
    assert "The pack is ready: briefing-" in text
    assert _pack_buttons(at) == ["Download the briefing pack (PDF)"]
    pages = pdf_pages(_pack(at))
    assert "£54.43m" in "\n".join(pages)


def test_word_pack_with_chosen_sections(app_env, no_browser):
    at = run_page(PAGE, role="director")
    at.radio[0].set_value("docx")
    at.multiselect[0].set_value(["summary", "adults"])
    at.button[0].click().run()
    document = docx_document(_pack(at))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Summary", "Younger and older adults"]
    assert _pack_buttons(at) == ["Download the briefing pack (Word)"]


def test_no_sections_chosen_says_so(app_env, no_browser):
    at = run_page(PAGE, role="director")
    at.multiselect[0].set_value([])
    at.button[0].click().run()
    assert "Choose at least one section." in page_text(at)
    assert _pack_buttons(at) == []


def test_every_dataset_can_be_downloaded_as_the_view_stood(app_env):
    from data_access.datasets import DATASETS

    at = run_page(PAGE, role="director")
    labels = [b.proto.label for b in at.get("download_button")]
    # a dataset of people (cases) is never among the page's downloads
    shared = [spec for spec in DATASETS.values() if not spec.person_level]
    assert labels == ["Download CSV", "Download Excel"] * len(shared)
    assert not any("cases" in b.proto.help for b in at.get("download_button"))


def test_dataset_files_are_the_exports(app_env):
    import csv
    import io
    from datetime import date

    import openpyxl

    from data_access.exporter import export_bytes as dataset_bytes

    rows = list(
        csv.DictReader(
            io.StringIO(dataset_bytes(app_env, "posts", "csv", as_at=None).decode("utf-8-sig"))
        )
    )
    assert sum(float(r["cost"]) for r in rows) == 578_026
    book = openpyxl.load_workbook(
        io.BytesIO(dataset_bytes(app_env, "posts", "xlsx", as_at=date(2024, 3, 31)))
    )
    notes = {r[0].value: r[1].value for r in book["Notes"].iter_rows()}
    assert notes["Figures as at"] == "2024-03-31"
    assert book["posts"].max_row == len(rows) + 1


def test_choosing_a_meeting_sets_the_day_over_the_sidebars(app_env, no_browser):
    at = run_page(PAGE, role="director", query={"as_at": "2024-03-01"})
    assert (
        "The pack holds the figures as they stood at the end of 1 March 2024, the day chosen "
        "in “Figures as at” in the sidebar." in page_text(at)
    )
    meeting = at.selectbox(key="briefing-meeting")
    assert meeting.options[:2] == [
        "None chosen",
        "12 Mar 2024, Health and Social Care Scrutiny Commission (Leicester)",
    ]
    meeting.set_value(meeting.options[1]).run()
    text = page_text(at)
    assert (
        "The pack holds the figures as they stood at the end of 12 March 2024, the day of the "
        "meeting." in text
    )
    assert [i.value for i in at.info] == [
        "The day chosen in “Figures as at” in the sidebar, 1 March 2024, is not used: a pack "
        "for a meeting holds the figures as at the meeting's day."
    ]
    at.multiselect[0].set_value(["summary"])
    at.button[0].click().run()
    cover = pdf_pages(_pack(at))[0]
    assert "Meeting of 12 March 2024\nFigures as at 12 March 2024" in cover
    assert "before the meeting" not in cover
