"""Writes the synthetic council's case-level files (``data_access.synthetic_cases``).

``cases.csv``: the census extract at 30 November 2023 in the ``cases`` template's columns, ready
for ``ascgov import cases``; ``cld.csv``: three years of CLD events in DHSC's Release 2 layout
(with the council's ``Team``). Prints the sizes and the two published figures worked out from
the written census by the dashboard's own rules (460 overdue reviews, 692 OT waits).

Usage: ``python -m bench.generate_cases --out DIR [--people 25000] [--seed S] [--no-cld]``
(or ``python bench/generate_cases.py ...``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import polars as pl  # noqa: E402

from dashboard.domain.review_clock import CENSUS_COLUMNS, ot_waits, waiting_lists  # noqa: E402
from data_access.synthetic_cases import (  # noqa: E402
    DEFAULT_PEOPLE,
    DEFAULT_SEED,
    SyntheticCouncil,
    generate,
)

CENSUS_FILE, CLD_FILE = "cases.csv", "cld.csv"


def write(council: SyntheticCouncil, out: Path) -> dict[str, Path]:
    """The council's files in ``out`` (created if need be): ``{"cases": path, "cld": path}``,
    without ``cld`` when the council has no events."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {"cases": out / CENSUS_FILE}
    council.census.write_csv(paths["cases"])
    if council.cld.height:
        paths["cld"] = out / CLD_FILE
        council.cld.write_csv(paths["cld"])
    return paths


def read_census(path: Path) -> pl.DataFrame:
    """A written census file typed as the review clock reads it."""
    return pl.read_csv(path, schema_overrides=CENSUS_COLUMNS).select(list(CENSUS_COLUMNS))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for cases.csv and cld.csv")
    parser.add_argument("--people", type=int, default=DEFAULT_PEOPLE, help="people with support")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--no-cld", action="store_true", help="the census alone")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    council = generate(args.people, seed=args.seed, events=not args.no_cld)
    made = time.perf_counter() - started
    paths = write(council, args.out)
    written = time.perf_counter() - started - made
    census = read_census(paths["cases"])
    overdue = waiting_lists(census)["overdue_review"].item()
    ot = ot_waits(census)["ot_waiting"].item()
    print(f"generated in {made:.1f} s, written in {written:.1f} s (seed {args.seed})")
    print(f"{paths['cases']}: {council.census.height:,} people at 30 November 2023")
    if "cld" in paths:
        print(f"{paths['cld']}: {council.cld.height:,} CLD events")
    print(f"overdue a review: {overdue}; waiting for an OT assessment: {ot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
