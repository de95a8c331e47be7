"""CLD events kept as loads (``data_access/cld_store.py``), on SQLite and PostgreSQL.

Each import adds one load of the events it added or changed; a file that changes nothing adds
none; the events are the loads in order, a later one winning, and an as-at read takes the loads
made by then, so a corrected event reads with its earlier values before the correction. The
migration that made rows into loads keeps each event's values, version and first day, and comes
back down.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest
from sqlalchemy import func, inspect, select

from data_access import cld_store, schema
from data_access.loaders import load_table
from data_access.store import StaleVersionError
from tests.test_audit_tamper import (  # noqa: F401 - app_role: the documented role, a fixture
    app_role,
    app_store,
    assert_only_added_to,
)
from tests.test_cases_import import _migrate

DAY_1, DAY_2, DAY_3 = date(2024, 10, 1), date(2024, 10, 2), date(2024, 10, 3)


def _at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _events(rows: list[tuple[str, str, str, str]]) -> pl.DataFrame:
    """(person, reference, event type, team) as an import hands them to the writer."""
    frame = pl.DataFrame(
        rows, schema=["person_id", "event_reference", "event_type", "team"], orient="row"
    )
    return frame.with_columns(
        pl.lit(date(2024, 9, 1)).alias("event_start_date"),
        pl.lit("cld.csv").alias("source"),
        pl.lit("system").alias("source_kind"),
        pl.lit(DAY_1).alias("as_at"),
        pl.lit("published").alias("basis"),
    )


FIRST = [("P1", "R1", "Request", "North"), ("P1", "A1", "Assessment", "North"),
         ("P2", "R2", "Request", "South")]  # fmt: skip
# A1 moves team; V1 is new; R2 is left out (it stays)
CORRECTED = [("P1", "R1", "Request", "North"), ("P1", "A1", "Assessment", "East"),
             ("P1", "V1", "Review", "North")]  # fmt: skip


def _write(store, rows, day: date, *, rehearsal: bool = False, versions=None):
    with store.write("officer@demo.example", at=_at(day)) as tx:
        tx.rehearsal = rehearsal
        return cld_store.write_events(tx, _events(rows), expected_versions=versions)


def _loads(store) -> list[tuple[int, int, int]]:
    table = schema.cld_events
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(table.c.events, table.c.inserted, table.c.updated).order_by(table.c.id)
        ).all()
    return [tuple(r) for r in rows]


def _by_reference(frame: pl.DataFrame) -> dict[str, dict]:
    return {row["event_reference"]: row for row in frame.to_dicts()}


def test_each_write_adds_one_load_of_what_it_added_or_changed(store):
    first = _write(store, FIRST, DAY_1)
    assert (first.inserted, first.updated, first.unchanged) == (3, 0, 0)
    version = store.dataset_versions()["cld_events"]

    again = _write(store, FIRST, DAY_2)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert _loads(store) == [(3, 3, 0)]  # no load for a file that changes nothing
    assert store.dataset_versions()["cld_events"] == version

    corrected = _write(store, CORRECTED, DAY_3)
    assert (corrected.inserted, corrected.updated, corrected.unchanged) == (1, 1, 1)
    assert _loads(store) == [(3, 3, 0), (2, 1, 1)]  # only A1 and V1 in the second load

    now = _by_reference(load_table(store, "cld_events"))
    assert set(now) == {"R1", "A1", "R2", "V1"}  # R2, left out, stays
    assert (now["A1"]["team"], now["A1"]["version"]) == ("East", 2)
    assert now["A1"]["first_loaded_on"] == DAY_1  # kept through the change
    assert (now["V1"]["version"], now["V1"]["first_loaded_on"]) == (1, DAY_3)
    assert now["A1"]["loaded_at"] == _at(DAY_3)
    assert list(load_table(store, "cld_events").columns) == list(cld_store.EVENT_SCHEMA)


def test_an_as_at_read_gives_an_events_values_as_they_were_then(store):
    _write(store, FIRST, DAY_1)
    _write(store, CORRECTED, DAY_3)

    then = _by_reference(load_table(store, "cld_events", as_at=DAY_2))
    assert set(then) == {"R1", "A1", "R2"}
    assert (then["A1"]["team"], then["A1"]["version"]) == ("North", 1)
    just_before = load_table(store, "cld_events", as_at=_at(DAY_3))  # an instant: before it
    assert just_before.equals(load_table(store, "cld_events", as_at=DAY_2))
    assert load_table(store, "cld_events", as_at=date(2024, 9, 30)).is_empty()
    after = _by_reference(load_table(store, "cld_events", as_at=DAY_3))
    assert after["A1"]["team"] == "East"


def test_a_preview_lists_each_changed_field_and_writes_nothing(store):
    _write(store, FIRST, DAY_1)
    preview = _write(store, CORRECTED, DAY_3, rehearsal=True)

    assert (preview.inserted, preview.updated, preview.unchanged) == (1, 1, 1)
    assert preview.changes.rows() == [("cld_events", "P1|A1", "team", "North", "East")]
    # the rehearsal's transaction committed: still it added no load
    assert _loads(store) == [(3, 3, 0)]


def test_a_stale_version_is_refused_and_a_never_held_event_is_new(store):
    _write(store, FIRST, DAY_1)
    with pytest.raises(StaleVersionError):
        _write(store, CORRECTED, DAY_3, versions={("P1", "A1"): 0})
    assert _loads(store) == [(3, 3, 0)]
    with store.engine.connect() as conn:
        held = cld_store.held_versions(conn, {("P1", "A1"): 1, ("P9", "X1"): 4})
    assert held == {("P1", "A1"): 1}
    written = _write(store, CORRECTED, DAY_3, versions={("P1", "A1"): 1})
    assert written.updated == 1


def test_migration_0012_makes_rows_into_one_load_and_comes_back_down(store):
    _write(store, FIRST, DAY_1)
    _write(store, CORRECTED, DAY_3)
    latest = load_table(store, "cld_events")

    _migrate(store, "downgrade", "0011")
    columns = {c["name"] for c in inspect(store.engine).get_columns("cld_events")}
    assert {"person_id", "event_reference", "first_loaded_on", "row_hash"} <= columns
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.cld_events)).scalar() == 4

    _migrate(store, "upgrade", "head")
    assert [events for events, _, _ in _loads(store)] == [4]
    assert load_table(store, "cld_events").equals(latest)
    # each event still counts from its own first day; the rows kept only the latest values
    then = _by_reference(load_table(store, "cld_events", as_at=DAY_2))
    assert set(then) == {"R1", "A1", "R2"}
    assert then["A1"]["team"] == "East"
    # the hashes came through: the same file again changes nothing
    again = _write(store, CORRECTED, DAY_3)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)


def test_the_documented_app_role_adds_loads_but_cannot_change_or_delete_them(
    pg_store,
    app_role,  # noqa: F811 - the fixture imported above
):
    app = app_store(app_role)
    try:
        _write(app, FIRST, DAY_1)
        _write(app, CORRECTED, DAY_3)
        assert [events for events, _, _ in _loads(app)] == [3, 2]
        assert_only_added_to(app, "cld_events", "file")
        assert load_table(app, "cld_events").height == 4
    finally:
        app.dispose()
