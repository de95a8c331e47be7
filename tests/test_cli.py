"""The ``ascgov`` command through its real entry point (the installed console script)."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

ASCGOV = shutil.which("ascgov", path=str(Path(sys.executable).parent)) or "ascgov"


DIRECTOR, ADMIN = "director@demo.example", "admin@demo.example"


def run(
    db_url: str, *args: str, ok: bool = True, as_: str | None = DIRECTOR
) -> subprocess.CompletedProcess:
    """Run ``ascgov`` as a person (ASCGOV_AS), by default the demo director."""
    env = {**os.environ, "ASCGOV_DATABASE_URL": db_url}
    env.pop("ASCGOV_AS", None)
    if as_ is not None:
        env["ASCGOV_AS"] = as_
    done = subprocess.run([ASCGOV, *args], capture_output=True, text=True, env=env, timeout=120)
    if ok:
        assert done.returncode == 0, done.stderr
    return done


@pytest.fixture
def db_url(tmp_path) -> str:
    url = "sqlite:///" + str(tmp_path / "cli.sqlite3")
    run(url, "db", "upgrade")
    return url


@pytest.fixture(scope="module")
def _demo_file(tmp_path_factory) -> Path:
    """The demo council and its first users, made through the CLI once for this file."""
    path = tmp_path_factory.mktemp("cli-demo") / "cli.sqlite3"
    url = "sqlite:///" + str(path)
    run(url, "db", "upgrade")
    out = run(url, "demo", "load").stdout
    assert "areas 19" in out and "posts 7" in out
    # the first administrator of a new store is added from the server's shell, then adds others
    run(url, "users", "add", ADMIN, "--role", "admin", as_=None)
    run(url, "users", "add", DIRECTOR, "--role", "director", as_=ADMIN)
    return path


@pytest.fixture
def demo_url(_demo_file, tmp_path) -> str:
    # a copy per test (each CLI process closed the file, so it holds everything: no WAL)
    copy = tmp_path / "cli.sqlite3"
    shutil.copyfile(_demo_file, copy)
    return "sqlite:///" + str(copy)


def test_db_upgrade_creates_the_store(tmp_path):
    url = "sqlite:///" + str(tmp_path / "new" / "store.sqlite3")
    assert "up to date" in run(url, "db", "upgrade").stdout
    assert (tmp_path / "new" / "store.sqlite3").exists()


def test_check_lists_the_published_differences(demo_url):
    out = run(demo_url, "check").stdout
    assert out.startswith("12 checks: 2 differ, 9 agree, 1 cannot be checked")
    assert "reported £12,620,000, parts give £12,570,000 (difference £50,000)" in out
    assert "reported £229,419, parts give £229,418 (difference £1)" in out


def test_check_json_and_strict(demo_url):
    findings = json.loads(run(demo_url, "check", "--json").stdout)
    shortfall = next(f for f in findings if f["check"] == "shortfall")
    assert (shortfall["reported"], shortfall["computed"], shortfall["difference"]) == (
        1_262_000_000,
        1_257_000_000,
        5_000_000,
    )
    assert shortfall["source"] == "000_b69d1c7bb4dbf9f4.txt"
    assert run(demo_url, "check", "--strict", ok=False).returncode == 1


def test_export_then_import_through_the_cli(demo_url, tmp_path):
    out = tmp_path / "posts.csv"
    assert (
        "wrote 7 rows of posts"
        in run(demo_url, "export", "posts", "--format", "csv", "-o", str(out)).stdout
    )
    report = run(demo_url, "import", "posts", str(out)).stdout
    assert "7 rows of posts checked; wrote 0 new, 0 changed, 7 unchanged" in report


def test_bad_import_exits_non_zero_naming_row_column_value_and_rule(demo_url, tmp_path):
    bad = tmp_path / "areas.csv"
    bad.write_text("code,title,status\nZ1,Example,Sleeping\n", encoding="utf-8")
    done = run(demo_url, "import", "areas", str(bad), ok=False)
    assert done.returncode == 1
    assert "areas.csv, row 2, column \"status\", value 'Sleeping': unknown status" in done.stderr
    assert "nothing written" in done.stderr


def test_dry_run_writes_nothing(demo_url, tmp_path):
    good = tmp_path / "areas.csv"
    good.write_text("code,title,status\nZ1,Example,In progress\n", encoding="utf-8")
    out = run(demo_url, "import", "areas", str(good), "--dry-run").stdout
    assert "would write 1 new" in out
    exported = tmp_path / "areas-out.csv"
    run(demo_url, "export", "areas", "--format", "csv", "-o", str(exported))
    assert "Z1" not in exported.read_text(encoding="utf-8-sig")


def test_unknown_dataset_is_refused(demo_url, tmp_path):
    done = run(
        demo_url, "export", "budgets", "--format", "csv", "-o", str(tmp_path / "x"), ok=False
    )
    assert done.returncode == 2 and "unknown dataset 'budgets'" in done.stderr


def test_users_add_list_and_history(demo_url):
    run(
        demo_url,
        "users",
        "add",
        "Jo.Officer@Council.gov.uk",
        "--role",
        "officer",
        "--name",
        "Jo Officer",
        "--areas",
        "IP09,IP10",
        "--teams",
        "North locality",
        as_=ADMIN,
    )
    listed = run(demo_url, "users", "list").stdout
    assert (
        "jo.officer@council.gov.uk\tofficer\tJo Officer\tarea:IP09,area:IP10,team:North locality"
    ) in listed
    again = run(
        demo_url,
        "users",
        "add",
        "jo.officer@council.gov.uk",
        "--role",
        "member",
        ok=False,
        as_=ADMIN,
    )
    assert "already exists" in again.stderr
    bad_role = run(
        demo_url, "users", "add", "x@council.gov.uk", "--role", "mayor", ok=False, as_=ADMIN
    )
    assert bad_role.returncode == 2
    assert (
        bad_role.stderr.strip() == "Role: 'mayor' is not one of member, officer, director or admin"
    )
    bad_area = run(
        demo_url,
        "users",
        "add",
        "y@council.gov.uk",
        "--role",
        "officer",
        "--areas",
        "NOPE",
        ok=False,
        as_=ADMIN,
    )
    assert "no such area code: NOPE" in bad_area.stderr
    history = run(demo_url, "history", "--since", "2000-01-01", "--limit", "1").stdout
    assert f"{ADMIN}\tuser:add\tusers\tjo.officer@council.gov.uk" in history


def test_a_director_cannot_add_users_and_the_refusal_is_logged(demo_url):
    done = run(demo_url, "users", "add", "z@council.gov.uk", "--role", "member", ok=False)
    assert done.returncode == 1
    assert "director@demo.example (director) may not manage users" in done.stderr
    history = run(demo_url, "history", "--limit", "1").stdout
    assert f"{DIRECTOR}\trefused\taccess\tmanage_users" in history


def test_a_command_without_a_known_person_is_refused(demo_url, tmp_path):
    good = tmp_path / "areas.csv"
    good.write_text("code,title,status\nZ1,Example,In progress\n", encoding="utf-8")
    nobody = run(demo_url, "import", "areas", str(good), ok=False, as_=None)
    assert nobody.returncode == 2 and "say who you are: --as EMAIL" in nobody.stderr
    stranger = run(demo_url, "import", "areas", str(good), ok=False, as_="who@else.org")
    assert "who@else.org is not a user of this dashboard" in stranger.stderr
    # once a store has an administrator, nobody adds users without saying who they are
    late = run(demo_url, "users", "add", "x@y.org", "--role", "admin", ok=False, as_=None)
    assert late.returncode == 2 and "say who you are" in late.stderr


def test_export_as_at_a_date_before_the_data_is_empty(demo_url, tmp_path):
    out = tmp_path / "areas.csv"
    assert (
        "wrote 0 rows"
        in run(
            demo_url, "export", "areas", "--format", "csv", "-o", str(out), "--as-at", "01/01/2000"
        ).stdout
    )


def test_status_lists_are_configurable_and_used_by_imports(demo_url, tmp_path):
    run(
        demo_url,
        "settings",
        "set-list",
        "area_statuses",
        "Routine activity",
        "Part of MTFS project plans",
        "Focus of additional input",
        "Paused",
        as_=ADMIN,
    )
    assert (
        "area_statuses: Routine activity; Part of MTFS project plans; Focus of additional "
        "input; Paused" in run(demo_url, "settings", "show").stdout
    )
    paused = tmp_path / "areas.csv"
    paused.write_text("code,title,status\nZ9,New area,paused\n", encoding="utf-8")
    assert "1 new" in run(demo_url, "import", "areas", str(paused)).stdout
    refused = run(demo_url, "settings", "set-list", "area_statuses", "Paused", ok=False, as_=ADMIN)
    assert "still in use, cannot be removed: Focus of additional input" in refused.stderr


def test_each_command_reads_ascgov_as_from_the_environment_it_is_run_in(demo_url, monkeypatch):
    """``ASCGOV_AS`` comes through the settings, read afresh by every command: run in-process
    after the settings were read without it, a command still runs as the person it names."""
    from typer.testing import CliRunner

    from dashboard.cli.main import app
    from data_access.settings import get_settings

    monkeypatch.delenv("ASCGOV_AS", raising=False)
    get_settings.cache_clear()
    assert get_settings().acting_as == ""
    meeting = ["meetings", "add", "Adults Committee", "2030-01-15", "--db", demo_url]
    try:
        anonymous = CliRunner().invoke(app, meeting)
        named = CliRunner().invoke(app, meeting, env={"ASCGOV_AS": DIRECTOR})
    finally:
        get_settings.cache_clear()
    assert (anonymous.exit_code, anonymous.stdout) == (2, "")
    assert "say who you are: --as EMAIL (or ASCGOV_AS)" in anonymous.stderr
    assert (named.exit_code, named.stderr) == (0, "")
    assert named.stdout.startswith("saved meetings Adults Committee|2030-01-15")


# the one message for a BRAG rating that is not one, from the CLI and from an import alike
BRAG_RULE = "unknown BRAG rating; allowed: Red, Amber, Green, Blue (in any case)"
LINE = "NCITY-REV"
REASON = "Finance confirm the forecast"


def _override(url: str) -> tuple[int, str | None]:
    """The demo line's version and BRAG override, read straight from the file."""
    with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as conn:
        return conn.execute(
            "SELECT version, brag_override FROM savings_lines WHERE code = ?", (LINE,)
        ).fetchone()


