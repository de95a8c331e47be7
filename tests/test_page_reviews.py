"""The Reviews and waiting lists page under AppTest: a member reads disclosed figures and never
a person id (not in any element, table, chart or download); a director reads exact counts; an
officer exact counts for their own team; with no extract loaded the page says so in words."""

from __future__ import annotations

import io
import zipfile

import pytest

from dashboard.ui import components
from dashboard.views import downloads
from tests.pages_support import page_text, run_page, tables
from tests.reviews_support import load_extract

PAGE = "pages/reviews_and_waiting.py"
PERSON = b"PID-ZZ"


@pytest.fixture
def extract_env(app_env, tmp_path):
    load_extract(app_env, tmp_path)
    return app_env


@pytest.fixture
def offered(monkeypatch):
    """Every table the page offers for download, recorded as the page runs."""
    recorded = []
    original = components.download_buttons

    def record(table, *, key, source=None):
        recorded.append(table)
        original(table, key=key, source=source)

    monkeypatch.setattr(components, "download_buttons", record)
    return recorded


def _payload(node) -> bytes:
    """Every element the script sent, serialised as it goes over the websocket."""
    sent = b""
    proto = getattr(node, "proto", None)
    if proto is not None:
        sent += proto.SerializeToString()
    for child in getattr(node, "children", {}).values():
        sent += _payload(child)
    return sent


def test_a_member_reads_disclosed_figures_and_no_person_id(extract_env, offered):
    at = run_page(PAGE, role="member")
    text = page_text(at)
    for expected in (
        "People with long-term support 35",  # 34
        "Overdue a review 20",  # 21
        "Awaiting a first assessment 15",  # 16
        "Waiting for an OT assessment 10",  # 11
        "On 31 March 2024, 35 people had long-term support; 20 of them (57%) were overdue a "
        "review, fewer than 8 by more than 12 months.",
        "(fewer than 8 of them for over six months)",
        "Census extract as at 31 March 2024.",
        "counts from 1 to 7 are shown as 'fewer than 8'",
        "No Client Level Data return has been loaded yet",
    ):
        assert expected in text
    by_team = tables(at)[1]
    assert list(by_team["Total"]) == ["25", "10", "35"]
    assert list(by_team["overdue over 12 months"]) == ["0", "fewer than 8", "fewer than 8"]
    # nowhere: elements, tables, charts, or the files the downloads would hand over
    sent = _payload(at._tree)
    assert b"North locality" in sent and b"fewer than 8" in sent  # the walk reaches the figures
    assert PERSON not in sent
    for frame in tables(at):
        assert PERSON.decode() not in frame.to_csv()
    assert len(offered) == 6  # two charts' tables, two by team, OT waits by team and by age
    for table in offered:
        assert PERSON not in downloads.csv_bytes(table)
        book = zipfile.ZipFile(io.BytesIO(downloads.xlsx_bytes(table, notes=[])))
        assert all(PERSON not in book.read(name) for name in book.namelist())
    # in files a suppressed count is an empty cell, the others rounded
    rows = downloads.csv_bytes(offered[1]).decode("utf-8-sig").splitlines()
    assert rows[2] == "South locality,0,0,,0,0,,10"


def test_a_director_reads_exact_counts(extract_env):
    text = page_text(run_page(PAGE, role="director"))
    for expected in (
        "People with long-term support 34",
        "Overdue a review 21",
        "Awaiting a first assessment 16",
        "Waiting for an OT assessment 11",
        "21 of them (62%) were overdue a review, 1 by more than 12 months.",
        "half of them for 30 days (about 4 weeks) or more, the longest for 121 days "
        "(about 4 months)",
    ):
        assert expected in text
    assert "fewer than 8" not in text


@pytest.mark.parametrize(
    ("team", "headline"),
    [
        ("North locality", "People with long-term support 25"),  # the officer's own team
        ("South locality", "People with long-term support 10"),  # another's: 9, rounded
    ],
)
def test_an_officer_reads_exact_counts_for_their_own_team(extract_env, team, headline):
    text = page_text(run_page(PAGE, role="officer", query={"team": team}))
    assert headline in text


def test_with_no_extract_loaded_the_page_says_so_in_words(app_env):
    at = run_page(PAGE, role="member")
    text = page_text(at)
    assert "No census extract from the council's case-management system has been loaded" in text
    assert "No Client Level Data return has been loaded yet" in text
    assert not tables(at)


def _load_cld(store, tmp_path):
    """The CLD file of the import tests, its people given distinctive ids."""
    from tests.test_cld_import import ROWS, UNDERSCORED, _csv, _import

    rows = [[f"PID-ZZ-C{r[0]}", *r[1:]] for r in ROWS]
    _import(store, _csv(tmp_path / "cld.csv", UNDERSCORED, rows))


def test_with_a_cld_return_loaded_the_reviews_done_block_shows_its_figures(
    extract_env, tmp_path, offered
):
    _load_cld(extract_env, tmp_path)
    member = run_page(PAGE, role="member")
    text = page_text(member)
    assert "No Client Level Data return has been loaded yet" not in text
    assert "In Sep 2024, fewer than 8 reviews were completed." in text
    assert (
        "On 15 September 2024, fewer than 8 people had long-term support in the return: too few "
        "to say what share had a review in the 12 months before."
    ) in text
    director = page_text(run_page(PAGE, role="director"))
    assert "In Sep 2024, 2 reviews were completed." in director
    # P1's service is misspelt and not mapped, so only P2 is a long-term client
    assert (
        "On 15 September 2024, 1 of 1 person with long-term support (100%) had a review "
        "completed in the 12 months before."
    ) in director
    assert PERSON not in _payload(member._tree)
    for table in offered:
        assert PERSON not in downloads.csv_bytes(table)
