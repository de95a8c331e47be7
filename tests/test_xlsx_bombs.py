"""Workbooks built to exhaust memory are refused before they are parsed, within a memory limit.

Each bomb is built here (``tests/xlsx_bombs.py``) and imported by ``ascgov import`` in a child
process whose address space is limited (``RLIMIT_AS``), so a failure cannot take the machine
down: before the checks, the 2 KB workbook with a value at XFD1048576 made the reader ask for
about 550 GB and the process aborted. Each test asserts the exact message and exit status, that
the store did not change, and the child's peak memory (``ru_maxrss``); the figures are printed
at the end of the run (``tests/corpus_tally.py``). The largest workbook the default limits
accept is imported too, under the same limit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from data_access.demo_accounts import create_demo_accounts
from data_access.settings import Settings
from data_access.store import Store
from tests import corpus_tally, xlsx_bombs
from tests.store_snapshots import build_demo_sqlite, row_counts, sqlite_url

ASCGOV = shutil.which("ascgov", path=str(Path(sys.executable).parent)) or "ascgov"
# polars and Arrow reserve address space well beyond what they touch: 3 GiB lets the largest
# accepted workbook through (its peak is about 1.2 GB) and stops anything near the old 550 GB
ADDRESS_SPACE = 3 * 1024**3
REFUSAL_PEAK_MB = 400  # a refusal comes before parsing: about 110 MB, the process's own size
ACCEPTED_PEAK_MB = 2000
DEFAULTS = Settings.model_fields
MAX_ROWS = DEFAULTS["max_import_rows"].default
REFUSED = "import refused, nothing written (1 problem):\n  "


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str
    peak_mb: float
    seconds: float


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory) -> Path:
    path = build_demo_sqlite(tmp_path_factory.mktemp("bombs") / "demo.sqlite3")
    store = Store(sqlite_url(path))
    create_demo_accounts(store, with_passwords=False)
    store.dispose()
    return path


@pytest.fixture
def store_path(demo_template, tmp_path) -> Path:
    path = tmp_path / "store.sqlite3"
    shutil.copyfile(demo_template, path)
    return path


# A small launcher sets the limit, then forks ascgov and reports its exit status and peak
# memory. Not a preexec_fn: Python would fork this large test process, which the kernel may
# refuse (ENOMEM). Not an exec straight from here either: a child spawned from this process
# starts by sharing its memory, and that counts towards the child's peak.
_LAUNCH = """
import os, resource, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
resource.setrlimit(resource.RLIMIT_CPU, (900, 900))
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[3], sys.argv[3:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[2], "w") as report:
    report.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}")
