"""Upserts by natural key inside a write transaction, each changed row audited in full.

A row whose values are unchanged is left alone (no version bump, no audit event), so loading the
same file twice changes nothing. The comparison with the stored rows is made a column at a time
(``_plan``) for an import of a million rows and an edit of one alike. In a rehearsal
(``WriteTx.rehearsal``: an import's preview) the same plan is made and counted, and its changes
listed field by field; nothing is written.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from sqlalchemy import JSON, Table, and_, bindparam, update
from sqlalchemy import types as sql_types

from data_access.bulk import insert_rows, next_ids, rows_by_key
from data_access.store import StaleVersionError, WriteTx, jsonable

PROVENANCE_SYSTEM_FIELDS = ("loaded_by", "loaded_at", "version")
CHANGE_COLUMNS = ("table", "item", "field", "before", "after")
NEW, CHANGED, SAME = "new", "changed", "same"


@dataclass
class UpsertResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    # each row of the file's: its key columns, what happened to it (NEW, CHANGED, SAME) and its
    # id (in a rehearsal, a new row's is the id an insert would give it)
    rows: pl.DataFrame | None = None
    # a rehearsal's changes, one row per changed field (CHANGE_COLUMNS)
    changes: pl.DataFrame | None = None
    # stored rows a file that replaces a set of rows (a corrected extract) left out: marked
    # removed (``person_rows``), never deleted
    removed: int = 0
    # what the writer has to say about the rows beyond the counts (a CLD file's codes that
    # match nothing on DHSC's lists), in words for the preview and the success line
    notes: list[str] = field(default_factory=list)
    # what a person-level file covers (its extract dates, its reporting periods), for the
    # import's one audit event (``person_rows``)
    covers: dict[str, list[str]] = field(default_factory=dict)


def entity_key(key_values: tuple) -> str:
    return "|".join(str(jsonable(v)) for v in key_values)


def _item(key: Sequence[str]) -> pl.Expr:
    """``entity_key`` a column at a time: the key's values as text, joined with '|'."""
    return pl.concat_str([pl.col(k).cast(pl.String) for k in key], separator="|")


def _dtype(column) -> pl.DataType:
    kind = column.type
    if isinstance(kind, sql_types.Boolean):
        return pl.Boolean()
    if isinstance(kind, sql_types.Integer):
        return pl.Int64()
    if isinstance(kind, sql_types.DateTime):
        return pl.Object()
    if isinstance(kind, sql_types.Date):
        return pl.Date()
    return pl.String()  # text, and JSON as its canonical text (``_as_text``)


def _json_columns(table: Table) -> list[str]:
    return [c.name for c in table.columns if isinstance(c.type, JSON)]


def _as_text(value: Any) -> Any:
    return None if value is None else json.dumps(jsonable(value), sort_keys=True)


