"""Export then import gives back the same data, for every dataset, format and database.

For each database and format, the demo council is exported dataset by dataset, every file is
imported (in LOAD_ORDER: milestones need areas, components need savings) into one fresh empty
store, and that store's exports must equal the demo's, apart from who loaded the rows, when,
and their versions.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import select

from data_access import schema
from data_access.access import system_principal
from data_access.datasets import DATASETS, LOAD_ORDER
from data_access.exporter import export_file, export_frame
from data_access.importer import ImportReport, import_file
from data_access.loaders import load_table
from data_access.sample_data import load_sample_data
from data_access.store import Store
from tests.store_snapshots import fresh_pg_store, sqlite_url

IGNORED = ["loaded_by", "loaded_at", "version"]
from tests.conftest import DIRECTOR, REPO  # noqa: E402

ACTOR = DIRECTOR


@dataclass
class RoundTrip:
    fmt: str
    source: Store
    fresh: Store
    files: dict[str, Path]
    reports: dict[str, ImportReport]
    directory: Path


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def new_store(request, tmp_path_factory):
    """Makes empty migrated stores on one database; all dropped at the end of the module."""
    with ExitStack() as stack:

        def make() -> Store:
            if request.param == "sqlite":
                path = tmp_path_factory.mktemp("round_trip") / "store.sqlite3"
                store = Store(sqlite_url(path))
                store.upgrade()
                stack.callback(store.dispose)
                return store
            return stack.enter_context(fresh_pg_store(request.getfixturevalue("pg_template")))

        yield make


@pytest.fixture(scope="module")
def source(new_store) -> Store:
    store = new_store()
    load_sample_data(store)
    # the demo's papers state no budget-monitoring bridge: the template's invented example
    bridges = REPO / "docs" / "templates" / "bridges.csv"
    import_file(store, "bridges", bridges, actor=system_principal("sample-data"))
    # nor people: the cases template's invented extract
    cases = REPO / "docs" / "templates" / "cases.csv"
    import_file(store, "cases", cases, actor=system_principal("sample-data"))
    # nor CLD events: the cld template's invented person
    events = REPO / "docs" / "templates" / "cld.csv"
    import_file(store, "cld", events, actor=system_principal("sample-data"))
    return store


@pytest.fixture(scope="module", params=["csv", "xlsx"])
def round_trip(request, source, new_store, tmp_path_factory) -> RoundTrip:
    fmt = request.param
    directory = tmp_path_factory.mktemp(f"export_{fmt}")
    files = {}
    for name in LOAD_ORDER:
        files[name] = directory / f"{name}.{fmt}"
        export_file(source, name, files[name], fmt=fmt, actor=DIRECTOR)
    fresh = new_store()
    reports = {
        name: import_file(fresh, name, files[name], actor=ACTOR, as_at=date(2024, 4, 1))
        for name in LOAD_ORDER
    }
    return RoundTrip(fmt, source, fresh, files, reports, directory)


def test_load_order_covers_every_dataset():
    assert sorted(LOAD_ORDER) == sorted(DATASETS)
    assert LOAD_ORDER.index("areas") < LOAD_ORDER.index("milestones")
    assert LOAD_ORDER.index("savings") < LOAD_ORDER.index("components")


@pytest.mark.parametrize("dataset", LOAD_ORDER)
def test_export_import_export_gives_the_same_frame(round_trip, dataset):
    expected = export_frame(round_trip.source, dataset, actor=DIRECTOR).drop(IGNORED)
    actual = export_frame(round_trip.fresh, dataset, actor=DIRECTOR).drop(IGNORED)

    assert expected.height > 0
    assert_frame_equal(actual, expected)
    report = round_trip.reports[dataset]
    assert (report.rows, report.updated, report.unchanged) == (expected.height, 0, 0)
    # counted by the file's rows, not also by the savings lines and meetings they fill
    assert report.inserted == expected.height


@pytest.mark.parametrize("dataset", LOAD_ORDER)
def test_second_export_file_reads_the_same_as_the_first(round_trip, dataset):
    again = round_trip.directory / f"{dataset}_again.{round_trip.fmt}"
    export_file(round_trip.fresh, dataset, again, fmt=round_trip.fmt, actor=DIRECTOR)

    first, second = _read(round_trip.files[dataset]), _read(again)

    assert_frame_equal(second.drop(IGNORED), first.drop(IGNORED))
    assert set(second["loaded_by"]) == {ACTOR.email}
    assert set(first["loaded_by"]) == {"system:sample-data"}


def _read(path: Path) -> pl.DataFrame:
    if path.suffix == ".csv":
        return pl.read_csv(path, infer_schema=False)
    return pl.read_excel(path, sheet_name=path.stem.removesuffix("_again"))


def test_importing_the_exports_into_their_own_store_changes_nothing(round_trip):
    source = round_trip.source
    frames = {
        name: export_frame(source, name, actor=DIRECTOR) for name in LOAD_ORDER
    }  # reads first
    before = source.dataset_versions()

    reports = [
        import_file(source, name, round_trip.files[name], actor=ACTOR) for name in LOAD_ORDER
    ]

    assert [(r.inserted, r.updated) for r in reports] == [(0, 0)] * len(LOAD_ORDER)
    assert [r.unchanged for r in reports] == [frames[name].height for name in LOAD_ORDER]
    after = source.dataset_versions()
    before.pop("audit_events"), after.pop("audit_events")
    assert after == before


def test_read_after_write_sees_the_write(sqlite_demo_store, tmp_path):
    assert load_table(sqlite_demo_store, "areas").height == 19  # a loader read, then a write
    path = tmp_path / "areas.csv"
    path.write_text("code,title,status\nNEW1,Hospital discharge,In progress\n", encoding="utf-8")
    import_file(sqlite_demo_store, "areas", path, actor=ACTOR)
    with sqlite_demo_store.engine.connect() as conn:
        written = conn.execute(select(schema.areas.c.code).where(schema.areas.c.code == "NEW1"))
        assert written.scalar_one() == "NEW1"

    assert "NEW1" in load_table(sqlite_demo_store, "areas")["code"].to_list()


def test_alternating_writes_and_reads_never_go_stale(sqlite_demo_store, tmp_path):
    """What the app does all day: read (the loaders), an officer writes, read again."""
    for n in range(5):
        path = tmp_path / f"areas{n}.csv"
        row = f"LOOP{n},Area {n},In progress"
        path.write_text("code,title,status\n" + row + "\n", encoding="utf-8")
        import_file(sqlite_demo_store, "areas", path, actor=ACTOR)
        codes = load_table(sqlite_demo_store, "areas")["code"].to_list()
        assert [f"LOOP{i}" for i in range(n + 1)] == [c for c in codes if c.startswith("LOOP")]
        assert (
            load_table(sqlite_demo_store, "audit_events")
            .filter(pl.col("entity_key") == f"LOOP{n}")
            .height
            == 1
        )
