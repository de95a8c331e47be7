"""No lost updates: many people saving the same rows at once, on SQLite and PostgreSQL.

Every save names the version it started from. A save from the version the store holds is
accepted and moves the row on by one; any other is refused with ``StaleVersionError``, which
says what the row is now. Run these with ``pytest -k "conflict or stale or concurren"``.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from dashboard.domain.history import changes_after
from data_access import commands, schema
from data_access.access import Principal, principal_for
from data_access.exporter import export_frame, write_csv
from data_access.importer import import_file
from data_access.loaders import item_history
from data_access.problems import ImportRejected
from data_access.store import StaleVersionError, Store
from data_access.vocab import Measure
from tests.conftest import DIRECTOR, REPO
from tests.pages_support import signed_in_as

THREADS, ATTEMPTS = 8, 25
OFFICER = "officer@demo.example"
BAND = "High: risk or safeguarding"
MONTH = date(2023, 11, 1)


# --- the rows under contention ---------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """One editable row: where it is, the field each save writes, and how to save it."""

    name: str
    table: str
    where: dict[str, Any]
    dataset: str  # as in the audit log
    key: str
    field: str
    save: Callable[[Store, Principal, dict[str, Any], int, Any], Any]
    value: Callable[[int, int], Any]  # a value no other attempt writes


def _save_area(store, who, row, version, value):
    return commands.edit_area(
        store,
        who,
        "IP09",
        version=version,
        status=row["status"],
        rag=row["rag"],
        commentary=value,
    )


def _save_milestone(store, who, row, version, value):
    return commands.edit_milestone(
        store,
        who,
        "IP09-M2",
        version=version,
        status=row["status"],
        due_date=row["due_date"],
        completed_date=row["completed_date"],
        evidence=value,
    )


def _save_backlog(store, who, row, version, value):
    figure = commands.BacklogFigure(Measure.OVERDUE_ANNUAL_REVIEWS, value, row["target"], version)
    (saved,) = commands.edit_backlog_month(
        store, who, month=MONTH, team="North locality", priority_band=BAND, figures=[figure]
    )
    return saved


TARGETS = [
    Target(
        "area",
        "areas",
        {"code": "IP09"},
        "areas",
        "IP09",
        "commentary",
        _save_area,
        lambda t, a: f"Commentary {t}-{a}",
    ),
    Target(
        "milestone",
        "milestones",
        {"code": "IP09-M2"},
        "milestones",
        "IP09-M2",
        "evidence",
        _save_milestone,
        lambda t, a: f"Evidence {t}-{a}",
    ),
    Target(
        "backlog",
        "backlog",
        {
            "measure": "overdue_annual_reviews",
            "month": MONTH,
            "team": "North locality",
            "priority_band": BAND,
        },
        "backlog",
        f"overdue_annual_reviews|2023-11-01|North locality|{BAND}",
        "value",
        _save_backlog,
        lambda t, a: 1000 + 100 * t + a,
    ),
]


def _row(store: Store, table: str, where: dict[str, Any]) -> dict[str, Any]:
    t = schema.metadata.tables[table]
    with store.engine.connect() as conn:
        found = conn.execute(select(t).where(*(t.c[k] == v for k, v in where.items()))).one()
    return dict(found._mapping)


def _updates(store: Store, dataset: str, key: str) -> list[dict[str, Any]]:
    """The audit events of edits to one row, oldest first (before/after as dicts)."""
    table = schema.audit_events
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(table)
            .where(table.c.dataset == dataset, table.c.entity_key == key)
            .where(table.c.action == "edit:update")
            .order_by(table.c.id)
        )
        events = [dict(r._mapping) for r in rows]
    for event in events:
        for side in ("before", "after"):
            if isinstance(event[side], str):
                event[side] = json.loads(event[side])
    return events


# --- many threads ----------------------------------------------------------------------------
@dataclass
class Attempt:
    thread: int
    number: int
    stale: bool
    base: int  # the version the save named
    value: Any
    outcome: Any = None  # Saved, or the exception raised


def _hammer(store: Store, who: Principal, target: Target) -> list[Attempt]:
    """THREADS threads, each making ATTEMPTS saves of the same row: two in three from the
    version just read, one in three from the version before it (certainly stale)."""
    attempts: list[Attempt] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def work(thread: int) -> None:
        start.wait()
        for number in range(ATTEMPTS):
            row = _row(store, target.table, target.where)
            stale = number % 3 == 2
            attempt = Attempt(
                thread,
                number,
                stale,
                row["version"] - 1 if stale else row["version"],
                target.value(thread, number),
            )
            try:
                attempt.outcome = target.save(store, who, row, attempt.base, attempt.value)
            except Exception as exc:  # noqa: BLE001 - every outcome is kept and checked
                attempt.outcome = exc
            with lock:
                attempts.append(attempt)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a saving thread hung"
    return attempts


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_concurrent_saves_of_one_row_lose_no_update(demo_store, target):
    store = demo_store
    who = principal_for(store, DIRECTOR.email)
    initial = _row(store, target.table, target.where)
    attempts = _hammer(store, who, target)
    assert len(attempts) == THREADS * ATTEMPTS

    # every outcome is an accepted save or a reported conflict: nothing else, nothing lost
    others = [
        a.outcome for a in attempts if not isinstance(a.outcome, StaleVersionError | commands.Saved)
    ]
    assert others == [], [f"{type(e).__name__}: {e}" for e in others]
    accepted = sorted(
        (a for a in attempts if isinstance(a.outcome, commands.Saved)),
        key=lambda a: a.outcome.version,
    )
    refused = [a for a in attempts if isinstance(a.outcome, StaleVersionError)]
    assert len(accepted) + len(refused) == THREADS * ATTEMPTS
    assert accepted, "some saves must get through"
    assert all(not a.stale for a in accepted), "a save from an old version was accepted"
    assert sum(a.stale for a in refused) == THREADS * (ATTEMPTS // 3)

    # each accepted save moved the row on by exactly one from the version it started from
    versions = [a.outcome.version for a in accepted]
    assert versions == list(range(initial["version"] + 1, initial["version"] + len(accepted) + 1))
    assert all(a.base == a.outcome.version - 1 for a in accepted)

    # the row holds the last accepted save
    final = _row(store, target.table, target.where)
    assert final["version"] == versions[-1]
    assert final[target.field] == accepted[-1].value

    # each refusal names the row, the version it was based on, and the row as it is now
    for attempt in refused:
        error = attempt.outcome
        assert (error.dataset, error.key, error.expected) == (
            target.table,
            target.key,
            attempt.base,
        )
        assert error.current is not None, str(error)
        assert error.current["version"] > attempt.base
        assert f"it is now at version {error.current['version']}" in str(error)

    # one audit event per accepted save, in order, each recording that save's value
    events = _updates(store, target.dataset, target.key)
    assert len(events) == len(accepted)
    for event, attempt in zip(events, accepted, strict=True):
        assert event["actor"] == DIRECTOR.email
        assert event["before"]["version"] == attempt.base
        assert event["after"]["version"] == attempt.outcome.version
        assert event["after"][target.field] == attempt.value


def test_concurrent_first_entry_of_a_backlog_figure_conflicts_once(demo_store):
    """Eight people entering the same new month at once: one is saved, seven are told that
    someone else got there first (not a database error)."""
    store = demo_store
    who = principal_for(store, DIRECTOR.email)
    month, start = date(2030, 1, 1), threading.Barrier(THREADS)
    outcomes: list[Any] = [None] * THREADS

    def enter(n: int) -> None:
        figure = commands.BacklogFigure(Measure.OVERDUE_ANNUAL_REVIEWS, 500 + n)
        start.wait()
        try:
            outcomes[n] = commands.edit_backlog_month(
                store, who, month=month, team="North locality", priority_band=BAND, figures=[figure]
            )
        except Exception as exc:  # noqa: BLE001 - every outcome is kept and checked
            outcomes[n] = exc

    threads = [threading.Thread(target=enter, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    saved = [o for o in outcomes if isinstance(o, list)]
    refused = [o for o in outcomes if isinstance(o, StaleVersionError)]
    assert (len(saved), len(refused)) == (1, THREADS - 1), [repr(o) for o in outcomes]
    where = {"measure": "overdue_annual_reviews", "month": month, "team": "North locality"}
    row = _row(store, "backlog", {**where, "priority_band": BAND})
    assert (row["version"], row["value"]) == (1, 500 + outcomes.index(saved[0]))
    for error in refused:
        assert error.key == f"overdue_annual_reviews|2030-01-01|North locality|{BAND}"
        assert error.current is not None and error.current["version"] == 1


# --- two people ------------------------------------------------------------------------------
def test_two_people_conflict_the_second_is_told_what_changed_and_can_reapply(demo_store):
    store = demo_store
    officer = principal_for(store, OFFICER)
    director = principal_for(store, DIRECTOR.email)
    row = _row(store, "areas", {"code": "IP09"})
    seen = row["version"]
    assert row["rag"] == "Amber"

    # A (the officer) and B (the director) both opened IP09 at version N; A saves first
    commands.edit_area(
        store,
        officer,
        "IP09",
        version=seen,
        status=row["status"],
        rag="Red",
        commentary="Reviews are behind plan.",
    )
    with pytest.raises(StaleVersionError) as conflict:
        commands.edit_area(
            store,
            director,
            "IP09",
            version=seen,
            status=row["status"],
            rag=row["rag"],
            commentary="Director's note.",
        )
    error = conflict.value
    assert str(error) == (
        f"areas IP09 was changed by someone else since you opened it "
        f"(you had version {seen}; it is now at version {seen + 1})"
    )
    assert (error.current["rag"], error.current["commentary"], error.current["loaded_by"]) == (
        "Red",
        "Reviews are behind plan.",
        OFFICER,
    )
    # what B is shown: who changed what since the version B opened
    (line,) = changes_after(item_history(store, "areas", "IP09"), seen)
    assert line.startswith(f"{OFFICER} at ")
    assert "rag: Amber → Red" in line
    assert "commentary: " in line and "→ Reviews are behind plan." in line
    assert _row(store, "areas", {"code": "IP09"})["commentary"] == "Reviews are behind plan."

    # B re-applies on the new version, knowingly
    saved = commands.edit_area(
        store,
        director,
        "IP09",
        version=error.current["version"],
        status=row["status"],
        rag="Red",
        commentary="Director's note.",
    )
    assert saved.version == seen + 2
    final = _row(store, "areas", {"code": "IP09"})
    assert (final["version"], final["commentary"], final["loaded_by"]) == (
        seen + 2,
        "Director's note.",
        DIRECTOR.email,
    )
    assert [e["actor"] for e in _updates(store, "areas", "IP09")] == [OFFICER, DIRECTOR.email]


def _unescaped(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _area_form(role: str) -> AppTest:
    at = signed_in_as(AppTest.from_file(str(REPO / "pages/updates.py"), default_timeout=60), role)
    at.run()
    box = at.selectbox(key="pick-area")
    at = box.set_value(next(o for o in box.options if o.startswith("IP09:"))).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _save(at: AppTest) -> AppTest:
    at = next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_two_people_on_the_updates_page_conflict_then_reapply(app_env):
    """The same as seen on the page: B's input stays in the form with A's change listed."""
    first, second = _area_form("officer"), _area_form("director")
    first.selectbox(key="area:IP09:rag").set_value("Red")
    first.text_area(key="area:IP09:commentary").set_value("Reviews are behind plan.")
    first = _save(first)
    assert "IP09 is now at version 2" in _unescaped(first.success[0].value)

    second.text_area(key="area:IP09:commentary").set_value("Director's note.")
    second = _save(second)
    assert not second.success
    (warning,) = [_unescaped(w.value) for w in second.warning]
    assert warning.startswith("Not saved: someone else changed this item after you opened it.")
    assert f"- {OFFICER} at " in warning
    assert "rag: Amber → Red" in warning
    assert "→ Reviews are behind plan." in warning
    assert second.text_area(key="area:IP09:commentary").value == "Director's note."
    assert _row(app_env, "areas", {"code": "IP09"})["commentary"] == "Reviews are behind plan."

    second = _save(second)  # on purpose, over the officer's change
    assert "IP09 is now at version 3" in _unescaped(second.success[0].value)
    final = _row(app_env, "areas", {"code": "IP09"})
    assert (final["version"], final["commentary"], final["loaded_by"]) == (
        3,
        "Director's note.",
        DIRECTOR.email,
    )


def test_stale_version_through_the_cli_is_refused(app_env):
    from dashboard.cli.main import app

    row = _row(app_env, "areas", {"code": "IP09"})
    argv = ["edit", "area", "IP09", "--version", str(row["version"]), "--status", row["status"]]
    argv += ["--rag", row["rag"], "--db", app_env.url, "--as", DIRECTOR.email]
    first = CliRunner().invoke(app, [*argv, "--commentary", "First."])
    assert (first.exit_code, first.stdout) == (0, "saved areas IP09: now version 2\n")
    again = CliRunner().invoke(app, [*argv, "--commentary", "Second."])
    assert again.exit_code == 1
    assert again.stderr == (
        "refused: areas IP09 was changed by someone else since you opened it "
        "(you had version 1; it is now at version 2)\n"
    )
    assert _row(app_env, "areas", {"code": "IP09"})["commentary"] == "First."


# --- a file exported before someone else's change ---------------------------------------------
def test_stale_import_of_an_old_export_is_refused_and_writes_nothing(demo_store, tmp_path):
    store = demo_store
    exported = tmp_path / "areas.csv"
    write_csv(export_frame(store, "areas"), exported)
    row = _row(store, "areas", {"code": "IP10"})
    commands.edit_area(
        store,
        principal_for(store, OFFICER),
        "IP10",
        version=row["version"],
        status=row["status"],
        rag=row["rag"],
        commentary="Changed after the export.",
    )
    # the old file now changes another row too: none of it may be written
    text = exported.read_text(encoding="utf-8-sig")
    assert text.count("Progressed on to become routine activity.") >= 1
    exported.write_text(
        text.replace("Progressed on to become routine activity.", "Restated in the file.", 1),
        encoding="utf-8-sig",
    )
    versions = store.dataset_versions()
    with pytest.raises(ImportRejected) as refused:
        import_file(store, "areas", exported, actor=DIRECTOR)
    message = str(refused.value)
    assert "import refused, nothing written (1 problem)" in message
    assert (
        "areas IP10 was changed by someone else since you opened it "
        "(you had version 1; it is now at version 2)"
    ) in message
    assert store.dataset_versions() == versions
    assert _row(store, "areas", {"code": "IP10"})["commentary"] == "Changed after the export."
    assert _row(store, "areas", {"code": "IP01"})["commentary"] != "Restated in the file."
