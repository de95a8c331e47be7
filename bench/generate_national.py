"""A synthetic national dataset: every English council with adult social care duties, as files.

Deterministic: each council's rows come from a random generator seeded with the run's seed and
the council's code, so council E10000001 is the same whether 1 or 153 councils are generated.

Per council (``bench/out/national/<council code>/<dataset>.csv``, the columns ``ascgov export``
writes less the store's own ``loaded_by``/``loaded_at``/``version``):

- areas: 20 accountability areas; milestones: 10 per area (200);
- savings: 200 savings lines over 5 financial years (1,000 rows);
- backlog: 10 years of months x 10 teams x 3 priority bands x 4 measures (14,400 rows);
- posts: 30 funded posts; actions: 12 meetings of the improvement board, 60 actions.

Every key is unique across councils (codes and team names start with the council code), so the
whole nation can live in one store. All figures are invented (basis ``illustrative``).

Usage: ``python bench/generate_national.py [--councils N] [--out DIR] [--seed S] [--smoke]
[--json FILE]``. ``--smoke`` writes 2 councils into a temporary folder (removed afterwards unless
``--out`` names one): the test suite runs it so that a broken generator fails a test.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

import record  # noqa: E402

from data_access.datasets import DATASETS  # noqa: E402
from data_access.rating_scales import AMBER, BLUE, GREEN, RED  # noqa: E402
from data_access.vocab import (  # noqa: E402
    DEFAULT_ACTION_STATUSES,
    DEFAULT_AREA_STATUSES,
    DEFAULT_MILESTONE_STATUSES,
    Measure,
)

DEFAULT_OUT = BENCH / "out" / "national"
DEFAULT_SEED = 20250331
GENERATED = ("areas", "milestones", "savings", "backlog", "posts", "actions")
AS_AT = date(2025, 3, 31)
# English councils with adult social care duties: counties, metropolitan districts, London
# boroughs (with the City of London) and unitary authorities; 21 + 36 + 33 + 63 = 153
COUNCIL_KINDS = (
    ("E10", "County Council", 21),
    ("E08", "Metropolitan Borough Council", 36),
    ("E09", "London Borough", 33),
    ("E06", "Unitary Council", 63),
)
ENGLISH_COUNCILS = sum(number for _, _, number in COUNCIL_KINDS)
SMOKE_COUNCILS = 2
AREAS_PER_COUNCIL = 20
MILESTONES_PER_AREA = 10
SAVINGS_LINES = 200
FINANCIAL_YEARS = ("2021/22", "2022/23", "2023/24", "2024/25", "2025/26")
BACKLOG_MONTHS = [date(2015 + (3 + m) // 12, (3 + m) % 12 + 1, 1) for m in range(120)]
TEAM_NAMES = (
    "North locality",
    "South locality",
    "East locality",
    "West locality",
    "Central reviewing team",
    "Hospital discharge team",
    "Learning disability team",
    "Mental health team",
    "Occupational therapy team",
    "Sensory and physical disability team",
)
BANDS = ("High: risk or safeguarding", "Medium: no contact in 12 months", "Low: routine")
POSTS_PER_COUNCIL = 30
MEETINGS_PER_COUNCIL = 12
ACTIONS_PER_MEETING = 5

AREA_THEMES = (
    "Safeguarding adults",
    "Commissioning",
    "Care Act compliance and legal literacy",
    "Performance management and data quality",
    "Carers' assessments and support",
    "Information, advice and guidance",
    "Quality assurance of casework",
    "Workforce supervision and appraisal",
    "Reviews of care and support plans",
    "Occupational therapy waiting lists",
    "Hospital discharge and reablement",
    "Transitions from children's services",
    "Direct payments and personal budgets",
    "Market sustainability and fees",
    "Deprivation of Liberty Safeguards",
    "Co-production with people who draw on care",
    "Mental health social work",
    "Learning disability accommodation",
    "Financial assessments and charging",
    "Recruitment and retention of social workers",
)
LEADS = (
    "Director of Adult Social Services",
    "Principal Social Worker",
    "Head of Safeguarding",
    "Head of Commissioning",
    "Head of Localities",
    "Head of Performance",
    "Head of Workforce",
    "Head of Early Help",
)
MILESTONE_STEPS = (
    "Baseline agreed",
    "Project plan signed off",
    "Staff briefed",
    "Policy revised and approved",
    "Pilot started",
    "Pilot evaluated",
    "Roll-out to all teams",
    "Case file audit completed",
    "Report to the improvement board",
    "Embedded as routine activity",
)
WORKSTREAMS = (
    "Demand management",
    "Reablement and independence",
    "Commissioning and contracts",
    "Learning disability pathways",
    "Reviews of care packages",
    "Technology-enabled care",
    "Income and charging",
    "Workforce and agency spend",
)
INITIATIVES = (
    "Reduce new long-term placements",
    "Strengths-based reviews of care packages",
    "Recommission home care framework",
    "Increase reablement capacity",
    "Replace agency social workers",
    "Review high-cost placements",
    "Expand supported living",
    "Digital front door",
    "Assistive technology offer",
    "Improve financial assessment throughput",
)
OVERRIDE_REASONS = (
    "Delivery confirmed by finance ahead of the quarterly report",
    "Forecast at risk: market pressures not yet reflected in the figures",
    "Savings moved to the following year by the programme board",
)
POST_TITLES = (
    ("Social Worker", "Band 9", 4_300_000),
    ("Senior Social Worker", "Band 10", 5_000_000),
    ("Occupational Therapist", "Band 9", 4_400_000),
    ("Reviewing Officer", "Band 7", 3_500_000),
    ("Project Manager", "Band 11", 5_600_000),
    ("Data Analyst", "Band 8", 3_900_000),
    ("Commissioning Officer", "Band 8", 3_800_000),
    ("Team Manager", "Band 12", 6_200_000),
)
SUPPORT_AREAS = ("Older Adults", "Younger Adults", "All age", "Commissioning", "Performance")
FUNDING = (
    "Improved Better Care Fund",
    "Transformation reserve",
    "Market Sustainability and Improvement Fund",
    "Base budget",
)
ACTION_TEXTS = (
    "Report back on the waiting list for reviews with a trajectory to clear it.",
    "Circulate the updated savings tracker to members before the next meeting.",
    "Provide a briefing on the use of agency staff and its cost.",
    "Bring the revised safeguarding audit programme to the next meeting.",
    "Set out the plan for occupational therapy assessments in the localities.",
    "Share the outcome of the case file audit with the board.",
)
RESOLUTION_TEXTS = (
    "That the report be noted.",
    "That the revised improvement plan be approved.",
    "That the savings programme be endorsed and monitored monthly.",
)
COMMITTEE = "Adult Social Care Improvement Board"


def councils(count: int) -> list[tuple[str, str]]:
    """``(code, name)`` of the first ``count`` councils (ONS-style synthetic codes)."""
    result = []
    for prefix, kind, number in COUNCIL_KINDS:
        for i in range(1, number + 1):
            result.append((f"{prefix}{i:06d}", f"Synthetic {kind} {i:02d}"))
    extra = 0
    while len(result) < count:  # beyond the real 153, more unitaries
        extra += 1
        i = COUNCIL_KINDS[-1][2] + extra
        result.append((f"E06{i:06d}", f"Synthetic Unitary Council {i:02d}"))
    return result[:count]


def pounds(pence: int | None) -> str:
    if pence is None:
        return ""
    return f"{pence // 100}.{pence % 100:02d}"


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _provenance(seed: int, name: str) -> dict[str, str]:
    return {
        "source": f"synthetic national benchmark data for {name} (seed {seed})",
        "source_kind": "system extract",
        "as_at": AS_AT.isoformat(),
        "basis": "illustrative",
    }


def area_rows(rng: random.Random, code: str, prov: dict) -> Iterator[dict]:
    for n, theme in enumerate(AREA_THEMES[:AREAS_PER_COUNCIL], start=1):
        status = rng.choice(DEFAULT_AREA_STATUSES)
        rag = "" if status == "Not started" else rng.choices((GREEN, AMBER, RED), (5, 3, 1))[0]
        yield {
            "code": f"{code}-IP{n:02d}",
            "title": theme,
            "lead": rng.choice(LEADS),
            "status": status,
            "rag": rag,
            "commentary": f"{status}: reported to the improvement board.",
            "last_updated": _day(rng, date(2024, 4, 1), AS_AT).isoformat(),
            **prov,
        }


def milestone_rows(rng: random.Random, code: str, prov: dict) -> Iterator[dict]:
    for a in range(1, AREAS_PER_COUNCIL + 1):
        area = f"{code}-IP{a:02d}"
        due = _day(rng, date(2023, 4, 1), date(2024, 3, 31))
        for m, step in enumerate(MILESTONE_STEPS[:MILESTONES_PER_AREA], start=1):
            due += timedelta(days=rng.randrange(20, 90))
            if due < AS_AT:
                status = rng.choices(DEFAULT_MILESTONE_STATUSES, (1, 2, 12, 3, 1))[0]
            else:
                status = rng.choices(DEFAULT_MILESTONE_STATUSES, (5, 4, 0, 1, 0))[0]
            done = status == "Complete"
            yield {
                "code": f"{area}-M{m:02d}",
                "area_code": area,
                "title": step,
                "owner": rng.choice(LEADS),
                "due_date": due.isoformat(),
                "status": status,
                "completed_date": (
                    min(due + timedelta(days=rng.randrange(-30, 30)), AS_AT).isoformat()
                    if done
                    else ""
                ),
                "evidence": "Minutes of the improvement board" if done else "",
                **prov,
            }


def savings_rows(rng: random.Random, code: str, prov: dict) -> Iterator[dict]:
    current = FINANCIAL_YEARS.index("2024/25")
    for n in range(1, SAVINGS_LINES + 1):
        workstream = rng.choice(WORKSTREAMS)
        override = rng.random() < 0.05
        line = {
            "code": f"{code}-S{n:03d}",
            "title": f"{rng.choice(INITIATIVES)} ({n})",
            "workstream": workstream,
            "cohort": rng.choices(("older", "younger", "all-age"), (4, 3, 3))[0],
            "owner": rng.choice(LEADS),
            "brag_override": rng.choice((BLUE, GREEN, AMBER, RED)) if override else "",
            "override_reason": rng.choice(OVERRIDE_REASONS) if override else "",
        }
        base = rng.randrange(20, 1_500) * 100_000  # £20,000 to £1.5m, whole thousands
        for y, year in enumerate(FINANCIAL_YEARS):
            target = base * rng.randrange(80, 125) // 100
            forecast = target * rng.randrange(55, 110) // 100
            if y < current:
                delivered = forecast * rng.randrange(70, 101) // 100
            elif y == current:
                delivered = forecast * rng.randrange(0, 90) // 100
            else:
                delivered = None
            yield {
                "code": line["code"],
                "financial_year": year,
                "title": line["title"],
                "workstream": workstream,
                "cohort": line["cohort"],
                "owner": line["owner"],
                "target": pounds(target),
                "forecast": pounds(forecast),
                "delivered": pounds(delivered),
                "brag_override": line["brag_override"],
                "override_reason": line["override_reason"],
                **prov,
            }


def backlog_rows(rng: random.Random, code: str, prov: dict) -> Iterator[dict]:
    size = rng.uniform(0.5, 2.5)  # councils differ in size
    for measure in Measure:
        for team in TEAM_NAMES:
            team_name = f"{code} {team}"
            team_size = size * rng.uniform(0.5, 1.5)
            for b, band in enumerate(BANDS):
                share = (0.2, 0.5, 0.3)[b]
                level = (
                    {
                        Measure.WAITING_REVIEW: 120.0,
                        Measure.WAITING_OT_ASSESSMENT: 90.0,
                        Measure.REVIEWS_COMPLETED: 60.0,
                        Measure.OVERDUE_ANNUAL_REVIEWS: 150.0,
                    }[measure]
                    * team_size
                    * share
                )
                target = round(level * 0.6) if measure != Measure.REVIEWS_COMPLETED else None
                for month in BACKLOG_MONTHS:
                    level = max(0.0, level * rng.uniform(0.93, 1.08) + rng.uniform(-2, 2))
                    yield {
                        "measure": measure.value,
                        "month": month.isoformat(),
                        "team": team_name,
                        "priority_band": band,
                        "value": str(round(level)),
                        "target": "" if target is None else str(target),
                        **prov,
                    }


def post_rows(rng: random.Random, code: str, prov: dict) -> Iterator[dict]:
    for n in range(1, POSTS_PER_COUNCIL + 1):
        title, band, salary = rng.choice(POST_TITLES)
        fte_hundredths = rng.choice((100, 100, 100, 50, 60, 80))
        start = date(rng.randrange(2022, 2025), rng.choice((4, 7, 10, 1)), 1)
        months = rng.choice((12, 18, 24))
        end = date(
            start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1, 1
        )
        end -= timedelta(days=1)
        unit = salary * 13 // 10  # with on-costs
        cost = unit * fte_hundredths // 100 * months // 12
        yield {
            "code": f"{code}-P{n:03d}",
            "area_of_support": rng.choice(SUPPORT_AREAS),
            "post_title": title,
            "band": band,
            "fte": f"{fte_hundredths // 100}.{fte_hundredths % 100:02d}",
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "period_label": f"{months} months",
            "cost": pounds(cost),
            "unit_cost": pounds(unit),
            "funding_source": rng.choice(FUNDING),
            "workstream": rng.choice(WORKSTREAMS),
            **prov,
        }


def action_rows(rng: random.Random, code: str, name: str, prov: dict) -> Iterator[dict]:
    committee = f"{COMMITTEE} ({name})"
    meeting = date(2024, 4, 1) + timedelta(days=rng.randrange(0, 14))
    n = 0
    for _ in range(MEETINGS_PER_COUNCIL):
        for i in range(ACTIONS_PER_MEETING):
            n += 1
            resolution = i == 0
            due = meeting + timedelta(days=rng.choice((28, 56, 84)))
            if resolution:
                status, text, due_text = "Noted", rng.choice(RESOLUTION_TEXTS), ""
            else:
                weights = (1, 1, 3, 0) if due < AS_AT else (4, 2, 0, 0)
                status = rng.choices(DEFAULT_ACTION_STATUSES, weights)[0]
                text, due_text = rng.choice(ACTION_TEXTS), due.isoformat()
            yield {
                "code": f"{code}-A{n:03d}",
                "committee": committee,
                "meeting_date": meeting.isoformat(),
                "kind": "resolution" if resolution else "action",
                "text": text,
                "owner": "" if resolution else rng.choice(LEADS),
                "due_date": due_text,
                "status": status,
                **prov,
            }
        meeting += timedelta(days=28)


def council_rows(seed: int, code: str, name: str) -> dict[str, Iterator[dict]]:
    prov = _provenance(seed, name)

    def rng(dataset: str) -> random.Random:
        # one generator per council and dataset: a council's data never depends on the others
        return random.Random(f"{seed}:{code}:{dataset}")

    return {
        "areas": area_rows(rng("areas"), code, prov),
        "milestones": milestone_rows(rng("milestones"), code, prov),
        "savings": savings_rows(rng("savings"), code, prov),
        "backlog": backlog_rows(rng("backlog"), code, prov),
        "posts": post_rows(rng("posts"), code, prov),
        "actions": action_rows(rng("actions"), code, name, prov),
    }


def write_council(out: Path, seed: int, code: str, name: str) -> dict[str, int]:
    folder = out / code
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for dataset, rows in council_rows(seed, code, name).items():
        columns = DATASETS[dataset].columns
        with (folder / f"{dataset}.csv").open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            count = 0
            for row in rows:
                writer.writerow([row.get(c, "") for c in columns])
                count += 1
        counts[dataset] = count
    return counts


def generate(count: int, out: Path, seed: int = DEFAULT_SEED, *, quiet: bool = False) -> Path:
    """Write ``count`` councils under ``out``; returns ``out``."""
    return generate_counted(count, out, seed, quiet=quiet)[0]


def generate_counted(
    count: int, out: Path, seed: int = DEFAULT_SEED, *, quiet: bool = False
) -> tuple[Path, dict[str, int]]:
    """``generate``, also returning the rows written per dataset."""
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    totals: dict[str, int] = dict.fromkeys(GENERATED, 0)
    chosen = councils(count)
    for index, (code, name) in enumerate(chosen, start=1):
        for dataset, rows in write_council(out, seed, code, name).items():
            totals[dataset] += rows
        if not quiet and (index % 25 == 0 or index == len(chosen)):
            print(f"  {index}/{len(chosen)} councils written", flush=True)
    (out / "MANIFEST.txt").write_text(
        f"seed {seed}\ncouncils {count}\n" + "".join(f"{d} {totals[d]}\n" for d in GENERATED),
        encoding="utf-8",
    )
    if not quiet:
        summary = ", ".join(f"{d} {totals[d]:,}" for d in GENERATED)
        print(f"{count} councils in {time.perf_counter() - started:.1f} s under {out}: {summary}")
    return out, totals


def measured(count: int, out: Path, seed: int) -> tuple[dict[str, float], dict[str, int]]:
    """Generate, and name what it took (seconds, MB of CSV) and what it wrote (rows)."""
    started = time.perf_counter()
    _, totals = generate_counted(count, out, seed)
    seconds = time.perf_counter() - started
    size = sum(f.stat().st_size for c, _ in councils(count) for f in (out / c).glob("*.csv"))
    named = {"generate_s": seconds, "csv_mb": size / 2**20}
    return named, totals


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--councils", type=int, default=ENGLISH_COUNCILS, help=f"how many ({ENGLISH_COUNCILS})"
    )
    parser.add_argument("--out", type=Path, help=f"folder ({DEFAULT_OUT})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help=f"{SMOKE_COUNCILS} councils, into a temporary folder unless --out is given",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.councils < 1:
        parser.error("--councils must be at least 1")
    count = SMOKE_COUNCILS if args.smoke else args.councils
    with tempfile.TemporaryDirectory(prefix="ascgov_bench_national_") as tmp:
        out = args.out or (Path(tmp) if args.smoke else DEFAULT_OUT)
        named, rows = measured(count, out, args.seed)
    record.save(args.json, "generate_national", named, rows=rows, councils=count, smoke=args.smoke)


if __name__ == "__main__":
    main()
