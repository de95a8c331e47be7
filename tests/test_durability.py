"""Saves on SQLite stay saved while other ``ascgov`` processes come and go, and survive SIGKILL.

One long-lived process runs the app's own edit command and loaders (tests/store_processes.py)
and saves once a round; between saves a real ``ascgov`` process (history, export, import
--dry-run, import) opens and closes the same store. After every save the app's own next read,
a separate reader process and a fresh sqlite3 connection must all see it, and the app must hold
no deleted write-ahead log. Then the app is killed and every acknowledged save must be in the
file, which must pass ``PRAGMA integrity_check``.

This failed when the loaders read SQLite through the ADBC driver, which carries a second copy
of SQLite: the first ``ascgov`` process to close the store deleted the app's WAL under it.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest

from data_access.store import Store
from tests.conftest import with_demo_council
from tests.process_support import (
    ASCGOV,
    LineProcess,
    cli_env,
    deleted_journals,
    sqlite_libraries,
)
from tests.store_processes import AREA, DIRECTOR
from tests.store_snapshots import sqlite_url


def _cli_command(n: int, folder: Path) -> list[str]:
    """Round n's separate process: each kind in turn, as people use the CLI beside the app."""
    kind = n % 4
    if kind == 0:
        return ["history", "--limit", "5"]
    if kind == 1:
        return ["export", "areas", "--format", "csv", "-o", str(folder / f"areas{n}.csv")]
    path = folder / f"import{n}.csv"
    path.write_text(f"code,title,status\nDUR{n},Durability {n},In progress\n", encoding="utf-8")
    return ["import", "areas", str(path), *(["--dry-run"] if kind == 2 else [])]


def _fresh_read(path: Path) -> tuple[str, int]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(
            "SELECT commentary, version FROM areas WHERE code = ?", (AREA,)
        ).fetchone()


def _start_cli(n: int, env, folder: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [ASCGOV, *_cli_command(n, folder)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _round(n: int, cli: subprocess.Popen, app: LineProcess, reader: LineProcess, path: Path):
    """Round n's save, once its separate process has ended; what went wrong, if anything."""
    _, stderr = cli.communicate(timeout=300)
    if cli.returncode != 0:
        return [f"round {n}: ascgov failed: {stderr.strip()[-500:]}"]
    app.send(f"save {n}")
    said = app.answer()
    if not said.startswith("saved "):
        return [f"round {n}: the app's save was refused: {said}"]
    version = int(said.split()[2])
    expected = f"save {n} {version}"
    problems = []
    own = app.answer()
    if own != f"read {n} {expected}":
        problems.append(f"round {n}: the app's own next read gave {own!r}")
    reader.send("read")
    if (other := reader.answer()) != f"read {expected}":
        problems.append(f"round {n}: a separate process read {other!r}")
    if (fresh := _fresh_read(path)) != (f"save {n}", version):
        problems.append(f"round {n}: a fresh sqlite3 connection read {fresh!r}")
    if deleted := deleted_journals(app.pid):
        problems.append(f"round {n}: the app holds deleted {deleted}")
    return problems


def _rounds(rounds: int, app: LineProcess, reader: LineProcess, env, folder: Path, path: Path):
    """Every round; the next round's ``ascgov`` starts while this one saves (two cores: the
    rounds take half as long), so a separate process also opens the store during saves."""
    problems, acknowledged = [], []
    ahead = [_start_cli(1, env, folder)]
    for n in range(1, rounds + 1):
        if n < rounds:
            ahead.append(_start_cli(n + 1, env, folder))
        found = _round(n, ahead.pop(0), app, reader, path)
        if not any("refused" in p or "ascgov failed" in p for p in found):
            acknowledged.append(n)
        problems += found
    return problems, acknowledged


def _saved_commentaries(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute(
            "SELECT \"after\" FROM audit_events WHERE dataset = 'areas' AND entity_key = ? "
            "AND action = 'edit:update' ORDER BY id",
            (AREA,),
        ).fetchall()
    return [json.loads(after)["commentary"] for (after,) in rows]


def _after_kill(path: Path, rounds: int, acknowledged: list[int]) -> list[str]:
    problems = []
    with closing(sqlite3.connect(path)) as conn:
        check = conn.execute("PRAGMA integrity_check").fetchall()
        imported = {
            code for (code,) in conn.execute("SELECT code FROM areas WHERE code LIKE 'DUR%'")
        }
    if check != [("ok",)]:
        problems.append(f"integrity_check after the kill: {check[:5]}")
    saved = _saved_commentaries(path)
    lost = [n for n in acknowledged if f"save {n}" not in saved]
    if lost:
        problems.append(f"{len(lost)} acknowledged saves lost after the kill: rounds {lost[:20]}")
    if _fresh_read(path)[0] != f"save {acknowledged[-1]}":
        problems.append(f"after the kill the area reads {_fresh_read(path)!r}")
    wanted = {f"DUR{n}" for n in range(1, rounds + 1) if n % 4 == 3}
    if wanted - imported:
        problems.append(f"imports lost after the kill: {sorted(wanted - imported)[:20]}")
    return problems


@pytest.fixture
def demo_sqlite_file(tmp_path) -> Path:
    path = tmp_path / "store.sqlite3"
    store = Store(sqlite_url(path))
    store.upgrade()
    with_demo_council(store)
    store.dispose()
    return path


def test_saves_stay_visible_and_survive_a_kill_while_cli_processes_come_and_go(
    demo_sqlite_file, tmp_path, request
):
    rounds = request.config.getoption("--durability-rounds")
    path, url = demo_sqlite_file, sqlite_url(demo_sqlite_file)
    env = cli_env(url, DIRECTOR.email)
    app = LineProcess(["-m", "tests.store_processes", "app", url], env=env)
    reader = LineProcess(["-m", "tests.store_processes", "reader", url], env=env)
    try:
        assert app.answer() == "ready" and reader.answer() == "ready"
        problems, acknowledged = _rounds(rounds, app, reader, env, tmp_path, path)
        libraries = sqlite_libraries(app.pid)
        app.kill()
    finally:
        app.close()
        reader.close()
    problems += _after_kill(path, rounds, acknowledged)
    if len(libraries) != 1:
        problems.append(f"the app process maps {len(libraries)} SQLite copies: {sorted(libraries)}")

    assert problems == [], f"{len(problems)} problems in {rounds} rounds:\n" + "\n".join(
        problems[:30]
    )
    assert acknowledged == list(range(1, rounds + 1))
