"""Import benchmark: a savings file's dry run and apply through the Load a file page's code path
(``data_access.importer.import_file``, the same call ``ascgov import`` makes), beside polars'
bare ``read_csv`` of the same file. Run on demand, not under pytest.

The file is built from the national set's savings files (``bench/generate_national.py``):
the councils' lines one after another, then again under new codes, cut to ``--rows``. Each size
is measured on a fresh SQLite store holding the demo council; the dry run first (nothing
written), then the apply (one transaction, with its audit events).

Target (issue 11): the 280,000-row dry run within 20x polars' ``read_csv`` of the same file,
measured side by side here (about 3 s), and a 10,000-row dry run under 1 s. Each is timed in a
process that has already previewed a small file, as the dashboard's server has (its imports,
the models' validators and polars' first query are paid once per process, not per upload); the
ratio is printed for every size.

Usage: ``python bench/bench_import.py [--rows 10000 280000] [--json FILE] [--smoke]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

import generate_national  # noqa: E402
import polars as pl  # noqa: E402
import record  # noqa: E402

from data_access.demo_accounts import demo_principals  # noqa: E402
from data_access.importer import import_file  # noqa: E402
from data_access.sample_data import load_sample_data  # noqa: E402
from data_access.store import Store  # noqa: E402

TARGET_RATIO = 20
TARGET_SMALL_S = 1.0
SMALL = 10_000


def savings_file(data: Path, rows: int, folder: Path) -> Path:
    """``rows`` savings rows in one CSV, from the national set's councils (repeated under new
    codes when the councils hold fewer)."""
    councils = sorted(data.glob("*/savings.csv"))
    if not councils:
        raise SystemExit(f"no savings files under {data}: run bench/generate_national.py first")
    lines = pl.concat([pl.read_csv(f, infer_schema_length=0) for f in councils])
    copies, round_ = [lines], 1
    while sum(c.height for c in copies) < rows:
        copies.append(lines.with_columns(pl.col("code") + f"-R{round_}"))
        round_ += 1
    path = folder / f"savings-{rows}.csv"
    pl.concat(copies).head(rows).write_csv(path)
    return path


def fresh_store(folder: Path, name: str) -> Store:
    store = Store("sqlite:///" + str(folder / f"{name}.sqlite3"))
    store.upgrade()
    load_sample_data(store)
    return store


def measure(path: Path, folder: Path) -> dict[str, float]:
    director = next(p for p in demo_principals() if p.role.value == "director")
    started = time.perf_counter()
    pl.read_csv(path)
    bare = time.perf_counter() - started
    store = fresh_store(folder, path.stem)
    started = time.perf_counter()
    import_file(store, "savings", path, actor=director, dry_run=True)
    dry = time.perf_counter() - started
    started = time.perf_counter()
    report = import_file(store, "savings", path, actor=director)
    applied = time.perf_counter() - started
    store.dispose()
    return {
        "read_csv_s": bare,
        "dry_run_s": dry,
        "apply_s": applied,
        "dry_run_x_read_csv": dry / bare,
        "rows_written": report.inserted + report.updated,
    }


def warm_up(data: Path, folder: Path) -> None:
    """One preview of a small file, as a running server has made before any upload timed."""
    director = next(p for p in demo_principals() if p.role.value == "director")
    path = savings_file(data, 100, folder)
    import_file(fresh_store(folder, "warm"), "savings", path, actor=director, dry_run=True)


def main() -> None:
    # the 280,000-row file (76 MB) is over the default upload limits, which are settings
    os.environ.setdefault("ASCGOV_MAX_IMPORT_BYTES", str(200 * 1024 * 1024))
    os.environ.setdefault("ASCGOV_MAX_IMPORT_ROWS", "1000000")
    os.environ.setdefault("ASCGOV_MAX_IMPORT_CELLS", "50000000")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[SMALL, 280_000])
    parser.add_argument("--data", type=Path, default=BENCH / "out" / "national")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--smoke", action="store_true", help="1 council, 500 rows, no targets")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        data = args.data
        if args.smoke:
            data = folder / "national"
            generate_national.generate(1, data, generate_national.DEFAULT_SEED)
            args.rows = [500]
        figures: dict[str, float] = {}
        warm_up(data, folder)
        print(f"load average at start {record.load_average()}")
        print(
            f"{'rows':>9}  {'MB':>6}  {'read_csv s':>10}  {'dry run s':>9}  {'x bare':>6}  "
            f"{'apply s':>7}  verdict"
        )
        for rows in args.rows:
            path = savings_file(data, rows, folder)
            found = measure(path, folder)
            size = path.stat().st_size / 1e6
            figures |= {f"{rows}.{name}": value for name, value in found.items()}
            if rows <= SMALL:
                met = found["dry_run_s"] < TARGET_SMALL_S
            else:
                met = found["dry_run_x_read_csv"] <= TARGET_RATIO
            verdict = "-" if args.smoke else ("ok" if met else "MISSED")
            print(
                f"{rows:>9,}  {size:>6.1f}  {found['read_csv_s']:>10.3f}  "
                f"{found['dry_run_s']:>9.2f}  {found['dry_run_x_read_csv']:>6.0f}  "
                f"{found['apply_s']:>7.2f}  {verdict}"
            )
        print(f"load average at end {record.load_average()}")
        record.save(args.json, "bench_import", figures, rows=args.rows)


if __name__ == "__main__":
    main()
