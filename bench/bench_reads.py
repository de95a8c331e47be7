"""Read timings of the loaders on SQLite: load_table for each table of a store holding the demo
council, and of the backlog with many rows (inserted directly, not imported).

Builds scratch stores under --folder (kept for reuse), then for each size runs one fresh
process that loads every table --repeats times and reports the median seconds per table and
the process's peak resident memory (KB).

Usage: python bench/bench_reads.py [--rows 0,150000,2200000] [--repeats 3] [--folder DIR] [--json F]
       python bench/bench_reads.py --smoke [--json F]  (2,000 extra rows, 1 repeat, temp folder)
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from sqlalchemy import insert  # noqa: E402

from data_access import schema  # noqa: E402
from data_access.sample_data import load_sample_data  # noqa: E402
from data_access.store import Store  # noqa: E402

MEASURES = (
    "waiting_review",
    "waiting_ot_assessment",
    "reviews_completed",
    "overdue_annual_reviews",
)
BANDS = ("High", "Medium", "Low")
MONTHS = [date(2015 + (3 + m) // 12, (3 + m) % 12 + 1, 1) for m in range(120)]
CHUNK = 50_000
DEFAULT_ROWS = "0,150000,2200000"


def _backlog_rows(count: int):
    """``count`` backlog rows shaped like bench/generate_national.py's (teams x bands x months)."""
    loaded_at = datetime(2025, 3, 31, 9, 0, tzinfo=UTC)
    n = 0
    team = 0
    while True:
        for measure in MEASURES:
            for band in BANDS:
                for i, month in enumerate(MONTHS):
                    if n == count:
                        return
                    n += 1
                    yield {
                        "measure": measure,
                        "month": month,
                        "team": f"Team {team:05d}",
                        "priority_band": band,
                        "value": (team * 7 + i * 3) % 400,
                        "target": None if measure == "reviews_completed" else 200,
                        "source": "bench",
                        "source_kind": "system",
                        "as_at": date(2025, 3, 31),
                        "basis": "illustrative",
                        "loaded_by": "bench",
                        "loaded_at": loaded_at,
                        "version": 1,
                    }
        team += 1


def build(path: Path, rows: int) -> Path:
    if path.exists():
        return path
    store = Store("sqlite:///" + str(path.resolve()))
    store.upgrade()
    load_sample_data(store)
    batch = []
    with store.engine.begin() as conn:
        for row in _backlog_rows(rows):
            batch.append(row)
            if len(batch) == CHUNK:
                conn.execute(insert(schema.backlog), batch)
                batch = []
        if batch:
            conn.execute(insert(schema.backlog), batch)
    store.dispose()
    return path


def measure(path: Path, repeats: int) -> dict:
    from data_access.loaders import load_table

    store = Store("sqlite:///" + str(path.resolve()))
    times = {}
    for name in schema.metadata.tables:
        runs, cpu = [], []
        for _ in range(repeats):
            started, started_cpu = time.perf_counter(), time.process_time()
            frame = load_table(store, name)
            runs.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        times[name] = {
            "rows": frame.height,
            "median_s": round(statistics.median(runs), 4),
            "median_cpu_s": round(statistics.median(cpu), 4),
        }
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"tables": times, "peak_rss_kb": rss}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default=DEFAULT_ROWS, help="extra backlog rows per store")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--folder", type=Path, default=BENCH / "out" / "reads")
    parser.add_argument("--json", type=Path, help="write the results here too")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--smoke", action="store_true", help="the same steps on small stores in a temporary folder"
    )
    args = parser.parse_args()
    if args.smoke:
        with tempfile.TemporaryDirectory() as folder:
            run(args.rows if args.rows != DEFAULT_ROWS else "0,2000", 1, Path(folder), args.json)
        return
    if args.measure:
        print(json.dumps(measure(args.measure, args.repeats)))
        return
    run(args.rows, args.repeats, args.folder, args.json)


def run(rows_list: str, repeats: int, folder: Path, json_file: Path | None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    results = {}
    for rows in (int(r) for r in rows_list.split(",")):
        path = build(folder / f"reads_{rows}.sqlite3", rows)
        out = subprocess.run(
            [sys.executable, __file__, "--measure", str(path), "--repeats", str(repeats)],
            check=True,
            capture_output=True,
            text=True,
        )
        results[rows] = json.loads(out.stdout)
        tables = results[rows]["tables"]
        backlog = tables["backlog"]
        print(
            f"{rows:>9} extra backlog rows: backlog {backlog['rows']} rows "
            f"{backlog['median_s']} s ({backlog['median_cpu_s']} s CPU); all tables "
            f"{sum(t['median_s'] for t in tables.values()):.3f} s "
            f"({sum(t['median_cpu_s'] for t in tables.values()):.3f} s CPU); "
            f"peak RSS {results[rows]['peak_rss_kb'] / 1024:.0f} MB",
            flush=True,
        )
    if json_file:
        json_file.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
