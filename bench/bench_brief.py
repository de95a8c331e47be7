"""Briefing pack benchmark: how long ``ascgov brief`` takes to make a pack, for the demo council
and for the largest council of the synthetic national dataset. Target: under 10 s.

Each pack is made as the CLI makes it (``dashboard.briefing.make.make``: read the store as at the
day, build the sections, draw the charts in one browser, lay out the PDF or Word file), in PDF
and in Word, with the Debian chromium and without a browser (tables in place of charts).
The packs are written to ``bench/out/brief/`` (git-ignored) for a look.

Usage: ``.venv/bin/python bench/bench_brief.py [--repeats 3] [--national DIR] [--smoke]
[--json FILE]``. ``--smoke`` makes one pack per council, each in one of the formats (the demo
council's in PDF, the other's in Word), once, without a browser (tables in place of charts) and
without waiting for a quiet machine, the "largest" council taken from one generated council, all
in a temporary folder: the test suite runs it so that a broken benchmark fails a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

import generate_national  # noqa: E402
import record  # noqa: E402
from bench_store import import_council  # noqa: E402

from dashboard.briefing import images, make  # noqa: E402
from data_access import days  # noqa: E402
from data_access.sample_data import load_sample_data  # noqa: E402
from data_access.store import Store  # noqa: E402

TARGET_S = 10.0
OUT = BENCH / "out" / "brief"
NATIONAL = generate_national.DEFAULT_OUT
SMOKE_COUNCILS = 1
# between them the two packs walk both layouts; the large council's PDF is the slowest pack
SMOKE_FORMATS = {"demo": ("pdf",), "largest": ("docx",)}


def _store(folder: Path, name: str) -> Store:
    store = Store("sqlite:///" + str((folder / f"{name}.sqlite3").resolve()))
    store.upgrade()
    return store


def demo_store(folder: Path) -> Store:
    store = _store(folder, "demo")
    load_sample_data(store)
    store.dispose()
    return store


def largest_council(national: Path, councils: int) -> Path:
    """The council whose files hold the most (every generated council is the same size today;
    this stays right if the generator varies them); ``councils`` are generated into an empty
    ``national`` first."""
    if not national.is_dir() or not any(national.iterdir()):
        generate_national.generate(councils, national)
    councils = [folder for folder in national.iterdir() if folder.is_dir()]
    return max(councils, key=lambda c: (sum(f.stat().st_size for f in c.glob("*.csv")), c.name))


def council_store(folder: Path, council: Path) -> Store:
    store = _store(folder, council.name)
    import_council(store, council)  # as the store benchmark imports each council
    store.dispose()
    return store


def _settle(below: float = 2.0, longest: float = 60.0) -> float:
    """Wait (up to ``longest`` s) for the 1-minute load average to fall below ``below``: other
    work on the two cores (a test suite, say) doubles a pack's time. Returns the load."""
    waited = 0.0
    while os.getloadavg()[0] >= below and waited < longest:
        time.sleep(5)
        waited += 5
    return os.getloadavg()[0]