def _savings_file(url: str, tmp_path: Path, brag: str) -> Path:
    """One exported row of the demo line, its override set to ``brag`` as a person typed it."""
    exported = tmp_path / "exported.csv"
    run(url, "export", "savings", "--format", "csv", "-o", str(exported))
    with exported.open(encoding="utf-8-sig", newline="") as file:
        row = next(r for r in csv.DictReader(file) if r["code"] == LINE)
    for written_by_exports in ("version", "loaded_by", "loaded_at"):
        row.pop(written_by_exports, None)
    row.update(brag_override=brag, override_reason=REASON)
    path = tmp_path / "savings.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    return path


def _edit_override(url: str, brag: str, ok: bool = True) -> subprocess.CompletedProcess:
    version = str(_override(url)[0])
    return run(
        url,
        "edit",
        "override",
        LINE,
        "--version",
        version,
        "--reason",
        REASON,
        "--brag",
        brag,
        ok=ok,
    )


@pytest.mark.parametrize("typed", ["green", " GREEN "])
def test_an_override_in_any_case_is_taken_by_the_cli_as_by_an_import(demo_url, tmp_path, typed):
    run(demo_url, "import", "savings", str(_savings_file(demo_url, tmp_path, typed)))
    assert _override(demo_url)[1] == "Green"
    _edit_override(demo_url, "-")
    assert _override(demo_url)[1] is None
    _edit_override(demo_url, typed)
    assert _override(demo_url)[1] == "Green"


