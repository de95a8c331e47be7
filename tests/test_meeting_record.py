"""The record of each meeting (issue 14): a director keeps the pack as the committee saw it;
it is listed and downloaded for ever, never changed or deleted (by the app, by SQL, or by the
database role the deployment guide sets up); a correction is a new version with its reason;
and the pack made again from its record has the same figures as the kept file."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from dashboard.briefing import content, images, pdf, record
from dashboard.domain import formatting
from data_access import commands, days, schema
from data_access.access import NotPermitted, principal_for
from data_access.commands import EditRejected
from data_access.loaders import load_table
from data_access.meeting_record import ChangedSinceRead, kept_file, kept_packs, kept_record, sha256
from data_access.store import Store
from tests.briefing_support import pdf_pages
from tests.conftest import DIRECTOR
from tests.test_audit_tamper import (  # noqa: F401 - app_role: the documented role, a fixture
    app_role,
    app_store,
    assert_only_added_to,
)
from tests.test_cli import run

LEICESTER_MARCH = 3  # the demo's meeting of 12 Mar 2024


def _keep(store, meeting=LEICESTER_MARCH, *, expected=0, reason=None, who=DIRECTOR):
    # charts as tables: drawn charts are tested with the pack; here, the record
    return record.finalise(store, who, meeting, expected=expected, reason=reason, browser=None)


def _events(store, dataset="meeting_packs") -> list[dict]:
    table = schema.audit_events
    with store.engine.connect() as conn:
        rows = conn.execute(select(table).where(table.c.dataset == dataset).order_by(table.c.id))
        return [dict(r._mapping) for r in rows]


def test_a_kept_pack_is_listed_downloaded_and_audited(demo_store):
    kept = _keep(demo_store)
    assert (kept.meeting_id, kept.version) == (LEICESTER_MARCH, 1)
    listed = kept_packs(demo_store).row(0, named=True)
    assert listed["as_at"].isoformat() == "2024-03-12"  # the meeting's day
    assert listed["finalised_by"] == DIRECTOR.email and listed["reason"] is None
    pdf_bytes, docx_bytes = (kept_file(demo_store, kept.id, f) for f in ("pdf", "docx"))
    assert pdf_bytes.startswith(b"%PDF") and docx_bytes.startswith(b"PK")
    assert (sha256(pdf_bytes), sha256(docx_bytes)) == (listed["pdf_sha256"], listed["docx_sha256"])
    assert (len(pdf_bytes), len(docx_bytes)) == (listed["pdf_bytes"], listed["docx_bytes"])
    pages = pdf_pages(pdf_bytes)
    assert "Meeting of 12 March 2024" in pages[0] and "Figures as at 12 March 2024" in pages[0]
    kept_with = kept_record(demo_store, kept.id)
    assert kept_with["dataset_versions"]["areas"] >= 1
    assert kept_with["options"]["thresholds"] == {"green_at": 95, "amber_at": 80}
    (event,) = _events(demo_store)
    assert (event["action"], event["actor"], event["entity_key"]) == (
        "finalise",
        DIRECTOR.email,
        f"{LEICESTER_MARCH}/1",
    )
    assert event["after"]["pdf_sha256"] == listed["pdf_sha256"]
    assert "pdf" not in event["after"]  # the files are kept once, not in the history


def _refusals(store, pack_id: int) -> dict[str, str]:
    """Each way of changing or removing a kept pack, tried straight on the database."""
    attempts = {
        "update": f"UPDATE meeting_packs SET reason = 'tampered' WHERE id = {pack_id}",
        "delete": f"DELETE FROM meeting_packs WHERE id = {pack_id}",
    }
    if store.dialect == "sqlite":
        attempts["replace"] = (
            f"INSERT OR REPLACE INTO meeting_packs SELECT * FROM meeting_packs WHERE id = {pack_id}"
        )
    else:
        attempts["truncate"] = "TRUNCATE meeting_packs CASCADE"
    said = {}
    for name, sql in attempts.items():
        with pytest.raises(DatabaseError) as refused:
            with store.engine.begin() as conn:
                conn.execute(text(sql))
        said[name] = str(refused.value)
    return said


def test_the_database_refuses_to_change_or_delete_a_kept_pack(demo_store):
    kept = _keep(demo_store)
    before = kept_record(demo_store, kept.id)
    for name, message in _refusals(demo_store, kept.id).items():
        assert "a finalised pack cannot be changed or deleted" in message, name
    assert kept_record(demo_store, kept.id) == before
    assert kept_packs(demo_store).height == 1


def test_a_correction_needs_a_reason_and_both_versions_stay(demo_store):
    first = _keep(demo_store)
    with pytest.raises(EditRejected) as refused:
        _keep(demo_store, expected=1)
    assert refused.value.problems == {"reason": "say why the kept pack is being corrected"}
    second = _keep(demo_store, expected=1, reason="The savings table had an old forecast.")
    assert second.version == 2
    listed = kept_packs(demo_store)
    assert listed.select("version", "reason").rows() == [
        (2, "The savings table had an old forecast."),
        (1, None),
    ]
    assert kept_file(demo_store, first.id, "pdf").startswith(b"%PDF")  # still there
    # each file says which version of the record it is, and what it corrects
    kept_on = formatting.day(days.today())
    covers = [pdf_pages(kept_file(demo_store, k.id, "pdf"))[0] for k in (first, second)]
    assert f"Kept on {kept_on} as the record of this meeting (version 1)." in covers[0]
    assert (
        f"Kept on {kept_on} as the record of this meeting: version 2, correcting version 1 "
        "because: The savings table had an old forecast." in " ".join(covers[1].split())
    )
    assert record.compare(demo_store, second.id).same
    assert [e["action"] for e in _events(demo_store)] == ["finalise", "correct"]
    assert _events(demo_store)[1]["reason"] == "The savings table had an old forecast."


def test_keeping_after_someone_else_kept_one_writes_nothing(demo_store):
    _keep(demo_store)
    before = len(_events(demo_store, "meeting_packs"))
    # the second director saw no kept pack (expected 0): theirs would silently follow it
    with pytest.raises(ChangedSinceRead) as refused:
        _keep(demo_store, expected=0)
    assert "version 1 of this meeting's pack was kept since you looked" in str(refused.value)
    assert kept_packs(demo_store).height == 1
    assert len(_events(demo_store, "meeting_packs")) == before


@pytest.mark.parametrize(
    "email", ["member@demo.example", "officer@demo.example", "admin@demo.example"]
)
def test_only_directors_keep_a_pack(demo_store, email):
    who = principal_for(demo_store, email)
    with pytest.raises(NotPermitted):
        _keep(demo_store, who=who)
    assert kept_packs(demo_store).is_empty()
    refusals = [e for e in _events(demo_store, "access") if e["actor"] == email]
    assert refusals[-1]["entity_key"] == "finalise_pack"


def _pdf_text(pack) -> list[str]:
    return pdf_pages(pdf.render(pack, images.draw(pack.charts(), browser=None)))


def test_the_pack_made_again_from_its_record_has_the_kept_figures_after_later_edits(demo_store):
    """A meeting held today: its pack is as at today, so edits made after it was kept would
    change a pack made from today's figures, but not one made from the record."""
    today = days.today()
    director = principal_for(demo_store, DIRECTOR.email)
    commands.record_meeting(demo_store, director, "Adults Scrutiny", today)
    meeting = load_table(demo_store, "meetings").filter(meeting_date=today)["id"][0]
    kept = _keep(demo_store, meeting)

    area = load_table(demo_store, "areas").filter(code="IP09").row(0, named=True)
    assert area["rag"] != "Red"
    commands.edit_area(
        demo_store,
        director,
        "IP09",
        version=area["version"],
        status=area["status"],
        rag="Red",
        commentary="Recruitment has stalled since the pack was kept.",
    )

    comparison = record.compare(demo_store, kept.id)
    assert comparison.same, comparison.differences[:40]
    assert comparison.sentence().startswith("Made again from its record, the pack has the same")
    # the kept PDF and the one made again read the same, word for word
    again, figures = record.rebuild(demo_store, kept_record(demo_store, kept.id))
    assert figures == kept_record(demo_store, kept.id)["figures"]
    assert pdf_pages(kept_file(demo_store, kept.id, "pdf")) == _pdf_text(again)
    # and the check can fail: today's figures hold the edit the record does not
    options = record.options_from(kept_record(demo_store, kept.id)["options"])
    live = content.build(content.gather(demo_store, today, meeting_id=meeting), options)
    assert record.figures_text(live) != figures
    assert "Recruitment has stalled" in record.figures_text(live)
    assert "Recruitment has stalled" not in figures


