"""The short load test of issue 9, through the load benchmark's own entry point.

Five sessions (websocket clients speaking Streamlit's protocol: members, an officer, a director,
an administrator) sign in and visit every page for 60 s on a real ``ascgov serve`` (longer, up
to 180 s, until each has visited all its pages once), while the demo officer saves an area every
10 s through the Updates page and imports a milestones file with ``ascgov import``; then the
server gets SIGTERM, and the store is read back for the last save and import. On SQLite and on
PostgreSQL. About 2 minutes per database on a quiet machine, 4 on a busy one.

Latency is not asserted (the machine is shared); ``bench/bench_load.py`` prints that verdict.
A run stuck on a deadlocked server is not a slow run: the bench calls a run a hang after
``HANG_AFTER_S`` with no end, and this test kills the whole bench after ``HARD_LIMIT_S``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from tests.conftest import REPO

BENCH = REPO / "bench" / "bench_load.py"
# a deadlock never ends, so a long wait still finds it; a short one would call a page that a
# loaded machine serves slowly (its first, cold run above all) a hang
HANG_AFTER_S = 90
HARD_LIMIT_S = 600
STOP_LIMIT_S = 10


def run_smoke(db: str, folder, *extra: str) -> tuple[dict, str]:
    """The bench's ``--smoke`` run on ``db``; its results and its printed report."""
    out = folder / "load.json"
    command = [sys.executable, str(BENCH), "--smoke", "--db", db, "--json", str(out)]
    bench = subprocess.Popen(
        [*command, "--hang-after", str(HANG_AFTER_S), *extra],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # so a stuck bench can be killed with its import processes
    )
    try:
        report, _ = bench.communicate(timeout=HARD_LIMIT_S)
    except subprocess.TimeoutExpired:
        os.killpg(bench.pid, signal.SIGKILL)  # the server dies with it (PR_SET_PDEATHSIG)
        report, _ = bench.communicate()
        pytest.fail(f"the load smoke did not finish within {HARD_LIMIT_S} s:\n{report[-4000:]}")
    assert out.exists(), f"the bench wrote no results (exit {bench.returncode}):\n{report[-4000:]}"
    (result,) = json.loads(out.read_text(encoding="utf-8"))["results"]
    return result, report


def check(result: dict, report: str) -> None:
    """What a load smoke run must show, on either database."""
    assert result["hangs"] == 0, report
    assert result["errors"] == 0, report
    assert result["pages_not_visited"] == [], report
    # every save and import that was started finished, and did what it should
    assert result["saves"]["failed"] == 0 and result["saves"]["done"] >= 2, report
    assert result["imports"]["failed"] == 0 and result["imports"]["done"] >= 1, report
    assert result["lost_writes"] == [], report
    assert result["sigterm"]["clean"], report
    assert result["sigterm"]["stopped_s"] < STOP_LIMIT_S, report
    assert result["ok"] is True, report


# PostgreSQL's run is in test_load_smoke_postgres.py: the suite gives each file to one worker,
# and the two runs (over a minute each) then run side by side
def test_five_sessions_for_a_minute_while_an_officer_edits(tmp_path):
    check(*run_smoke("sqlite", tmp_path))
