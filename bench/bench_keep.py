"""Meeting record benchmark: how long a director waits to keep a meeting's pack (made afresh as
PDF and Word from the history as it stands, charts drawn by the Debian chromium) and how long
making it again from the record and comparing takes, for the demo council and for one council
of the synthetic national dataset (every generated council is the same size).

Usage: ``.venv/bin/python bench/bench_keep.py [--repeats 3] [--smoke] [--json FILE]``. It
waits for a quiet machine before each run, as bench_brief does. ``--smoke``: the demo council
only, once, without a browser (tables in place of charts) and without waiting, so that the test
suite can check the benchmark still runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

import record  # noqa: E402
from bench_brief import _settle, council_store, demo_store, largest_council  # noqa: E402

from dashboard.briefing import images  # noqa: E402
from dashboard.briefing import record as meeting_packs  # noqa: E402
from data_access import days  # noqa: E402
from data_access.commands import record_meeting  # noqa: E402
from data_access.demo_accounts import demo_principals  # noqa: E402
from data_access.loaders import load_table  # noqa: E402
from data_access.meeting_record import keep  # noqa: E402


def _meeting_today(store) -> int:
    """A meeting held today, as a director keeps the pack for the next meeting: its pack holds
    the figures as they stand (a past meeting's may predate the figures of a council loaded
    today, and be all but empty)."""
    record_meeting(store, _director(), "Bench meeting", days.today())
    meetings = load_table(store, "meetings").filter(committee="Bench meeting")
    return int(meetings["id"][0])


def _director():
    return next(p for p in demo_principals() if p.role.value == "director")


def time_council(label: str, store, repeats: int, *, smoke: bool = False) -> dict[str, float]:
    browser = None if smoke else images.find_browser()
    director = _director()
    meeting = _meeting_today(store)
    builds, checks, sizes = [], [], []
    for run in range(repeats):
        if not smoke:
            _settle()
        start = time.perf_counter()
        reason = None if run == 0 else "bench"
        built = meeting_packs.build(store, meeting, browser=browser, version=run + 1, reason=reason)
        builds.append(time.perf_counter() - start)
        kept = keep(store, director, built, expected=run, reason=reason)
        sizes.append(len(built.pdf) + len(built.docx))
        if not smoke:
            _settle()
        start = time.perf_counter()
        same = meeting_packs.compare(store, kept.id).same
        checks.append(time.perf_counter() - start)
        assert same, f"{label}: the pack made again differs from the kept one"
    figures = {
        f"{label}.keep_s": statistics.median(builds),
        f"{label}.check_s": statistics.median(checks),
        f"{label}.files_mb": statistics.median(sizes) / 1e6,
    }
    print(
        f"{label:8} keep (PDF and Word) {figures[f'{label}.keep_s']:.2f} s, "
        f"made again and compared {figures[f'{label}.check_s']:.2f} s, files "
        f"{figures[f'{label}.files_mb']:.2f} MB (median of {repeats}: "
        + ", ".join(f"{b:.2f}" for b in builds)
        + ")"
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    print(f"load average at start: {record.load_average()}")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        demo = demo_store(work)
        if args.smoke:
            figures = time_council("demo", demo, 1, smoke=True)
            record.save(args.json, "bench_keep", figures)
            return
        figures = time_council("demo", demo, args.repeats)
        council = largest_council(work / "national", 1)
        national = council_store(work, council)
        figures |= time_council("national", national, args.repeats)
    print(f"load average at end: {record.load_average()}")
    record.save(args.json, "bench_keep", figures)


if __name__ == "__main__":
    main()