def test_a_damaged_kept_figures_text_is_reported_as_different(demo_store):
    kept = _keep(demo_store)
    kept_with = kept_record(demo_store, kept.id)
    changed = kept_with["figures"].replace("£54.43m", "£64.43m")
    assert changed != kept_with["figures"]
    _, again = record.rebuild(demo_store, kept_with)
    assert again == kept_with["figures"]
    assert again != changed


@pytest.mark.postgres
def test_the_documented_app_role_keeps_packs_but_cannot_change_or_delete_them(
    pg_store,
    app_role,  # noqa: F811 - the fixture imported above
):
    from tests.conftest import with_demo_council

    with_demo_council(pg_store)
    app = app_store(app_role)
    try:
        kept = _keep(app, who=principal_for(app, DIRECTOR.email))
        assert_only_added_to(app, "meeting_packs", "reason")
        assert kept_file(app, kept.id, "pdf").startswith(b"%PDF")
        with app.engine.connect() as conn:
            count = conn.execute(select(func.count()).select_from(schema.meeting_packs))
            assert count.scalar_one() == 1
    finally:
        app.dispose()


def test_the_command_line_keeps_lists_downloads_and_checks(tmp_path, monkeypatch):
    store = Store("sqlite:///" + str(tmp_path / "cli.sqlite3"))
    store.upgrade()
    from tests.conftest import with_demo_council

    with_demo_council(store)
    store.dispose()
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-browser"))
    done = run(store.url, "meetings", "finalise", "3")
    assert done.stdout.strip() == "kept pack 1: version 1 of meeting 3's pack"
    refused = run(store.url, "meetings", "finalise", "3", "--version", "1", ok=False)
    assert refused.returncode == 1
    assert "reason: say why the kept pack is being corrected" in refused.stderr
    listed = run(store.url, "meetings", "list").stdout
    assert "pack 1: version 1, figures as at 2024-03-12" in listed
    out = tmp_path / "kept.pdf"
    run(store.url, "meetings", "download", "1", "--format", "pdf", "-o", str(out))
    assert sha256(out.read_bytes()) in listed
    checked = run(store.url, "meetings", "check", "1").stdout
    assert "the pack has the same figures as the kept file" in checked
    member = run(store.url, "meetings", "finalise", "3", as_="member@demo.example", ok=False)
    assert member.returncode == 1 and "refused" in member.stderr
