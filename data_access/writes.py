"""Upserts by natural key inside a write transaction, each changed row audited in full.

A row whose values are unchanged is left alone (no version bump, no audit event), so loading the
same file twice changes nothing. In a rehearsal (``WriteTx.rehearsal``: an import's preview)
the same comparison is made against the same stored rows, and only the update events are kept
for the preview's list of changes: nothing is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, and_, bindparam, func, select, update

from data_access.bulk import insert_rows, rows_by_key
from data_access.store import StaleVersionError, WriteTx, jsonable

PROVENANCE_SYSTEM_FIELDS = ("loaded_by", "loaded_at", "version")


@dataclass
class UpsertResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    # the id of each row written or matched, by key (a rehearsal's new rows get the ids an
    # insert would give them)
    ids: dict[tuple, int] = field(default_factory=dict)
    # the keys of the rows inserted and updated, so a dataset can count its file's rows
    inserted_keys: set[tuple] = field(default_factory=set)
    updated_keys: set[tuple] = field(default_factory=set)

    def add(self, other: UpsertResult) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.ids |= other.ids
        self.inserted_keys |= other.inserted_keys
        self.updated_keys |= other.updated_keys


def entity_key(key_values: tuple) -> str:
    return "|".join(str(jsonable(v)) for v in key_values)


def _comparable(row: dict[str, Any], columns: Sequence[str]) -> tuple:
    return tuple(jsonable(row.get(c)) for c in columns)


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
    """Insert or update ``rows`` (dicts of column values) matched on ``key`` columns.

    ``expected_versions`` maps a key to the version the writer last saw (0: none, a new row);
    a mismatch raises ``StaleVersionError`` and the whole transaction rolls back.
    """
    result = UpsertResult()
    if not rows:
        return result
    # only the stored rows these rows may match: a national store holds millions
    existing = rows_by_key(
        tx.conn, table, key, list(dict.fromkeys(tuple(row[k] for k in key) for row in rows))
    )
    compared = [c for c in rows[0] if c not in (*key, *PROVENANCE_SYSTEM_FIELDS, "id")]
    inserts, updates = [], []
    for row in rows:
        row_key = tuple(row[k] for k in key)
        current = existing.get(row_key)
        expected = (expected_versions or {}).get(row_key)
        # expected version 0: the writer saw no such row, so there must still be none
        if expected is not None and (0 if current is None else current["version"]) != expected:
            raise StaleVersionError(table.name, entity_key(row_key), expected, current)
        if current is None:
            inserts.append({**row, "loaded_by": tx.actor, "loaded_at": tx.now, "version": 1})
            continue
        result.ids[row_key] = current["id"]
        if _comparable(current, compared) != _comparable(row, compared):
            after = {
                **current,
                **row,
                "loaded_by": tx.actor,
                "loaded_at": tx.now,
                "version": current["version"] + 1,
            }
            updates.append((current, after))
        else:
            result.unchanged += 1
    result.inserted, result.updated = len(inserts), len(updates)
    result.inserted_keys = {tuple(row[k] for k in key) for row in inserts}
    result.updated_keys = {tuple(before[k] for k in key) for before, _ in updates}
    if tx.rehearsal:
        _provisional_ids(tx, table, inserts)
        # the preview lists changed fields only: new rows are counted, not itemised
        _audit_changes(tx, table, key, [], updates, action, reason)
    else:
        if inserts:
            insert_rows(tx.conn, table, inserts, ids=True)
        if updates:
            _apply_updates(tx, table, key, updates)
        _audit_changes(tx, table, key, inserts, updates, action, reason)
    result.ids |= {tuple(row[k] for k in key): row["id"] for row in inserts}
    return result


def _provisional_ids(tx: WriteTx, table: Table, inserts: list[dict[str, Any]]) -> None:
    """The ids the inserts would be given, for rows that refer to them (an action's meeting)."""
    if not inserts:
        return
    last = tx.conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
    for new_id, row in enumerate(inserts, start=int(last) + 1):
        row["id"] = new_id


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