def test_an_unknown_override_is_refused_by_the_cli_in_the_words_of_an_import(demo_url, tmp_path):
    before = _override(demo_url)
    imported = run(
        demo_url, "import", "savings", str(_savings_file(demo_url, tmp_path, "purple")), ok=False
    )
    edited = _edit_override(demo_url, "purple", ok=False)
    assert f"value 'purple': {BRAG_RULE}" in imported.stderr
    assert (edited.returncode, edited.stderr) == (1, f"refused: brag_override: {BRAG_RULE}\n")
    assert _override(demo_url) == before


def test_each_status_is_given_a_meaning_shown_back_and_checked(demo_url):
    saved = run(
        demo_url,
        "settings",
        "set-list",
        "action_statuses",
        "Open",
        "In progress",
        "Done",
        "Noted",
        "Awaiting reply: open",
        "Parked: CLOSED",
        as_=ADMIN,
    ).stdout
    assert saved == (
        "action_statuses: Open: open (from the word); In progress: open (from the word); "
        "Done: complete (from the word); Noted: closed (from the word); Awaiting reply: open; "
        "Parked: closed\n"
    )
    assert (
        "action_statuses: Open; In progress; Done; Noted; Awaiting reply; Parked\n"
        "  meanings: Open: open; In progress: open; Done: complete; Noted: closed; "
        "Awaiting reply: open; Parked: closed\n" in run(demo_url, "settings", "show").stdout
    )
    refused = run(
        demo_url,
        "settings",
        "set-list",
        "action_statuses",
        *("Open", "Done: finished"),
        ok=False,
        as_=ADMIN,
    )
    assert "line 2 ('Done: finished'): 'finished' is not a meaning" in refused.stderr
    refused = run(
        demo_url,
        "settings",
        "set-list",
        "milestone_statuses",
        *("Not started", "In progress", "Complete: closed", "Slipped", "Cancelled"),
        ok=False,
        as_=ADMIN,
    )
    assert "no milestone could be completed: give one status the meaning complete" in (
        refused.stderr
    )


