"""Case-level benchmark: a 100,000-person census extract and a 1M-row CLD file, read, validated,
derived and committed, beside polars' bare ``read_csv`` and a pandas implementation of the same
derivations (``bench/pandas_cases.py``, its figures checked equal). Run on demand, not under
pytest; one run prints everything.

The files come from ``data_access.synthetic_cases`` (the census with 100,000 people with support;
the CLD events of the default 25,000-person council, about 1M rows), written to a temporary folder
by ``bench/generate_cases.py`` in a process of its own: generating the 1M-row council holds it
whole, which is no part of any step measured, so it stays out of the peak memory reported here.

Each step is timed on the clock (the figure the targets are about) and in CPU seconds of this
process, all its threads (``_cpu``): on a shared machine the clock also counts other people's
work, while the CPU seconds say what the step itself costs.

Targets (issue 12): 1M CLD rows under 10 s; at least 3x faster than pandas; within 2x of polars'
bare ``read_csv`` of the same file; peak memory under 2 GB.

Usage: ``python bench/bench_cases.py [--people 100000] [--cld-people 25000]
[--pg-url URL] [--json FILE] [--smoke]`` (``--smoke``: 2,000 and 1,000 people, for the tests).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
# the 100,000-person census is about 29 MB, over the app's default 20 MB upload limit; the
# 1M-row CLD file (484 MB, about 50 columns) is over the row and cell limits too
os.environ.setdefault("ASCGOV_MAX_IMPORT_BYTES", str(1024 * 1024 * 1024))
os.environ.setdefault("ASCGOV_MAX_IMPORT_ROWS", str(2_000_000))
os.environ.setdefault("ASCGOV_MAX_IMPORT_CELLS", str(200_000_000))
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

import pandas as pd  # noqa: E402
import pandas_cases  # noqa: E402
import polars as pl  # noqa: E402
import record  # noqa: E402
from bench_store import PG_ADMIN_URL, Stores  # noqa: E402
from polars.testing import assert_frame_equal  # noqa: E402

from bench.generate_cases import CENSUS_FILE, CLD_FILE, read_census  # noqa: E402
from dashboard.domain import cld  # noqa: E402
from dashboard.domain.review_clock import (  # noqa: E402
    CENSUS_COLUMNS,
    ot_waits,
    review_clock,
    waiting_lists,
)
from data_access.importer import import_file  # noqa: E402
from data_access.loaders import cld_events_frame  # noqa: E402
from data_access.synthetic_cases import EXTRACT_DATE, events_as_stored  # noqa: E402
from tests.conftest import DIRECTOR  # noqa: E402

CLD_READ = {
    "LA_Person_Unique_Identifier": pl.String,
    "Client_Type": pl.String,
    "Date_of_Birth": pl.Date,
    "Event_Type": pl.String,
    "Event_Reference": pl.String,
    "Event_Start_Date": pl.Date,
    "Event_End_Date": pl.Date,
    "Event_Outcome": pl.String,
    "Service_Type": pl.String,
    "Review_Reason": pl.String,
    "Team": pl.String,
}
TARGET_CLD_S, TARGET_PANDAS, TARGET_BARE, TARGET_MB = 10.0, 3.0, 2.0, 2048


def timed(fn, *args, **kwargs):
    result, seconds, _ = clocked(fn, *args, **kwargs)
    return result, seconds


def clocked(fn, *args, **kwargs):
    """``fn``'s result, its seconds on the clock and its CPU seconds (this process, every
    thread: polars works on both cores)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - started, time.process_time() - cpu


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


# polars: the dashboard's own code --------------------------------------------------------------


def derive_census(path: Path) -> dict:
    census = read_census(path)
    bands = review_clock(census)["band"].value_counts().sort("band")
    return {
        "bands": bands.select(pl.col("band").cast(pl.String), pl.col("count").cast(pl.Int64)).sort(
            "band"
        ),
        "waiting": waiting_lists(census).row(0, named=True),
        "ot": ot_waits(census).row(0, named=True),
    }


