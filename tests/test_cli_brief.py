"""``ascgov brief`` through the installed command: who may run it, what it writes."""

from __future__ import annotations

import pytest

from data_access import days
from tests.briefing_support import docx_document, pdf_pages
from tests.conftest import with_demo_council
from tests.test_cli import ADMIN, run

TODAY = days.today().isoformat()


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> str:
    """The demo council and its demo users (one per role), made once for these tests: each
    command is a new process, and starting one takes seconds."""
    from data_access.store import Store

    store = Store("sqlite:///" + str(tmp_path_factory.mktemp("cli-brief") / "store.sqlite3"))
    store.upgrade()
    with_demo_council(store)
    store.dispose()
    return store.url


@pytest.fixture
def no_browser(monkeypatch, tmp_path):
    """Charts as tables: the drawn charts are tested in test_briefing; here, the command."""
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-browser"))


def test_director_writes_a_pdf_pack(demo_url, tmp_path, no_browser):
    out = tmp_path / "pack.pdf"
    done = run(demo_url, "brief", "--as-at", TODAY, "--format", "pdf", "-o", str(out))
    assert f"wrote the pdf briefing pack as at {TODAY} to {out}: no charts" in done.stdout
    text = "\n".join(pdf_pages(out.read_bytes()))
    for figure in ("2,808", "578,026", "460", "692", "£54.43m"):
        assert figure in text


def test_administrator_writes_chosen_sections_for_a_meeting_as_word(demo_url, tmp_path, no_browser):
    out = tmp_path / "pack.docx"
    done = run(
        demo_url,
        *("brief", "--format", "docx", "-o", str(out)),
        *("--meeting", "3", "--sections", "actions,summary"),
        as_=ADMIN,
    )
    # without --as-at, a meeting's pack is as at the meeting's day
    assert f"wrote the docx briefing pack as at 2024-03-12 to {out}" in done.stdout
    assert done.stderr == ""
    document = docx_document(out.read_bytes())
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Summary", "Committee actions"]
    lines = [p.text for p in document.paragraphs]
    assert lines[3:5] == ["Meeting of 12 March 2024", "Figures as at 12 March 2024"]


def test_a_meetings_pack_with_later_figures_is_written_with_a_warning(
    demo_url, tmp_path, no_browser
):
    out = tmp_path / "pack.pdf"
    args = ("brief", "--as-at", TODAY, "--meeting", "3", "--format", "pdf", "-o", str(out))
    done = run(demo_url, *args, "--sections", "summary")
    day = days.today()
    assert done.stderr == (
        f"warning: The figures are as at {day.day} {day:%B %Y}, after the meeting of 12 March "
        "2024: they are not the figures the meeting saw. The cover says so.\n"
    )
    assert "not the figures the meeting saw" in pdf_pages(out.read_bytes())[0]


def test_member_may_not_brief_and_the_refusal_is_kept(demo_url, tmp_path):
    out = tmp_path / "pack.pdf"
    done = run(
        demo_url,
        *("brief", "--as-at", TODAY, "--format", "pdf", "-o", str(out)),
        ok=False,
        as_="member@demo.example",
    )
    assert done.returncode == 1
    assert "member@demo.example (member) may not produce a briefing pack" in done.stderr
    assert not out.exists()
    from data_access.loaders import load_table
    from data_access.store import Store

    audit = load_table(Store(demo_url), "audit_events").filter(action="refused")
    assert audit.select("actor", "dataset", "entity_key").rows()[-1] == (
        "member@demo.example",
        "access",
        "brief",
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--sections", "summary,gossip"), "unknown section gossip; choose from summary, att"),
        (("--meeting", "42"), "no meeting 42; meetings: 1 (Adult Social Care Improvement Board"),
        (("--as-at", "31/02/2024"), "--as-at '31/02/2024'"),
    ],
)
def test_bad_options_are_refused_saying_why(demo_url, tmp_path, options, message):
    args = ["brief", "--as-at", TODAY, "--format", "pdf", "-o", str(tmp_path / "p.pdf")]
    done = run(demo_url, *args, *options, ok=False)
    assert done.returncode == 2
    assert message in done.stderr