def _pack_plan(url: str) -> tuple[list, list]:
    """The pack's tracker (overdue per area) and its items needing attention, as built now."""
    from datetime import date

    from dashboard.briefing import content, make
    from data_access.store import Store

    store = Store(url)
    try:
        pack = content.build(content.gather(store, date.today()), make.options_for(store))
    finally:
        store.dispose()
    tables = {t.title: t.frame for s in pack.sections for t in s.blocks if hasattr(t, "frame")}
    tracker = tables["Accountability areas"].select("Area", "Overdue").rows()
    return tracker, sorted(tables["Needs attention"].rows())


def test_renaming_complete_to_done_leaves_every_milestone_complete(demo_url, tmp_path):
    # the administrator renames Complete to Done: add Done, move the milestones, drop Complete
    before = _pack_plan(demo_url)
    statuses = ["Not started", "In progress", "Complete", "Done", "Slipped", "Cancelled"]
    run(demo_url, "settings", "set-list", "milestone_statuses", *statuses, as_=ADMIN)
    exported = tmp_path / "milestones.csv"
    run(demo_url, "export", "milestones", "--format", "csv", "-o", str(exported))
    text = exported.read_text(encoding="utf-8-sig")
    assert ",Complete," in text
    exported.write_text(text.replace(",Complete,", ",Done,"), encoding="utf-8")
    assert "0 new, 4 changed" in run(demo_url, "import", "milestones", str(exported)).stdout
    statuses.remove("Complete")
    run(demo_url, "settings", "set-list", "milestone_statuses", *statuses, as_=ADMIN)
    assert _pack_plan(demo_url) == before


def test_import_reads_a_named_sheet_and_says_what_it_read(demo_url, tmp_path):
    import xlsxwriter

    path = tmp_path / "areas.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    for name, code in (("Cover", None), ("Later", "Z2")):
        sheet = workbook.add_worksheet(name)
        sheet.write_row(0, 0, ["code", "title", "status"])
        if code:
            sheet.write_row(1, 0, [code, "Example", "In progress"])
    workbook.close()
    out = run(demo_url, "import", "areas", str(path), "--sheet", "Later", "--dry-run").stdout
    assert out.splitlines()[1:] == ['  read sheet "Later" of areas.xlsx (as chosen)']
    assert "would write 1 new" in out
