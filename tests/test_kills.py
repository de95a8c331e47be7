"""SIGKILL at random moments leaves every store whole, on SQLite and PostgreSQL.

(a) ``ascgov import`` killed while it runs: the store passes ``PRAGMA integrity_check`` (SQLite)
and the import is all or nothing: every row of the file with its audit event and one version
bump of the dataset, or none of it.
(b) The app's process (tests/store_processes.py ``stream``) killed in a stream of saves: every
save it acknowledged is there, and nothing is half-written (each row's version equals its
audit events, the three figures of a backlog save agree, each dataset's version moved once per
transaction).

Kill moments: (a) uniformly from the moment the process first connects to the store until a
little after an unkilled import of the same size had committed; (b) 0 to 2 s after the
stream's first save. ``--kill-rounds N`` sets the kills per test and database (default: a few).
"""

from __future__ import annotations

import csv
import json
import random
import sqlite3
import subprocess
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from data_access import schema
from data_access.store import Store
from tests.process_support import ASCGOV, LineProcess, cli_env, open_files
from tests.store_processes import AREA, BACKLOG_MEASURES, BACKLOG_MONTH, DIRECTOR

IMPORT_KILLS = {"sqlite": 6, "postgresql": 4}
STREAM_KILLS = {"sqlite": 4, "postgresql": 4}
MEASURES = (
    "waiting_review",
    "waiting_ot_assessment",
    "reviews_completed",
    "overdue_annual_reviews",
)
MONTHS, BANDS = 75, 10  # 4 x 75 x 10 = 3,000 rows a file: the write takes a while
ROWS = len(MEASURES) * MONTHS * BANDS


def _kills(request, store: Store, default: dict[str, int]) -> int:
    return request.config.getoption("--kill-rounds") or default[store.dialect]