def pdf_pages(data: bytes) -> int:
    result = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True)
    line = next(x for x in result.stdout.decode().splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def time_pack(store: Store, fmt: str, browser: str | None, repeats: int, wait: bool) -> dict:
    """Make one pack ``repeats`` times: the median and each run, split as ``make`` times it."""
    today = days.today()
    options = make.options_for(store)
    times, parts, loads = [], [], []
    for _ in range(repeats):
        loads.append(_settle() if wait else os.getloadavg()[0])
        start = time.perf_counter()
        made = make.make(store, as_at=today, fmt=fmt, options=options, browser=browser)
        times.append(time.perf_counter() - start)
        parts.append(made.timings)
    return {
        "made": made,
        "median": statistics.median(times),
        "all": times,
        "parts": {k: statistics.median(p[k] for p in parts) for k in parts[0]},
        "load": max(loads),
    }


@dataclass(frozen=True)
class Plan:
    """How each pack is timed: ``browsers`` (a path draws the charts, None lays out tables),
    runs of each, where the packs are written, and whether to wait for a quiet machine."""

    browsers: tuple[str | None, ...]
    repeats: int
    out: Path
    wait: bool


def time_packs(label: str, store: Store, formats: tuple[str, ...], plan: Plan) -> list[dict]:
    """Each of ``formats`` with each of the plan's browsers."""
    rows = []
    for fmt in formats:
        for browser in plan.browsers:
            row = time_pack(store, fmt, browser, plan.repeats, plan.wait)
            made = row.pop("made")
            charts = "drawn" if browser else "tables"
            (plan.out / f"{label.split()[0].lower()}-{charts}.{fmt}").write_bytes(made.data)
            row |= {
                "council": label,
                "format": fmt,
                "drawing": charts,
                "charts": f"{len(made.pack.charts())} {charts}",
                "size": len(made.data),
                "pages": pdf_pages(made.data) if fmt == "pdf" else None,
            }
            rows.append(row)
            print(_line(row), flush=True)
    return rows


def figures(who: str, rows: list[dict]) -> dict[str, float]:
    """The measures ``_line`` prints, by name: ``demo.pdf.drawn.median_s`` and so on."""
    named = {}
    for row in rows:
        name = f"{who}.{row['format']}.{row['drawing']}"
        named[f"{name}.median_s"] = row["median"]
        named[f"{name}.size_mb"] = row["size"] / 1e6
        if row["pages"]:
            named[f"{name}.pages"] = row["pages"]
    return named


def _line(row: dict) -> str:
    verdict = "ok" if row["median"] < TARGET_S else "MISSED"
    every = ", ".join(f"{t:.2f}" for t in row["all"])
    pages = f"{row['pages']} pages" if row["pages"] else "-"
    parts = " / ".join(f"{v:.2f}" for v in row["parts"].values())
    return (
        f"{row['council']:<24} {row['format']:<5} {row['charts']:<10} "
        f"{row['median']:6.2f} s ({every}) {verdict:<6} [{parts}] "
        f"{row['size'] / 1e6:5.2f} MB  {pages}  load {row['load']:.1f}"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--national", type=Path, default=NATIONAL)
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="each pack once, tables in place of charts, no waiting, in a temporary folder",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.smoke:
        args.repeats = 1
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    # the chromium draws the charts, and a pack without it (tables) is timed beside it
    browser = None if args.smoke else images.find_browser()
    browsers = (browser, None) if browser else (None,)
    print(f"browser: {browser or 'none'}; target < {TARGET_S:.0f} s per pack")
    print("median s (each run) [reading and building / layout / waiting for charts after it]")
    if not args.smoke:
        print("each pack waits up to 60 s for the load average to fall below 2; 'load' is the")
        print("highest 1-minute load average seen at the start of its runs")
    with tempfile.TemporaryDirectory(prefix="ascgov_bench_brief_") as tmp:
        folder = Path(tmp)
        national, out = (folder / "national", folder) if args.smoke else (args.national, OUT)
        out.mkdir(parents=True, exist_ok=True)
        plan = Plan(browsers, args.repeats, out, wait=not args.smoke)
        started = time.perf_counter()
        demo = demo_store(folder)
        council = largest_council(
            national, SMOKE_COUNCILS if args.smoke else generate_national.ENGLISH_COUNCILS
        )
        largest = council_store(folder, council)
        named = {"stores_ready_s": time.perf_counter() - started}
        print(f"stores ready in {named['stores_ready_s']:.1f} s ({council.name})")
        for who, label, store in (
            ("demo", "demo council", demo),
            ("largest", f"{council.name} (largest)", largest),
        ):
            formats = SMOKE_FORMATS[who] if args.smoke else make.FORMATS
            rows = time_packs(label, store, formats, plan)
            named |= figures(who, rows)
            store.dispose()
    print(f"load average now {record.load_average()}")
    settings = {"council": council.name, "repeats": args.repeats, "browser": browser}
    record.save(args.json, "bench_brief", named, smoke=args.smoke, **settings)


if __name__ == "__main__":
    main()
