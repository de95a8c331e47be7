"""Store benchmark at national scale, on SQLite and PostgreSQL. Run on demand, not under pytest.

For each database it measures, through the public API only:

(a) one council's full import (every dataset through ``import_file``, in ``LOAD_ORDER``) into
    an empty, migrated store: median of ``--repeats`` runs, each on a fresh store;
(b) the whole national set loaded into one fresh store, council by council, dataset by
    dataset through ``import_file`` (progress printed), with the total time;
(c) reads of the national store into polars: ``load_table`` for every table and
    ``savings_frame`` / ``actions_frame``, median of 3, in a fresh child process;
(d) peak memory: ``ru_maxrss`` of the importing process and of the reading process, and the
    tracemalloc peak of each read (Python allocations only: Arrow/polars buffers live outside
    Python's allocator, so the frame sizes are printed beside it).

Targets: one council's import < 2 s; loading any dataset of the national set < 1 s.
Databases it creates (SQLite files in a temporary folder, PostgreSQL databases named
``ascgov_bench_*``) are removed at the end, also on failure or Ctrl-C.

Usage: ``python bench/bench_store.py [--db sqlite|postgresql|both] [--councils N]``
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

import generate_national  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from data_access import schema  # noqa: E402
from data_access.datasets import LOAD_ORDER  # noqa: E402
from data_access.frames import actions_frame, savings_frame  # noqa: E402
from data_access.importer import import_file  # noqa: E402
from data_access.loaders import load_table  # noqa: E402
from data_access.store import Store  # noqa: E402

PG_ADMIN_URL = os.environ.get(
    "ASCGOV_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
ACTOR = "bench:national"
IMPORT_TARGET_S = 1.99  # "< 2 s"
LOAD_TARGET_S = 0.99  # "< 1 s"
# tables that are not datasets: the history and the administration tables
NOT_DATASETS = ("audit_events", "dataset_versions", "users", "user_scopes", "sign_in_attempts", "sign_in_sources", "app_settings")
FRAMES: dict[str, Callable] = {"savings_frame": savings_frame, "actions_frame": actions_frame}


# stores ------------------------------------------------------------------------------------


def _ddl(statement: str, **names: str):
    """DDL naming databases (identifiers cannot be bound parameters): names must be plain."""
    for value in names.values():
        if not re.fullmatch(r"[a-z0-9_]+", value):
            raise ValueError(f"unsafe database name {value!r}")
    return text(statement.format(**names))


class Stores:
    """Creates empty migrated stores of one kind, and removes every one of them at the end."""

    def __init__(self, kind: str, pg_admin_url: str):
        self.kind = kind
        self.made: list[str] = []
        self.folder: Path | None = None
        self.template: str | None = None
        self.admin = None
        if kind == "sqlite":
            self.folder = Path(tempfile.mkdtemp(prefix="ascgov_bench_"))
        else:
            self.admin = create_engine(
                pg_admin_url.replace("postgresql://", "postgresql+psycopg://", 1),
                isolation_level="AUTOCOMMIT",
            )
            # one migrated template; each store is a copy of it (much faster than migrating)
            self.template = self._create_pg(template=None)
            store = Store(self._pg_url(self.template))
            store.upgrade()
            store.dispose()

    def _pg_url(self, name: str) -> str:
        return str(self.admin.url.set(database=name).render_as_string(hide_password=False))

    def _create_pg(self, template: str | None) -> str:
        name = f"ascgov_bench_{uuid.uuid4().hex[:10]}"
        clause = ' TEMPLATE "{template}"' if template else ""
        with self.admin.connect() as conn:
            conn.execute(_ddl('CREATE DATABASE "{name}"' + clause, name=name,
                              template=template or "none"))
        self.made.append(name)
        return name

    def new(self) -> Store:
        if self.kind == "sqlite":
            path = self.folder / f"store_{len(self.made)}.sqlite3"
            self.made.append(str(path))
            store = Store("sqlite:///" + str(path.resolve()))
            store.upgrade()
            return store
        return Store(self._pg_url(self._create_pg(self.template)))

    def adbc_url(self, store: Store) -> str:
        return store.url

    def close(self) -> None:
        if self.kind == "sqlite":
            shutil.rmtree(self.folder, ignore_errors=True)
            return
        with self.admin.connect() as conn:
            for name in self.made:
                conn.execute(_ddl('DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', name=name))
        self.admin.dispose()


# import ------------------------------------------------------------------------------------


def council_files(folder: Path) -> list[tuple[str, Path]]:
    return [(d, folder / f"{d}.csv") for d in LOAD_ORDER if (folder / f"{d}.csv").is_file()]


def import_council(store: Store, folder: Path) -> dict[str, float]:
    """Import every dataset of one council in LOAD_ORDER; seconds per dataset."""
    times = {}
    for dataset, path in council_files(folder):
        started = time.perf_counter()
        import_file(store, dataset, path, actor=ACTOR)
        times[dataset] = time.perf_counter() - started
    return times


def bench_one_council(stores: Stores, folder: Path, repeats: int) -> dict:
    runs = []
    for _ in range(repeats):
        store = stores.new()
        try:
            runs.append(import_council(store, folder))
        finally:
            store.dispose()
    totals = [sum(r.values()) for r in runs]
    median_run = runs[totals.index(sorted(totals)[len(totals) // 2])]
    return {
        "council": folder.name,
        "totals": totals,
        "median": statistics.median(totals),
        "per_dataset": median_run,
    }


_WORKER_STORE: Store | None = None


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _import_in_worker(url: str, folder: Path) -> tuple[float, float]:
    global _WORKER_STORE
    if _WORKER_STORE is None:
        _WORKER_STORE = Store(url)
    return sum(import_council(_WORKER_STORE, folder).values()), _peak_rss_mb()


def _council_times(store: Store, folders: list[Path], jobs: int) -> Iterator[tuple[float, float]]:
    """(seconds, peak RSS MB of the importing process) per council, in order; ``jobs`` at once."""
    if jobs <= 1:
        for folder in folders:
            yield sum(import_council(store, folder).values()), _peak_rss_mb()
        return
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield from pool.map(_import_in_worker, [store.url] * len(folders), folders)


def bench_national(store: Store, folders: list[Path], jobs: int = 1) -> dict:
    started = time.perf_counter()
    council_times = []
    rss_mb = _peak_rss_mb()
    for index, (seconds, rss) in enumerate(_council_times(store, folders, jobs), start=1):
        council_times.append(seconds)
        rss_mb = max(rss_mb, rss)
        if index % 10 == 0 or index == len(folders):
            elapsed = time.perf_counter() - started
            recent = council_times[-10:]
            print(
                f"    {index:>3}/{len(folders)} councils  {elapsed:7.1f} s elapsed  "
                f"last 10: {statistics.mean(recent):.2f} s a council",
                flush=True,
            )
    return {
        "total": time.perf_counter() - started,
        "first": council_times[0],
        "last": council_times[-1],
        "median": statistics.median(council_times),
        "max": max(council_times),
        "rss_mb": rss_mb,  # the largest of the importing processes
    }


# reads (in a child process, so that its peak memory is the reads' alone) ---------------------


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure_reads(url: str, repeats: int = 3) -> dict:
    store = Store(url)
    readers: dict[str, Callable] = {
        name: (lambda n=name: load_table(store, n)) for name in schema.metadata.tables
    }
    readers.update({name: (lambda f=f: f(store)) for name, f in FRAMES.items()})
    # not a target: a table as it stood on a day is rebuilt from the audit history
    readers["savings_frame as_at"] = lambda: savings_frame(store, date.today())
    results = {}
    for name, read in readers.items():
        times, cpu = [], []
        for _ in range(repeats):
            started, started_cpu = time.perf_counter(), _cpu_seconds()
            frame = read()
            times.append(time.perf_counter() - started)
            cpu.append(_cpu_seconds() - started_cpu)
        results[name] = {
            "rows": frame.height,
            "median": statistics.median(times),
            "cpu": statistics.median(cpu),
            "times": times,
            "frame_mb": frame.estimated_size() / 2**20,
        }
        del frame
    rss_after_timing = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # tracemalloc slows Python allocations down: a separate pass, not timed
    for name, read in readers.items():
        tracemalloc.start()
        frame = read()
        results[name]["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        del frame
    store.dispose()
    return {"reads": results, "rss_mb": rss_after_timing}


def reads_in_child(url: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--reads-of", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


# report ------------------------------------------------------------------------------------


def _load() -> str:
    """The machine's load average (1, 5, 15 min): other work on it slows every figure."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def print_report(kind: str, one: dict, national: dict | None, reads: dict | None) -> None:
    print(f"\n== {kind}: results")
    print(
        f"  (a) one council ({one['council']}) into an empty store: median "
        f"{one['median']:.2f} s of {', '.join(f'{t:.2f}' for t in one['totals'])}   "
        f"target < 2 s: {verdict(one['median'] <= IMPORT_TARGET_S)}"
    )
    print("      " + ", ".join(f"{d} {t:.3f} s" for d, t in one["per_dataset"].items()))
    if national:
        print(
            f"  (b) national set: {national['total']:.1f} s ({national['councils']} councils, "
            f"{national['jobs']} at a time; a council: first {national['first']:.2f} s, "
            f"median {national['median']:.2f} s, last {national['last']:.2f} s, "
            f"slowest {national['max']:.2f} s)"
        )
    if reads:
        print("  (c) reads of the national store into polars (median of 3; CPU = this process)")
        print(
            f"      {'read':<20} {'rows':>10} {'wall s':>7} {'CPU s':>6} {'frame MB':>9} "
            f"{'tracemalloc MB':>15}  target < 1 s"
        )
        for name, r in reads["reads"].items():
            if name in NOT_DATASETS:
                target = "n/a (not a dataset)"
            elif name.endswith("as_at"):
                target = "n/a (history)"
            else:
                target = verdict(r["median"] <= LOAD_TARGET_S)
            print(
                f"      {name:<20} {r['rows']:>10,} {r['median']:>7.2f} {r['cpu']:>6.2f} "
                f"{r['frame_mb']:>9.1f} {r['tracemalloc_peak_mb']:>15.2f}  {target}"
            )
        print(
            f"  (d) peak RSS (ru_maxrss): importing process {national['rss_mb']:.0f} MB, "
            f"reads {reads['rss_mb']:.0f} MB (a fresh process that only reads)"
        )


