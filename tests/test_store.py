"""The store: migrations, one write path, versions, append-only history, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, insert, select, text, update

from data_access import days, schema
from data_access.loaders import load_table
from data_access.store import DATASETS, StaleVersionError
from data_access.writes import upsert


def _area(code="X1", title="Reviews", status="In progress", **extra):
    return {
        "code": code,
        "title": title,
        "lead": None,
        "status": status,
        "rag": None,
        "commentary": None,
        "last_updated": None,
        "source": "test",
        "source_kind": "officer",
        "as_at": __import__("datetime").date(2024, 3, 31),
        "basis": "published",
        **extra,
    }


def _count(store, table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_migration_seeds_a_version_for_every_table(store):
    assert set(store.dataset_versions()) == set(DATASETS)


def test_upgrade_twice_is_harmless(store):
    store.upgrade()
    assert set(store.dataset_versions()) == set(DATASETS)


def test_write_bumps_versions_of_touched_tables_and_audits_each_row(store):
    before = store.dataset_versions()
    with store.write("officer@council.gov.uk") as tx:
        result = upsert(tx, schema.areas, [_area("X1"), _area("X2")], ["code"])
    after = store.dataset_versions()
    assert result.inserted == 2
    assert after["areas"] == before["areas"] + 1
    assert after["audit_events"] == before["audit_events"] + 1
    assert after["posts"] == before["posts"]
    audit = load_table(store, "audit_events")
    assert audit["entity_key"].to_list() == ["X1", "X2"]
    assert set(audit["actor"]) == {"officer@council.gov.uk"}


def test_unchanged_rows_are_not_rewritten(store):
    with store.write("a") as tx:
        upsert(tx, schema.areas, [_area()], ["code"])
    before = store.dataset_versions()
    with store.write("b") as tx:
        result = upsert(tx, schema.areas, [_area()], ["code"])
    assert (result.inserted, result.updated, result.unchanged) == (0, 0, 1)
    assert store.dataset_versions() == before


def test_update_records_before_and_after_and_moves_row_version(store):
    with store.write("a") as tx:
        upsert(tx, schema.areas, [_area(status="Not started")], ["code"])
    with store.write("b") as tx:
        upsert(tx, schema.areas, [_area(status="Complete")], ["code"])
    row = load_table(store, "areas").row(0, named=True)
    assert (row["status"], row["version"], row["loaded_by"]) == ("Complete", 2, "b")
    event = load_table(store, "audit_events").row(-1, named=True)
    assert '"Not started"' in event["before"] and '"Complete"' in event["after"]


def test_stale_version_is_refused_and_nothing_is_written(store):
    with store.write("a") as tx:
        upsert(tx, schema.areas, [_area(status="Not started")], ["code"])
    with store.write("b") as tx:
        upsert(tx, schema.areas, [_area(status="In progress")], ["code"])
    events = _count(store, schema.audit_events)
    with pytest.raises(StaleVersionError, match="changed by someone else"):
        with store.write("c") as tx:
            upsert(
                tx,
                schema.areas,
                [_area(status="Complete")],
                ["code"],
                expected_versions={("X1",): 1},
            )
    assert load_table(store, "areas")["status"].to_list() == ["In progress"]
    assert _count(store, schema.audit_events) == events


def test_a_failed_write_rolls_back_everything(store):
    with pytest.raises(RuntimeError):
        with store.write("a") as tx:
            upsert(tx, schema.areas, [_area()], ["code"])
            raise RuntimeError("boom")
    assert _count(store, schema.areas) == 0
    assert _count(store, schema.audit_events) == 0


@pytest.mark.parametrize("statement", ["update", "delete"])
def test_audit_events_refuse_update_and_delete(store, statement):
    with store.write("a") as tx:
        upsert(tx, schema.areas, [_area()], ["code"])
    table = schema.audit_events
    sql = update(table).values(actor="someone else") if statement == "update" else delete(table)
    with pytest.raises(Exception, match="audit events cannot be changed or deleted"):
        with store.engine.begin() as conn:
            conn.execute(sql)
    assert load_table(store, "audit_events")["actor"].to_list() == ["a"]


def test_every_write_needs_an_actor(store):
    with pytest.raises(ValueError, match="actor"):
        with store.write(""):
            pass


def test_foreign_keys_are_enforced(store):
    with pytest.raises(Exception):  # noqa: B017 - IntegrityError differs per driver
        with store.engine.begin() as conn:
            conn.execute(
                insert(schema.milestones).values(
                    code="M1",
                    area_code="NOPE",
                    title="t",
                    status="Not started",
                    source="s",
                    source_kind="officer",
                    as_at=__import__("datetime").date(2024, 1, 1),
                    basis="published",
                    loaded_by="a",
                    loaded_at=__import__("datetime").datetime(2024, 1, 1),
                )
            )


def test_sqlite_store_uses_wal_and_busy_timeout(sqlite_store):
    with sqlite_store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 15000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_loaded_frames_have_the_same_schema_on_both_databases(demo_store):
    from data_access.loaders import table_schema

    for name in DATASETS:
        frame = load_table(demo_store, name)
        assert dict(frame.schema) == table_schema(name), name


def test_as_at_rebuilds_a_table_from_history(store):
    import datetime as dt

    with store.write("a") as tx:
        upsert(tx, schema.areas, [_area(status="Not started")], ["code"])
    today = days.today()
    assert load_table(store, "areas", as_at=today - dt.timedelta(days=1)).is_empty()
    rebuilt = load_table(store, "areas", as_at=today)
    current = load_table(store, "areas")
    assert rebuilt.drop("loaded_at").equals(current.drop("loaded_at"))