"""


def run_import(store: Path, file: Path, dataset: str = "backlog") -> Run:
    """``ascgov import`` in a child under the address-space limit, with its own peak memory."""
    env = {**os.environ, "ASCGOV_DATABASE_URL": sqlite_url(store)}
    env["ASCGOV_AS"] = "director@demo.example"
    report = file.with_name(file.name + ".run")
    command = [ASCGOV, "import", dataset, str(file)]
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _LAUNCH, str(ADDRESS_SPACE), str(report), *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr  # the launcher's own
    returncode, peak_kib = (int(part) for part in report.read_text().split())
    return Run(returncode, done.stdout, done.stderr, peak_kib / 1024, seconds)


def _store_state(store: Path) -> tuple[dict, dict]:
    opened = Store(sqlite_url(store))
    try:
        return row_counts(opened), opened.dataset_versions()
    finally:
        opened.dispose()


def refused(request, store: Path, bomb: Path, message: str) -> Run:
    """Import ``bomb``; assert the exact refusal, an unchanged store and a small peak."""
    before = _store_state(store)
    run = run_import(store, bomb)
    said = run.stderr.removeprefix(REFUSED).removeprefix(bomb.name).strip()
    corpus_tally.record_bomb(request.node, bomb, run.returncode, run.peak_mb, run.seconds, said)
    assert (run.returncode, run.stdout) == (1, ""), run.stderr
    assert run.stderr == f"{REFUSED}{bomb.name}{message}\n"
    assert _store_state(store) == before
    assert run.peak_mb < REFUSAL_PEAK_MB
    return run


def _part(bomb: Path, name: str) -> zipfile.ZipInfo:
    with zipfile.ZipFile(bomb) as archive:
        return archive.getinfo(name)


def test_a_value_at_xfd1048576_is_refused_by_the_row_limit(request, store_path, tmp_path):
    bomb = xlsx_bombs.corner(tmp_path / "corner.xlsx")
    assert bomb.stat().st_size < 2500
    refused(
        request,
        store_path,
        bomb,
        ', sheet "Data": values reach row 1,048,576 (cell XFD1048576); the limit is 250,000 '
        "rows (ASCGOV_MAX_IMPORT_ROWS)",
    )


def test_a_2_mb_sheet_that_expands_178_times_is_refused_by_the_ratio(request, store_path, tmp_path):
    bomb = xlsx_bombs.repeated_rows(tmp_path / "sheet_2mb.xlsx", 800_000)
    assert 2_000_000 < bomb.stat().st_size < 2_300_000
    part = _part(bomb, xlsx_bombs.SHEET_PART)
    ratio = part.file_size / part.compress_size
    assert ratio > 150
    refused(
        request,
        store_path,
        bomb,
        f': part "xl/worksheets/sheet1.xml" expands {ratio:,.0f} times ({part.compress_size:,} '
        f"bytes to {part.file_size:,}); the limit is 100 times "
        "(ASCGOV_MAX_XLSX_COMPRESSION_RATIO)",
    )


def test_a_4_mb_sheet_of_300_mb_is_refused_by_the_part_size(request, store_path, tmp_path):
    bomb = xlsx_bombs.varied_rows(tmp_path / "sheet_4mb.xlsx", 330_000)
    assert 3_800_000 < bomb.stat().st_size < 4_500_000
    part = _part(bomb, xlsx_bombs.SHEET_PART)
    assert part.file_size / part.compress_size < 100  # under the ratio limit
    refused(
        request,
        store_path,
        bomb,
        f': part "xl/worksheets/sheet1.xml" expands to {part.file_size:,} bytes; the limit is '
        "268,435,456 (ASCGOV_MAX_XLSX_PART_BYTES)",
    )


def test_a_1_mb_sheet_of_400000_rows_is_refused_by_the_row_limit(request, store_path, tmp_path):
    # within the ratio and size limits: before the checks a file like it was parsed whole
    bomb = xlsx_bombs.one_cell_rows(tmp_path / "rows_1mb.xlsx", 400_000)
    assert 900_000 < bomb.stat().st_size < 1_200_000
    refused(
        request,
        store_path,
        bomb,
        ', sheet "Data": values reach row 250,001 (cell A250001); the limit is 250,000 rows '
        "(ASCGOV_MAX_IMPORT_ROWS)",
    )


def test_five_million_shared_strings_are_refused_by_the_cell_limit(request, store_path, tmp_path):
    bomb = xlsx_bombs.shared_strings(tmp_path / "strings.xlsx", 5_000_001)
    part = _part(bomb, "xl/sharedStrings.xml")
    assert part.file_size / part.compress_size < 100
    refused(
        request,
        store_path,
        bomb,
        ": shared strings number more than 5,000,000, the most cells a sheet may hold; the "
        "limit is ASCGOV_MAX_IMPORT_CELLS",
    )


def test_the_largest_workbook_the_limits_accept_is_imported_within_the_memory_limit(
    request, store_path, tmp_path
):
    rows = MAX_ROWS - 1  # and the header: the sheet reaches row 250,000
    workbook = xlsx_bombs.backlog_rows(tmp_path / "largest.xlsx", rows)
    before, _ = _store_state(store_path)

    run = run_import(store_path, workbook)

    corpus_tally.record_bomb(
        request.node, workbook, run.returncode, run.peak_mb, run.seconds, run.stdout.strip()
    )
    assert (run.returncode, run.stderr) == (0, ""), run.stderr[-2000:]
    assert run.stdout == (
        f"largest.xlsx: {rows} rows of backlog checked; wrote {rows} new, 0 changed, 0 unchanged\n"
        '  read sheet "Data" of largest.xlsx\n'
    )
    after, _ = _store_state(store_path)
    assert after["backlog"] == before["backlog"] + rows
    assert run.peak_mb < ACCEPTED_PEAK_MB