def derive_cld(path: Path) -> dict:
    raw = pl.read_csv(path, columns=list(CLD_READ), schema_overrides=CLD_READ)
    events = events_as_stored(raw)
    return {
        "waits": cld.dhsc_waits(events),
        "reviews": cld.reviews_per_month(events),
        "coverage": cld.review_coverage(events, EXTRACT_DATE),
    }


def derive_stored(store) -> dict:
    """The CLD figures as the pages make them: the events read from the store, then derived."""
    events = cld_events_frame(store)
    return {
        "waits": cld.dhsc_waits(events),
        "reviews": cld.reviews_per_month(events),
        "coverage": cld.review_coverage(events, EXTRACT_DATE),
    }


# pandas: the same derivations, straightforwardly ----------------------------------------------


def pandas_census(path: Path) -> dict:
    dates = [c for c, t in CENSUS_COLUMNS.items() if t == pl.Date()]
    census = pd.read_csv(path, usecols=list(CENSUS_COLUMNS), parse_dates=dates)
    counts = pandas_cases.band_counts(census)
    return {
        "bands": pl.from_pandas(counts)
        .sort("band")
        .rename({"people": "count"})
        .with_columns(pl.col("count").cast(pl.Int64)),
        "waiting": pandas_cases.waiting(census),
        "ot": pandas_cases.ot(census),
    }


def pandas_cld(path: Path) -> dict:
    dates = ["Date_of_Birth", "Event_Start_Date", "Event_End_Date"]
    raw = pd.read_csv(path, usecols=list(CLD_READ), parse_dates=dates)
    start, born = raw["Event_Start_Date"], raw["Date_of_Birth"]
    before = start.dt.month * 100 + start.dt.day < born.dt.month * 100 + born.dt.day
    events = pd.DataFrame(
        {
            "person_id": raw["LA_Person_Unique_Identifier"],
            "client_type": raw["Client_Type"],
            "age_at_event": start.dt.year - born.dt.year - before.astype(int),
            "event_type": raw["Event_Type"],
            "event_reference": raw["Event_Reference"],
            "event_start_date": start,
            "event_end_date": raw["Event_End_Date"],
            "event_outcome": raw["Event_Outcome"],
            "service_type": raw["Service_Type"],
            "review_reason": raw["Review_Reason"],
            "team": raw["Team"],
        }
    )
    return {
        "waits": pandas_cases.dhsc_waits(events),
        "reviews": pandas_cases.reviews_per_month(events),
    }


def check_equal(ours: dict, theirs: dict) -> None:
    """The pandas figures are the polars ones (raises AssertionError otherwise)."""
    if "bands" in theirs:
        assert_frame_equal(ours["bands"], theirs["bands"])
        assert ours["waiting"] == theirs["waiting"]
        assert ours["ot"] == theirs["ot"]
        return
    waits = pl.from_pandas(theirs["waits"]).with_columns(
        pl.col("quarter_start").cast(pl.Date), pl.col("waits").cast(pl.Int64)
    )
    assert_frame_equal(ours["waits"], waits)
    kinds = (cld.PLANNED, cld.UNPLANNED, cld.NOT_STATED, "total")
    reviews = pl.from_pandas(theirs["reviews"]).with_columns(
        pl.col("month").cast(pl.Date), pl.col(kinds).cast(pl.Int64)
    )
    assert_frame_equal(ours["reviews"], reviews)


# the store -------------------------------------------------------------------------------------