def _write_import(path: Path, team: str) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["measure", "month", "team", "priority_band", "value"])
        for measure in MEASURES:
            for i in range(MONTHS):
                month = date(2018 + i // 12, 1 + i % 12, 1).isoformat()
                out.writerows([measure, month, team, f"Band {b}", i + b] for b in range(BANDS))
    return path


def _connected(store: Store, pid: int) -> bool:
    """Whether the process has connected to the store yet: the file open (SQLite), a TCP
    connection to the server (PostgreSQL; its own, not a backend someone else left)."""
    if store.dialect == "sqlite":
        return str(store.sqlite_path) in open_files(pid)
    port = f":{store.engine.url.port or 5432:04X}"
    sockets = {f[8:-1] for f in open_files(pid) if f.startswith("socket:[")}
    table = []
    for kind in ("tcp", "tcp6"):
        try:
            table += Path(f"/proc/{pid}/net/{kind}").read_text().splitlines()[1:]
        except OSError:  # the process has ended
            return False
    # columns: sl local_address rem_address st ... inode
    return any(row.split()[2].endswith(port) and row.split()[9] in sockets for row in table)


def _run_import(store: Store, path: Path, kill_after: float | None, committed=None):
    """Run ``ascgov import``; with ``kill_after``, SIGKILL it that long after it connects.

    Returns (exit status, seconds from connecting until ``committed()`` first held, or until
    the process ended).
    """
    process = subprocess.Popen(
        [ASCGOV, "import", "backlog", str(path)],
        env=cli_env(store.url, DIRECTOR.email),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    while process.poll() is None and not _connected(store, process.pid):
        time.sleep(0.01)
    started = time.monotonic()
    if kill_after is not None:
        try:
            process.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            process.kill()
    while committed is not None and process.poll() is None and not committed():
        time.sleep(0.01)
    took = time.monotonic() - started
    process.wait()
    process.stderr.close()
    return process.returncode, took


@dataclass(frozen=True)
class ImportState:
    rows: int  # rows of this team
    events: int  # their audit events
    backlog_version: int
    audit_version: int


def _import_state(store: Store, team: str) -> ImportState:
    fresh = Store(store.url)
    try:
        with fresh.engine.connect() as conn:
            rows = conn.scalar(
                select(func.count())
                .select_from(schema.backlog)
                .where(schema.backlog.c.team == team)
            )
            events = conn.scalar(
                select(func.count())
                .select_from(schema.audit_events)
                .where(schema.audit_events.c.dataset == "backlog")
                .where(schema.audit_events.c.entity_key.like(f"%|{team}|%"))
            )
        versions = fresh.dataset_versions()
    finally:
        fresh.dispose()
    return ImportState(rows, events, versions["backlog"], versions["audit_events"])


def _integrity(store: Store) -> list[str]:
    if store.dialect != "sqlite":
        return []
    with closing(sqlite3.connect(store.sqlite_path)) as conn:
        check = conn.execute("PRAGMA integrity_check").fetchall()
    return [] if check == [("ok",)] else [f"integrity_check: {check[:5]}"]


def _import_problems(store: Store, team: str, before: ImportState) -> tuple[str, list[str]]:
    """Whether the import happened ('all' or 'none') and what is inconsistent."""
    after = _import_state(store, team)
    problems = _integrity(store)
    if after == ImportState(ROWS, ROWS, before.backlog_version + 1, before.audit_version + 1):
        return "all", problems
    if after == before:
        return "none", problems
    return "partial", [*problems, f"{team}: half an import: {after} (before: {before})"]


def _calibrate(store: Store, tmp_path: Path) -> float:
    """Seconds from an import's connecting to its rows showing (the write, committed)."""
    before = _import_state(store, "Calibration")
    path = _write_import(tmp_path / "calibration.csv", "Calibration")
    watcher = Store(store.url)
    count = select(func.count()).select_from(schema.backlog)
    count = count.where(schema.backlog.c.team == "Calibration")

    def committed() -> bool:
        with watcher.engine.connect() as conn:
            return conn.scalar(count) == ROWS

    try:
        status, took = _run_import(store, path, kill_after=None, committed=committed)
    finally:
        watcher.dispose()
    assert status == 0, "the unkilled import failed"
    assert _import_problems(store, "Calibration", before) == ("all", [])
    return took


def test_killed_imports_are_all_or_nothing(demo_store, tmp_path, request):
    demo_store.dispose()
    took = _calibrate(demo_store, tmp_path)
    rng = random.Random()
    outcomes, problems = [], []
    for round_ in range(_kills(request, demo_store, IMPORT_KILLS)):
        team = f"Killed {round_}"
        path = _write_import(tmp_path / f"kill{round_}.csv", team)
        before = _import_state(demo_store, team)
        _run_import(demo_store, path, kill_after=rng.uniform(0, took * 1.1))
        outcome, found = _import_problems(demo_store, team, before)
        outcomes.append(outcome)
        problems += found

    print(f"{demo_store.dialect}: {len(outcomes)} kills ({took:.1f} s to commit): {outcomes}")
    assert problems == []
    assert set(outcomes) <= {"all", "none"}


# (b) the app's process killed in a stream of saves ------------------------------------------


def _audit_after(conn, dataset: str, key: str) -> list[dict]:
    events = schema.audit_events.c
    rows = conn.execute(
        select(events.after)
        .where(events.dataset == dataset, events.entity_key == key)
        .order_by(events.id)
    ).all()
    return [json.loads(r[0]) if isinstance(r[0], str) else r[0] for r in rows]


@dataclass
class SavedState:
    """Each written row's version, current value and the values its audit events recorded."""

    rows: dict[str, tuple[int, object, list]]  # key -> (version, value, audited values)
    versions: dict[str, int]


BACKLOG_KEYS = tuple(
    f"{m.value}|{BACKLOG_MONTH.isoformat()}|All teams|All priorities" for m in BACKLOG_MEASURES
)


def _saved_state(store: Store) -> SavedState:
    fresh = Store(store.url)
    areas, backlog = schema.areas.c, schema.backlog.c
    try:
        with fresh.engine.connect() as conn:
            area = conn.execute(
                select(areas.version, areas.commentary).where(areas.code == AREA)
            ).one()
            audited = [e["commentary"] for e in _audit_after(conn, "areas", AREA)]
            rows = {AREA: (area.version, area.commentary, audited)}
            for key in BACKLOG_KEYS:
                measure = key.split("|")[0]
                row = conn.execute(
                    select(backlog.version, backlog.value).where(
                        backlog.measure == measure,
                        backlog.month == BACKLOG_MONTH,
                        backlog.team == "All teams",
                        backlog.priority_band == "All priorities",
                    )
                ).one()
                audited = [e["value"] for e in _audit_after(conn, "backlog", key)]
                rows[key] = (row.version, row.value, audited)
        versions = fresh.dataset_versions()
    finally:
        fresh.dispose()
    return SavedState(rows, versions)


def _half_written(state: SavedState, start: SavedState) -> list[str]:
    problems = []
    for key, (version, value, audited) in state.rows.items():
        if version != len(audited) or value != audited[-1]:
            problems.append(f"{key}: version {version}, value {value!r}; audit {audited[-3:]}")
    area_saves = len(state.rows[AREA][2]) - len(start.rows[AREA][2])
    backlog_saves = len(state.rows[BACKLOG_KEYS[0]][2]) - len(start.rows[BACKLOG_KEYS[0]][2])
    values = {state.rows[k][1] for k in BACKLOG_KEYS}
    if backlog_saves and len(values) != 1:
        problems.append(f"one backlog save's three figures differ: {values}")
    moved = {d: state.versions[d] - start.versions[d] for d in ("areas", "backlog", "audit_events")}
    if moved != {
        "areas": area_saves,
        "backlog": backlog_saves,
        "audit_events": area_saves + backlog_saves,
    }:
        problems.append(f"dataset versions moved {moved} for {area_saves} + {backlog_saves} saves")
    return problems


def _lost(state: SavedState, acknowledged: list[int]) -> list[int]:
    commentaries = set(state.rows[AREA][2])
    values = [set(state.rows[k][2]) for k in BACKLOG_KEYS]
    return [
        n
        for n in acknowledged
        if (f"stream {n}" not in commentaries if n % 2 else any(n not in v for v in values))
    ]


def test_killed_app_keeps_every_acknowledged_save(demo_store, request):
    demo_store.dispose()
    start = _saved_state(demo_store)
    rng = random.Random()
    acknowledged_total, problems = 0, []
    for round_ in range(_kills(request, demo_store, STREAM_KILLS)):
        first = round_ * 1_000_000 + 1
        app = LineProcess(
            ["-m", "tests.store_processes", "stream", demo_store.url, str(first)],
            env=cli_env(demo_store.url, DIRECTOR.email),
        )
        try:
            assert app.answer() == "ready"
            said = [app.answer()]  # the first save: killing during start-up tests little
            time.sleep(rng.uniform(0, 2))
            said += app.kill()
        finally:
            app.close()
        acknowledged = [int(line.split()[1]) for line in said if line.startswith("saved ")]
        acknowledged_total += len(acknowledged)
        state = _saved_state(demo_store)
        if lost := _lost(state, acknowledged):
            problems.append(f"kill {round_}: {len(lost)} acknowledged saves lost: {lost[:10]}")
        problems += [
            f"kill {round_}: {p}" for p in _half_written(state, start) + _integrity(demo_store)
        ]

    print(f"{demo_store.dialect}: {acknowledged_total} acknowledged saves, {round_ + 1} kills")
    assert problems == []
    assert acknowledged_total > 0, "the app never acknowledged a save before it was killed"