def run(
    kind: str, folders: list[Path], repeats: int, pg_admin_url: str, national: bool, jobs: int
) -> dict:
    print(f"\n== {kind} (load average {_load()})", flush=True)
    stores = Stores(kind, pg_admin_url)
    try:
        print(f"  (a) one council, {repeats} times into an empty store ...", flush=True)
        one = bench_one_council(stores, folders[0], repeats)
        result = {"one": one, "national": None, "reads": None}
        if national:
            print(f"  (b) {len(folders)} councils into one store, {jobs} at a time ...", flush=True)
            store = stores.new()
            try:
                result["national"] = {
                    **bench_national(store, folders, jobs),
                    "councils": len(folders),
                    "jobs": jobs,
                }
                url = store.url
            finally:
                store.dispose()
            print("  (c) reads, in a fresh process ...", flush=True)
            result["reads"] = reads_in_child(url)
        print_report(kind, one, result["national"], result["reads"])
        print(f"  load average now {_load()}", flush=True)
        return result
    finally:
        stores.close()


def ensure_data(out: Path, councils: int, seed: int) -> list[Path]:
    chosen = [code for code, _ in generate_national.councils(councils)]
    manifest = out / "MANIFEST.txt"
    have = manifest.read_text(encoding="utf-8").split() if manifest.is_file() else []
    fresh = have[:2] == ["seed", str(seed)] and all(
        (out / c / "backlog.csv").is_file() for c in chosen
    )
    if not fresh:
        print(f"generating {councils} councils under {out} ...", flush=True)
        generate_national.generate(councils, out, seed)
    return [out / code for code in chosen]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--councils", type=int, default=153, help="councils in the national set")
    parser.add_argument("--repeats", type=int, default=3, help="runs of the one-council import")
    parser.add_argument("--data", type=Path, default=generate_national.DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=generate_national.DEFAULT_SEED)
    parser.add_argument("--pg-url", default=PG_ADMIN_URL, help="PostgreSQL server (admin URL)")
    parser.add_argument(
        "--skip-national", action="store_true", help="only (a): one council's import"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="councils imported at once in (b), each by its own process (default 2)",
    )
    parser.add_argument("--reads-of", help=argparse.SUPPRESS)  # child mode: reads of a store
    args = parser.parse_args(argv)
    if args.reads_of:
        print(json.dumps(measure_reads(args.reads_of)))
        return
    folders = ensure_data(args.data, args.councils, args.seed)
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    print(f"machine: {os.cpu_count()} cores; {len(folders)} councils from {args.data}")
    started = time.perf_counter()
    for kind in kinds:
        run(kind, folders, args.repeats, args.pg_url, not args.skip_national, args.jobs)
    print(f"\nwhole benchmark: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