def commit(kind: str, pg_url: str, dataset: str, path: Path) -> dict[str, float] | str:
    """Dry run, apply and the same file applied again on a fresh migrated store: seconds on
    the clock and in CPU of each (``dry_run_s``, ``dry_run_cpu_s``, ...), or why not."""
    try:
        stores = Stores(kind, pg_url)
    except Exception as error:  # noqa: BLE001 - a missing server is reported, not raised
        return f"not reachable ({type(error).__name__})"
    figures: dict[str, float] = {}
    try:
        store = stores.new()
        _, *dry = clocked(import_file, store, dataset, path, actor=DIRECTOR, dry_run=True)
        report, *applied = clocked(import_file, store, dataset, path, actor=DIRECTOR)
        assert report.inserted == report.rows, report
        if dataset == "cld":
            _, *derived = clocked(derive_stored, store)
            figures["read_back_s"], figures["read_back_cpu_s"] = derived
        again, *reapplied = clocked(import_file, store, dataset, path, actor=DIRECTOR)
        assert (again.inserted, again.updated, again.unchanged) == (0, 0, report.rows), again
        store.dispose()
        for step, (seconds, cpu) in zip(STEPS, (dry, applied, reapplied), strict=True):
            figures[f"{step}_s"], figures[f"{step}_cpu_s"] = seconds, cpu
        return figures
    finally:
        stores.close()


STEPS = ("dry_run", "apply", "again")


def generate_files(args, folder: Path) -> dict[str, Path]:
    """The census and the CLD file, written by ``generate_cases`` in a process of its own."""
    runs = {
        "census": (folder / "census", ["--people", str(args.people), "--no-cld"]),
        "cld": (folder / "cld", ["--people", str(args.cld_people)]),
    }
    for out, options in runs.values():
        command = [sys.executable, "-m", "bench.generate_cases", "--out", str(out), *options]
        subprocess.run(command, check=True, cwd=BENCH.parent, stdout=subprocess.DEVNULL)
    return {"census": folder / "census" / CENSUS_FILE, "cld": folder / "cld" / CLD_FILE}


def _rows(path: Path) -> int:
    return pl.scan_csv(path).select(pl.len()).collect().item()


def run(args, folder: Path) -> dict[str, float]:
    figures: dict[str, float] = {}
    rows, made = timed(generate_files, args, folder)
    print(
        f"generated (in a process of its own, {made:.1f} s): census {_rows(rows['census']):,} "
        f"rows; CLD {_rows(rows['cld']):,} rows ({rows['cld'].stat().st_size / 1e6:.0f} MB)"
    )

    def measure(name: str, fn, *fn_args):
        result, figures[f"{name}_s"], figures[f"{name}_cpu_s"] = clocked(fn, *fn_args)
        return result

    pl.read_csv(rows["census"])  # once before timing: polars' first read sets up its threads
    for name, path in rows.items():
        measure(f"{name}.bare_read", pl.read_csv, path)
    derive_census(rows["census"])  # once before timing: the first read of a file warms it
    ours_census = measure("census.read_derive", derive_census, rows["census"])
    ours_cld = measure("cld.read_derive", derive_cld, rows["cld"])
    for kind in ("sqlite", "postgresql"):
        for name, dataset in (("census", "cases"), ("cld", "cld")):
            result = commit(kind, args.pg_url, dataset, rows[name])
            if isinstance(result, str):
                print(f"{kind}: {result}")
                continue
            figures.update({f"{name}.{kind}.{step}": v for step, v in result.items()})
    figures["peak_polars_mb"] = peak_mb()
    theirs_census = measure("census.pandas", pandas_census, rows["census"])
    check_equal(ours_census, theirs_census)
    theirs_cld = measure("cld.pandas", pandas_cld, rows["cld"])
    check_equal(ours_cld, theirs_cld)
    print(
        "pandas figures equal to polars: census (bands, waiting lists, OT) and CLD (DHSC waits, "
        "reviews per month): equal"
    )
    figures["peak_with_pandas_mb"] = peak_mb()
    report(figures, ours_cld["coverage"])
    return figures