def _as_table_types(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """The frame's columns that are the table's, each typed as ``frame_of`` types it (a JSON
    column as its canonical text, made outside polars: no Python callback in a query)."""
    names = [n for n in frame.columns if n in table.c]
    json_columns = set(_json_columns(table))
    replaced = [
        pl.Series(n, [_as_text(v) for v in frame[n].to_list()], dtype=pl.String)
        for n in names
        if n in json_columns and frame.schema[n] != pl.String
    ]
    frame = frame.select(names).with_columns(replaced)
    return frame.cast({n: _dtype(table.c[n]) for n in names if n not in json_columns})


def frame_of(table: Table, rows: Sequence[dict[str, Any]]) -> pl.DataFrame:
    """Rows (dicts of column values) as a frame typed by the table's columns; other keys are
    left out, as an insert leaves them."""
    names = [n for n in rows[0] if n in table.c] if rows else []
    json_columns = set(_json_columns(table))
    data = {
        name: [_as_text(r[name]) if name in json_columns else r[name] for r in rows]
        for name in names
    }
    return pl.DataFrame(data, schema={n: _dtype(table.c[n]) for n in names})


def upsert(
    tx: WriteTx,
    table: Table,
    rows: Sequence[dict[str, Any]],
    key: Sequence[str],
    *,
    action: str = "import",
    expected_versions: dict[tuple, int] | None = None,
    reason: str | None = None,
) -> UpsertResult:
    """Insert or update ``rows`` (dicts of column values) matched on ``key`` columns."""
    if not rows:
        return UpsertResult()
    return upsert_frame(
        tx,
        table,
        frame_of(table, rows),
        key,
        action=action,
        expected_versions=expected_versions,
        reason=reason,
    )


def upsert_frame(
    tx: WriteTx,
    table: Table,
    frame: pl.DataFrame,
    key: Sequence[str],
    *,
    action: str = "import",
    expected_versions: dict[tuple, int] | None = None,
    reason: str | None = None,
) -> UpsertResult:
    """Insert or update the rows of ``frame`` (typed by ``frame_of``'s rule) matched on ``key``.

    ``expected_versions`` maps a key to the version the writer last saw (0: none, a new row);
    a mismatch raises ``StaleVersionError`` and the whole transaction rolls back.
    """
    if frame.is_empty():
        return UpsertResult()
    frame = _as_table_types(table, frame).unique(
        subset=list(key), keep="first", maintain_order=True
    )
    plan = _plan(tx, table, frame, key, expected_versions)
    result = UpsertResult(
        inserted=plan.inserts.height,
        updated=plan.updates.height,
        unchanged=frame.height - plan.inserts.height - plan.updates.height,
    )
    new_ids = next_ids(tx.conn, table, plan.inserts.height, reserve=not tx.rehearsal)
    inserts = plan.inserts.with_columns(pl.Series("id", new_ids, dtype=pl.Int64))
    result.rows = pl.concat(
        [
            plan.matched.select(*key, "state", "id"),
            inserts.select(*key, pl.lit(NEW).alias("state"), "id"),
        ]
    )
    if tx.rehearsal:
        result.changes = plan.changes
        return result
    json_columns = _json_columns(table)
    inserted = [
        {**_decoded(row, json_columns), "loaded_by": tx.actor, "loaded_at": tx.now, "version": 1}
        for row in inserts.to_dicts()
    ]
    updates = []
    for row in plan.updates.to_dicts():
        before = plan.stored[tuple(row[k] for k in key)]
        after = {**before, **_decoded(row, json_columns), "loaded_by": tx.actor}
        updates.append((before, {**after, "loaded_at": tx.now, "version": before["version"] + 1}))
    if inserted:
        insert_rows(tx.conn, table, inserted)
    if updates:
        _apply_updates(tx, table, key, updates)
    _audit_changes(tx, table, key, inserted, updates, action, reason)
    return result


def _decoded(row: dict[str, Any], json_columns: Sequence[str]) -> dict[str, Any]:
    for name in json_columns:
        if name in row and row[name] is not None:
            row[name] = json.loads(row[name])
    return row


@dataclass
class _Plan:
    inserts: pl.DataFrame  # the frame's rows with no stored row
    updates: pl.DataFrame  # the frame's rows whose stored row differs
    matched: pl.DataFrame  # key, "state" (CHANGED or SAME) and the stored "id"
    stored: dict[tuple, dict[str, Any]] = field(default_factory=dict)  # by key, as read
    changes: pl.DataFrame | None = None


def _plan(tx: WriteTx, table: Table, frame: pl.DataFrame, key, expected) -> _Plan:
    """Which rows of ``frame`` are new, changed or the same as stored: compared column by
    column over every row at once, on the columns the frame gives (not the key, not the
    store's own)."""
    key = list(key)
    stored = rows_by_key(tx.conn, table, key, frame.select(key))
    compared = [c for c in frame.columns if c not in (*key, *PROVENANCE_SYSTEM_FIELDS, "id")]
    json_columns = set(_json_columns(table))
    held = pl.DataFrame(
        {
            **{k: [r[k] for r in stored.values()] for k in key},
            **{
                f"s:{c}": [_as_text(r[c]) if c in json_columns else r[c] for r in stored.values()]
                for c in compared
            },
            "s:id": [r["id"] for r in stored.values()],
            "s:version": [r.get("version") for r in stored.values()],
        },
        schema={
            **{k: frame.schema[k] for k in key},
            **{f"s:{c}": frame.schema[c] for c in compared},
            "s:id": pl.Int64,
            "s:version": pl.Int64,
        },
    )
    joined = frame.join(held, on=key, how="left", nulls_equal=True, maintain_order="left")
    differs = pl.any_horizontal(
        [pl.col(c).ne_missing(pl.col(f"s:{c}")) for c in compared] or [pl.lit(False)]
    )
    joined = joined.with_columns(
        pl.col("s:id").is_not_null().alias("_held"), differs.alias("_differs")
    )
    if expected:
        _check_versions(table, key, joined, expected, stored)
    matched = joined.filter(pl.col("_held"))
    changed = matched.filter(pl.col("_differs"))
    return _Plan(
        inserts=joined.filter(~pl.col("_held")).select(frame.columns),
        updates=changed.select(frame.columns),
        matched=matched.select(
            *key,
            pl.when(pl.col("_differs"))
            .then(pl.lit(CHANGED))
            .otherwise(pl.lit(SAME))
            .alias("state"),
            pl.col("s:id").alias("id"),
        ),
        stored=stored,
        changes=_changes(table, key, changed, compared) if tx.rehearsal else None,
    )


def _check_versions(table, key, joined: pl.DataFrame, expected, stored) -> None:
    """Expected version 0: the writer saw no such row, so there must still be none."""
    wanted = pl.DataFrame(
        {
            **{k: [v[i] for v in expected] for i, k in enumerate(key)},
            "_expected": list(expected.values()),
        },
        schema={**{k: joined.schema[k] for k in key}, "_expected": pl.Int64},
    )
    stale = (
        joined.join(wanted, on=key, how="inner", nulls_equal=True, maintain_order="left")
        .filter(pl.col("s:version").fill_null(0) != pl.col("_expected"))
        .select(*key, "_expected")
    )
    if not stale.is_empty():
        *values, version = stale.row(0)
        row_key = tuple(values)
        raise StaleVersionError(table.name, entity_key(row_key), version, stored.get(row_key))


def _changes(table: Table, key, changed: pl.DataFrame, compared) -> pl.DataFrame:
    """Each changed field of each changed row, as text: the preview's list of changes."""
    frames = [
        changed.filter(pl.col(c).ne_missing(pl.col(f"s:{c}"))).select(
            pl.lit(table.name).alias("table"),
            _item(key).alias("item"),
            pl.lit(c).alias("field"),
            pl.col(f"s:{c}").cast(pl.String).alias("before"),
            pl.col(c).cast(pl.String).alias("after"),
        )
        for c in compared
    ]
    if not frames:
        return pl.DataFrame(schema=dict.fromkeys(CHANGE_COLUMNS, pl.String))
    return pl.concat(frames)


def _apply_updates(tx: WriteTx, table: Table, key, updates) -> None:
    columns = [c for c in updates[0][1] if c not in (*key, "id")]
    statement = (
        update(table)
        .where(and_(*(table.c[k] == bindparam(f"k_{k}") for k in key)))
        .where(table.c.version == bindparam("k_version"))
        .values({c: bindparam(f"v_{c}") for c in columns})
    )
    params = [
        {
            **{f"k_{k}": before[k] for k in key},
            "k_version": before["version"],
            **{f"v_{c}": after[c] for c in columns},
        }
        for before, after in updates
    ]
    outcome = tx.conn.execute(statement, params)
    if outcome.rowcount is not None and 0 <= outcome.rowcount < len(params):
        # another writer changed a row between our read and our update (PostgreSQL reads
        # without a lock): name that row as it is now, so the refusal can show their change
        held = rows_by_key(tx.conn, table, key, [tuple(b[k] for k in key) for b, _ in updates])
        for before, _ in updates:
            row_key = tuple(before[k] for k in key)
            current = held.get(row_key)
            if current is None or current["version"] != before["version"]:
                raise StaleVersionError(table.name, entity_key(row_key), before["version"], current)
        before = updates[0][0]
        raise StaleVersionError(
            table.name, entity_key(tuple(before[k] for k in key)), before["version"], None
        )


def _audit_changes(tx: WriteTx, table: Table, key, inserts, updates, action, reason) -> None:
    for row in inserts:
        row_key = tuple(row[k] for k in key)
        tx.audit(f"{action}:insert", table.name, entity_key(row_key), None, row, reason)
    for before, after in updates:
        row_key = tuple(before[k] for k in key)
        tx.audit(f"{action}:update", table.name, entity_key(row_key), before, after, reason)
