"""The demo council's case-level history: the synthetic council (``synthetic_cases``) loaded
into a store that holds the demo council, as a council would load its own files.

The census extract at 30 November 2023 goes in as the ``cases`` dataset and three years of CLD
events as ``cld``, each through ``importer.import_file`` (the path ``ascgov import`` takes), so
the same validation, version checks and audit rows apply, written by the demo's system actor.
An import refuses a file past the configured limits (``ASCGOV_MAX_IMPORT_BYTES`` and the row
and cell limits), so the CLD events go in as several files, each within them; CLD rows are
upserted by person and event, so how they are split changes nothing stored.

The extract is imported *without* ``derive``: the demo's backlog figures for November 2023 are
the published paper's (Nottingham City) and keep that paper as their source. The synthetic
extract reproduces them (460 overdue a review, 692 waiting for an OT assessment) but is not a
published source, and must not restate them as "case-system extract".
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from sqlalchemy import func, select

from data_access import schema
from data_access.access import system_principal
from data_access.files import ReadLimits
from data_access.importer import ImportReport, import_file
from data_access.sample_data import DEMO_ACTOR, DemoRefused, load_demo, store_is_empty
from data_access.settings import get_settings
from data_access.store import Store
from data_access.synthetic_cases import (
    DEFAULT_PEOPLE,
    DEFAULT_SEED,
    EXTRACT_DATE,
    SOURCE,
    SyntheticCouncil,
    generate,
)
from data_access.vocab import Basis

# the demo loader's actor: the case history is part of the demo council
ACTOR = system_principal(DEMO_ACTOR.removeprefix("system:"))


class DemoCasesRefused(Exception):
    """The store is not the demo council (or holds another synthetic history): nothing written."""


@dataclass(frozen=True)
class DemoCasesLoad:
    people: int  # with long-term support: the generator's ``people``
    seed: int
    cases: ImportReport
    cld: tuple[ImportReport, ...]  # one per file the events were split into
    generate_s: float
    load_s: float

    @property
    def events(self) -> int:
        return sum(report.rows for report in self.cld)

    @property
    def changed(self) -> bool:
        return any(r.inserted or r.updated or r.removed for r in (self.cases, *self.cld))

    def lines(self) -> list[str]:
        """What was loaded, in a few lines (``ascgov demo cases`` prints them)."""
        cld_new = sum(r.inserted for r in self.cld)
        cld_changed = sum(r.updated for r in self.cld)
        return [
            f"census extract at {EXTRACT_DATE:%-d %B %Y}: {self.cases.rows:,} people "
            f"({self.cases.inserted:,} new, {self.cases.updated:,} changed, "
            f"{self.cases.unchanged:,} unchanged)",
            f"CLD events: {self.events:,} in {len(self.cld)} files "
            f"({cld_new:,} new, {cld_changed:,} changed)",
            f"generated in {self.generate_s:.1f} s, loaded in {self.load_s:.1f} s",
        ]


def load_demo_cases(
    store: Store, *, people: int = DEFAULT_PEOPLE, seed: int = DEFAULT_SEED
) -> DemoCasesLoad:
    """Generate the synthetic council and load its census extract and CLD events into ``store``,
    which must hold the demo council (``DemoCasesRefused`` otherwise, nothing written).

    No backlog figures are derived from the extract: the demo's November 2023 backlog is the
    published paper's and keeps that source (see the module's docstring). Running it again with
    the same ``people`` and ``seed`` changes nothing; a store holding a synthetic history of
    another size is refused rather than mixed with it.
    """
    _check_demo(store)
    started = time.perf_counter()
    council = generate(people, seed=seed)
    generated = time.perf_counter() - started
    _check_same_council(store, council)
    with tempfile.TemporaryDirectory(prefix="ascgov-demo-cases-") as folder:
        cases, cld = _import(store, council, Path(folder))
    loaded = time.perf_counter() - started - generated
    return DemoCasesLoad(people, seed, cases, cld, generated, loaded)


def _check_demo(store: Store) -> None:
    if store_is_empty(store):
        raise DemoCasesRefused(
            "refused: this store does not hold the demo council; load it first "
            "(`ascgov demo load`): nothing was written"
        )
    # a rehearsal of loading the demo says what the store holds beside it (the synthetic
    # history counts as the demo's own); edits to the demo's rows are allowed
    try:
        rehearsal = load_demo(store, dry_run=True)
    except DemoRefused as refused:
        rehearsal = refused.load
    beside = [c for c in rehearsal.changes if c.other or c.added]
    if beside:
        held = "\n".join(f"  {line}" for c in beside if (line := c.describe()))
        raise DemoCasesRefused(
            "refused: the synthetic case history goes only into a store holding the demo "
            f"council, and this one holds other figures:\n{held}\nnothing was written"
        )


def _check_same_council(store: Store, council: SyntheticCouncil) -> None:
    held = synthetic_people(store)
    if held and held != council.census.height:
        raise DemoCasesRefused(
            f"refused: this store holds a synthetic case history of {held:,} people at "
            f"{EXTRACT_DATE:%-d %B %Y}, not the {council.census.height:,} of this one; "
            "loading it would mix two councils' events: nothing was written"
        )


def synthetic_people(store: Store) -> int:
    """People of the synthetic extract the store holds (not removed by a later extract)."""
    cases = schema.cases
    with store.engine.connect() as conn:
        return conn.execute(
            select(func.count())
            .select_from(cases)
            .where(
                cases.c.source == SOURCE,
                cases.c.extract_date == EXTRACT_DATE,
                cases.c.removed_on.is_(None),
            )
        ).scalar_one()


def _import(
    store: Store, council: SyntheticCouncil, folder: Path
) -> tuple[ImportReport, tuple[ImportReport, ...]]:
    # a store that already holds the history gets a preview of each file first, and only a
    # file that would change something is applied: a second run leaves even the audit trail
    # as it was (an applied import records itself, changes or not)
    apply = _previewed if synthetic_people(store) else _applied
    census = folder / "synthetic-census-2023-11-30.csv"
    council.census.write_csv(census)
    cases = apply(store, "cases", census, as_at=None)  # no derive: see the module's docstring
    census.unlink()
    events = council.cld.with_columns(
        pl.lit(SOURCE).alias("source"), pl.lit(Basis.ILLUSTRATIVE.value).alias("basis")
    )
    reports = []
    for path in cld_files(events, folder, ReadLimits.from_settings(get_settings())):
        reports.append(apply(store, "cld", path, as_at=EXTRACT_DATE))
        path.unlink()  # a full-size council's files take about 500 MB together
    return cases, tuple(reports)


def _applied(store: Store, dataset: str, path: Path, *, as_at) -> ImportReport:
    return import_file(store, dataset, path, actor=ACTOR, as_at=as_at)


def _previewed(store: Store, dataset: str, path: Path, *, as_at) -> ImportReport:
    preview = import_file(store, dataset, path, actor=ACTOR, as_at=as_at, dry_run=True)
    if preview.inserted or preview.updated or preview.removed:
        return _applied(store, dataset, path, as_at=as_at)
    return preview


def cld_files(events: pl.DataFrame, folder: Path, limits: ReadLimits) -> Iterator[Path]:
    """``events`` written as CSV files, one at a time, each within an import's limits (rows,
    cells and bytes). Deterministic: the same events give the same files."""
    rows = min(
        limits.workbook.max_rows - 1,  # the header counts
        limits.workbook.max_cells // max(events.width, 1) - 1,
    )
    start, number = 0, 1
    while start < events.height:
        part = events.slice(start, rows)
        path = folder / f"synthetic-cld-{number:03d}.csv"
        part.write_csv(path)
        size = path.stat().st_size
        if size > limits.max_bytes and part.height > 1:
            # rows differ in length: aim a tenth below the limit
            rows = max(1, int(part.height * limits.max_bytes / size * 0.9))
            continue
        start, number = start + part.height, number + 1
        yield path
