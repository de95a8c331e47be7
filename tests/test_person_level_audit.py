"""Person-level imports (``cases``, ``cld``) are audited once per import, with their counts and
what the file covers, and no person's id or values anywhere in the audit trail; a file loaded
again writes nothing; an as-at read of the census follows first loads and removals
(``data_access.person_rows``). SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl
from sqlalchemy import select

from data_access import days, schema
from data_access.importer import import_file
from data_access.loaders import load_table, person_rows_as_at
from tests.conftest import DIRECTOR
from tests.store_snapshots import settle, snapshot
from tests.test_cases_import import EXTRACT, HEADER
from tests.test_cld_import import ROWS, SPACED, _csv

PEOPLE = ("P0001", "P0002", "P0003", "P0004")


def _file(folder: Path, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "extract.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _audit_text(store) -> str:
    events = schema.audit_events
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(events.c.dataset, events.c.entity_key, events.c.before, events.c.after)
        ).all()
    return repr([tuple(r) for r in rows])


def _imports(store) -> list[dict]:
    events = schema.audit_events
    with store.engine.connect() as conn:
        return list(
            conn.execute(
                select(events.c.after).where(events.c.action == "import").order_by(events.c.id)
            ).scalars()
        )


def test_one_audit_event_per_extract_with_its_counts_and_no_person(store, tmp_path):
    import_file(store, "cases", _file(tmp_path / "a", EXTRACT), actor=DIRECTOR)
    corrected = EXTRACT.replace(
        "2024-03-31,P0003,North locality", "2024-03-31,P0003,South locality"
    )
    corrected = corrected.replace("31/03/2024,P0002", "31/03/2024,P0004")
    import_file(store, "cases", _file(tmp_path / "b", corrected), actor=DIRECTOR)
    first, second = _imports(store)
    assert {k: first[k] for k in ("dataset", "file", "rows", "inserted", "updated")} == {
        "dataset": "cases",
        "file": "extract.csv",
        "rows": 3,
        "inserted": 3,
        "updated": 0,
    }
    assert first["extract_dates"] == ["2024-03-31"] and len(first["sha256"]) == 64
    # P0004 new, P0003 moved team, P0001 the same, P0002 left out
    counts = ("inserted", "updated", "unchanged", "removed")
    assert tuple(second[k] for k in counts) == (1, 1, 1, 1)
    text = _audit_text(store)
    assert not [p for p in PEOPLE if p in text]
    assert "North locality" not in text and "Physical support" not in text


def test_a_cld_file_is_one_event_with_its_period_and_no_person(store, tmp_path):
    path = _csv(tmp_path / "cld.csv", SPACED, ROWS)  # the CLD tests' literal file
    import_file(store, "cld", path, actor=DIRECTOR)
    (event,) = _imports(store)
    assert event["dataset"] == "cld" and event["inserted"] == event["rows"] > 0
    assert event["reporting_periods"]
    people = load_table(store, "cld_events")["person_id"].unique().to_list()
    text = _audit_text(store)
    assert people and not [p for p in people if p in text]


def test_the_same_extract_again_writes_nothing_but_its_event(store, tmp_path):
    path = _file(tmp_path / "a", EXTRACT)
    import_file(store, "cases", path, actor=DIRECTOR)
    settle(store)
    before = snapshot(store)
    with store.engine.connect() as conn:
        rows = conn.execute(select(schema.cases).order_by(schema.cases.c.id)).all()
    report = import_file(store, "cases", path, actor=DIRECTOR)
    assert (report.inserted, report.updated, report.unchanged, report.removed) == (0, 0, 3, 0)
    with store.engine.connect() as conn:
        again = conn.execute(select(schema.cases).order_by(schema.cases.c.id)).all()
    assert again == rows  # every column, loaded_at and version included
    after = snapshot(store)
    assert after.versions["cases"] == before.versions["cases"]
    assert after.counts["audit_events"] == before.counts["audit_events"] + 1


def _live(frame) -> dict[str, str]:
    return {
        p: team
        for p, team, gone in frame.select("person_id", "team", "removed_on").iter_rows()
        if gone is None
    }


def test_as_at_before_and_after_a_corrected_extract(store, tmp_path):
    import_file(store, "cases", _file(tmp_path / "a", EXTRACT), actor=DIRECTOR)
    today = days.today()
    # before the first load: nobody; at the day of the load: the three people
    assert load_table(store, "cases", as_at=today - timedelta(days=1)).is_empty()
    corrected = (
        HEADER + "\n2024-03-31,P0001,North locality,65+,,,,,,,,,,,,,\n"
        "2024-03-31,P0004,South locality,18-64,,,,,,,,,,,,,\n"
    )
    import_file(store, "cases", _file(tmp_path / "b", corrected), actor=DIRECTOR)
    assert _live(load_table(store, "cases", as_at=today)) == {
        "P0001": "North locality",
        "P0004": "South locality",
    }
    # the rule itself, on days either side of a removal and a first load (literal frame)
    stored = load_table(store, "cases").with_columns(
        first_loaded_on=pl.when(pl.col("person_id") == "P0004")
        .then(date(2024, 4, 9))
        .otherwise(date(2024, 4, 2)),
        removed_on=pl.when(pl.col("removed_on").is_not_null()).then(date(2024, 4, 9)),
    )
    assert _live(person_rows_as_at(stored, date(2024, 4, 8))) == {
        "P0001": "North locality",
        "P0002": "South locality",
        "P0003": "North locality",
    }
    assert _live(person_rows_as_at(stored, date(2024, 4, 9))) == {
        "P0001": "North locality",
        "P0004": "South locality",
    }