def _cell(f: dict[str, float], name: str) -> str:
    """A step's seconds on the clock and in CPU, or n/a."""
    if f"{name}_s" not in f:
        return f"{'n/a':>16}"
    return f"{f[f'{name}_s']:>7.2f}s ({f[f'{name}_cpu_s']:>5.1f})"


def report(f: dict[str, float], coverage) -> None:
    print(f"\n{'step (seconds; in brackets CPU seconds)':48} {'census':>16} {'CLD':>16}")
    lines = [
        ("polars bare read_csv (all columns)", "bare_read"),
        ("read + derive (polars, the dashboard code)", "read_derive"),
        ("read + derive (pandas)", "pandas"),
    ]
    labels = {
        "dry_run": "parse+validate (importer dry run)",
        "apply": "commit (importer apply, empty store)",
        "again": "same file again (writes nothing)",
    }
    for kind in ("sqlite", "postgresql"):
        lines += [(f"{labels[step]}, {kind}", f"{kind}.{step}") for step in STEPS]
        lines.append((f"events read back + derived, {kind}", f"{kind}.read_back"))
    for label, name in lines:
        print(f"{label:48} {_cell(f, f'census.{name}')} {_cell(f, f'cld.{name}')}")

    def ratio(over: str, under: str, unit: str = "_s") -> str:
        return (
            f"census {f[f'census.{over}{unit}'] / f[f'census.{under}{unit}']:.1f}x, "
            f"CLD {f[f'cld.{over}{unit}'] / f[f'cld.{under}{unit}']:.1f}x"
        )

    print(
        f"\nfaster than pandas: {ratio('pandas', 'read_derive')} (target >= {TARGET_PANDAS:.0f}x;"
        f" in CPU seconds {ratio('pandas', 'read_derive', '_cpu_s')})"
    )
    print(
        f"read + derive over bare read_csv: {ratio('read_derive', 'bare_read')} "
        f"(target <= {TARGET_BARE:.0f}x)"
    )
    print(
        f"CLD rows read + derived: {f['cld.read_derive_s']:.1f} s "
        f"(target for 1M rows < {TARGET_CLD_S:.0f} s)"
    )
    bare = f["cld.bare_read_s"]
    for kind in ("sqlite", "postgresql"):
        if f"cld.{kind}.apply_s" in f:
            print(
                f"CLD import, {kind}: dry run {f[f'cld.{kind}.dry_run_s']:.1f} s, apply "
                f"{f[f'cld.{kind}.apply_s']:.1f} s (target for 1M rows < {TARGET_CLD_S:.0f} s); "
                f"over bare read_csv: dry run {f[f'cld.{kind}.dry_run_s'] / bare:.1f}x, apply "
                f"{f[f'cld.{kind}.apply_s'] / bare:.1f}x"
            )
            print(
                f"CLD file to figures, {kind}: import {f[f'cld.{kind}.apply_s']:.1f} s + events "
                f"read back and derived {f[f'cld.{kind}.read_back_s']:.1f} s = "
                f"{f[f'cld.{kind}.apply_s'] + f[f'cld.{kind}.read_back_s']:.1f} s"
            )
    print(
        f"peak memory (ru_maxrss): {f['peak_polars_mb']:.0f} MB before pandas, "
        f"{f['peak_with_pandas_mb']:.0f} MB with it (target < {TARGET_MB} MB)"
    )
    print(
        f"long-term clients at {EXTRACT_DATE}: {coverage.clients:,}, reviewed in 12 months "
        f"{coverage.reviewed:,}"
    )
    print(f"load average: {record.load_average()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--cld-people", type=int, default=25_000)
    parser.add_argument("--pg-url", default=PG_ADMIN_URL)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--smoke", action="store_true", help="a small council: every step, in seconds (tests)"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.people, args.cld_people = 2_000, 1_000
    with tempfile.TemporaryDirectory(prefix="ascgov_bench_cases_") as folder:
        figures = run(args, Path(folder))
    record.save(args.json, "bench_cases", figures, run_on=date.today().isoformat())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
