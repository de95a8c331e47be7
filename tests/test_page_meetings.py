"""The Meetings page under AppTest: every meeting with its kept pack, actions and changes; a
director keeps the pack and a corrected one; members read and download, never keep."""

from __future__ import annotations

from dashboard.domain.formatting import day
from data_access import days
from data_access.meeting_record import kept_file, kept_packs
from tests.pages_support import page_text, run_page, tables

PAGE = "pages/meetings.py"
LATEST = "12 Mar 2024: Health and Social Care Scrutiny Commission (Leicester)"
TODAY = day(days.today())
FIRST = "23 Jan 2024: Adult Social Care Improvement Board (Rotherham)"


def _keep_button(at):
    return next(b for b in at.button if b.label.startswith("Keep "))


def test_a_member_reads_every_meeting_with_its_actions_and_changes_but_cannot_keep(app_env):
    at = run_page(PAGE, role="member")
    text = page_text(at)
    listing = tables(at)[0]
    assert (
        listing["Committee"].to_list()[0]
        == "Health and Social Care Scrutiny Commission (Leicester)"
    )
    assert set(listing["Pack"]) == {"Not kept"}
    assert at.selectbox(key="meeting").value == LATEST
    assert "No pack has been kept for this meeting yet." in text
    assert "What has changed since this meeting" in text
    assert not [b for b in at.button if b.label.startswith("Keep ")]
    assert "Keep the pack" not in text


def test_a_meetings_resolutions_and_actions_are_its_own(app_env):
    at = run_page(PAGE, role="member", query={"meeting": FIRST})
    said = [m.value for m in at.markdown if " open, " in m.value]
    actions = tables(at)[1]
    assert len(actions) >= 1
    assert set(actions["Meeting"]) == {
        "Adult Social Care Improvement Board (Rotherham), 23 Jan 2024"
    }
    assert said == [f"{len(actions)} resolutions and actions: 3 open, 0 overdue as at {TODAY}."]


def test_a_director_keeps_the_pack_then_a_corrected_one_with_its_reason(app_env):
    at = run_page(PAGE, role="director")
    assert "Keeping the pack makes it afresh" in page_text(at)
    _keep_button(at).click().run(timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    assert "Version 1 of this meeting's pack is kept." in [s.value for s in at.success]
    packs = kept_packs(app_env)
    assert packs.select("meeting_id", "version", "finalised_by").rows() == [
        (3, 1, "director@demo.example")
    ]
    text = page_text(at)
    assert "Version 1, kept on" in text and "by Demo Director" in text
    assert "the figures as at 12 Mar 2024" in text
    assert {b.label for b in at.get("download_button")} >= {
        "Download version 1 (PDF)",
        "Download version 1 (Word)",
    }
    assert tables(at)[0]["Pack"].to_list()[0] == "Kept"
    assert kept_file(app_env, packs["id"][0], "pdf").startswith(b"%PDF")

    # a correction without a reason is refused, and nothing is kept
    _keep_button(at).click().run(timeout=120)
    assert "Say why the kept pack is being corrected." in page_text(at)
    assert kept_packs(app_env).height == 1
    at.text_area[0].input("The savings table had last month's forecast.")
    _keep_button(at).click().run(timeout=120)
    assert "Version 2 of this meeting's pack is kept." in [s.value for s in at.success]
    text = page_text(at)
    assert "Corrected because: The savings table had last month's forecast." in text
    assert "Version 1, kept on" in text  # both stay
    assert tables(at)[0]["Pack"].to_list()[0] == "Kept, corrected (version 2)"

    # the check makes the newest again from its record
    next(b for b in at.button if b.key == "kept-check").click().run(timeout=120)
    assert "Made again from its record, the pack has the same figures as the kept file." in [
        s.value for s in at.success
    ]


def test_officers_and_administrators_read_the_page_without_the_keep_form(app_env):
    for role in ("officer", "admin"):
        at = run_page(PAGE, role=role)
        assert "Keep the pack" not in page_text(at)
