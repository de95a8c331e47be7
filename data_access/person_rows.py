"""The census extract (``cases``) written in bulk and audited once per import (CLD events, the
other person-level dataset, are kept as loads: ``cld_store``).

A census extract holds about 100,000 people. Written
through the shared upsert (``writes.upsert_frame``) each row cost an audit event holding its
whole state, so every person's values stayed in the audit trail for good, and the writes took
most of an import's time. Here instead:

- **One audit event per import.** The importer's ``import`` event (dataset ``imports``) names
  the dataset, the file, its SHA-256, the counts (new, changed, unchanged, removed) and what the
  file covers (a census's extract dates, a CLD file's reporting periods): no person id and no
  person's value reaches the audit table. ``ascgov history`` of a person shows nothing.
- **What history is kept.** Each row holds its latest values, the UK day it was first loaded
  (``first_loaded_on``), when and by whom it was last written (``loaded_at``, ``loaded_by``,
  ``version``) and, for a census row a corrected extract left out, the day it was marked removed
  (``removed_on``). An as-at read (``loaders.load_table(..., as_at=day)``) counts a row from its
  first load until its removal, with its latest values.
- **What is not kept.** The earlier values of a row that a corrected file changed (the as-at
  view of a day before the correction shows the corrected values), and the days a row was
  removed before a later file named it again (it counts as present throughout).
- **Unchanged rows write nothing.** Each row carries a hash of its values as loaded
  (``row_hash``, polars' ``hash_rows`` with fixed seeds). The file's keys go into a temporary
  table in one bulk statement and one join against the stored rows gives each its id, version and
  hash; only rows whose hash differs (or is missing: a row from before this scheme, or a polars
  version that hashes differently) are read back and compared value by value, so a file loaded
  again reads no values and writes nothing. A row found equal by value gets its hash filled in
  quietly (no version, no audit: its values did not change).
- **Bulk statements.** New rows go in as one ``executemany`` of a prepared insert on SQLite (the
  process's one SQLite library; into an empty table with its secondary indexes made after the
  rows, ``_sqlite_bulk``) and as ``COPY`` on PostgreSQL; changed rows as one ``executemany``
  of an update checked against the version read (``writes._apply_updates``); rows a corrected
  extract leaves out are marked removed by one ``UPDATE`` (never deleted). All of it inside the
  import's transaction, with its version check and the dataset's version bump.
- **The preview** (``WriteTx.rehearsal``) counts the same way and lists each change before ->
  after, up to ``CHANGES_LISTED`` rows of each kind; how many more there are is said in
  ``notes``.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import Connection, Table, and_, column, exists, select, table, update

from data_access.store import StaleVersionError, WriteTx
from data_access.writes import (
    CHANGE_COLUMNS,
    PROVENANCE_SYSTEM_FIELDS,
    UpsertResult,
    _apply_updates,
    _as_table_types,
    _plan,
    entity_key,
)

# the rows of each kind a preview lists change by change; the rest are counted
CHANGES_LISTED = 500
# rows sent to the database per statement or COPY chunk: bounded memory for a million rows
_CHUNK = 100_000
_KEYS_TABLE = "person_keys"
# SQLite's page cache (KiB) while a large file is inserted: the indexes being written stay in it
_SQLITE_CACHE_KIB = 128 * 1024
_HASH_SEED = 2024
_OWN = ("id", "first_loaded_on", "row_hash")


@dataclass(frozen=True)
class Replaces:
    """The stored rows a file replaces: those whose ``column`` is one of ``values`` (a census's
    extract dates), narrowed by ``only`` (column -> values the importer may load: an officer's
    teams). Those the file does not name are marked removed on ``marker``."""

    column: str
    values: Sequence[Any]
    only: dict[str, Sequence[Any]] | None = None
    marker: str = "removed_on"


def write_person_rows(
    tx: WriteTx,
    target: Table,
    frame: pl.DataFrame,
    key: Sequence[str],
    *,
    expected_versions: dict[tuple, int] | None = None,
    replaces: Replaces | None = None,
) -> UpsertResult:
    """Insert, update or leave alone the rows of ``frame`` matched on ``key``, as the module
    docstring says; mark removed what ``replaces`` names and the file does not."""
    key = list(key)
    frame = _as_table_types(target, frame)
    # the importer has refused a file naming a key twice: the first row of a key is kept
    if frame.select(pl.struct(key).is_duplicated().any()).item():
        frame = frame.unique(subset=key, keep="first", maintain_order=True)
    compared = sorted(c for c in frame.columns if c not in (*key, *PROVENANCE_SYSTEM_FIELDS, *_OWN))
    frame = frame.with_columns(row_hash(frame, compared))
    held = _any_rows(tx.conn, target)
    numbered = frame.with_row_index("_n")
    if held:
        _load_keys(tx.conn, target, frame.select(*key, "row_hash"), indexed=replaces is not None)
        matches = _stored_matches(tx.conn, target, every=bool(expected_versions))
        # a row left out of the matches is stored with the same hash: unchanged
        joined = numbered.join(matches, on="_n", how="inner")
    else:
        joined = numbered.with_columns(
            pl.lit(None, dtype=pl.Int64).alias(name) for name in ("s:id", "s:version", "s:hash")
        )
    if expected_versions:
        _check_versions(tx, target, key, joined, expected_versions)
    result = UpsertResult()
    new = joined.filter(pl.col("s:id").is_null()).select(frame.columns)
    suspect = joined.filter(
        pl.col("s:id").is_not_null() & pl.col("s:hash").ne_missing(pl.col("row_hash"))
    ).select(frame.columns)
    result.inserted = new.height
    updates, quiet, changes = _compare(tx, target, key, suspect)
    result.updated = len(updates)
    result.unchanged = frame.height - new.height - len(updates)
    replacing = held and replaces is not None
    if tx.rehearsal:
        gone = _absent(tx, target, key, replaces) if replacing else None
        result.removed = 0 if gone is None else gone.height
        result.changes, result.notes = _listed(target, key, changes, gone, tx)
        return result
    if not new.is_empty():
        _insert(tx, target, new, first=not held)
    if updates:
        _apply_updates(tx, target, key, updates)
    if quiet:
        _fill_hashes(tx.conn, target, quiet)
    if replacing:
        result.removed = _mark_removed(tx, target, replaces)
    if result.inserted or result.updated or result.removed:
        tx.touched.add(target.name)
    return result


def row_hash(frame: pl.DataFrame, compared: Sequence[str]) -> pl.Series:
    """A 64-bit hash of each row's ``compared`` values (stable for one polars version: a
    different hash only costs a comparison by value)."""
    hashed = frame.select(compared).hash_rows(seed=_HASH_SEED)
    return hashed.reinterpret(signed=True).alias("row_hash")


def _any_rows(conn: Connection, target: Table) -> bool:
    # a first load into an empty table has nothing to match, compare or replace
    return conn.execute(select(target.c.id).limit(1)).first() is not None


def _load_keys(conn: Connection, target: Table, keys: pl.DataFrame, *, indexed: bool) -> None:
    """The file's keys and row hashes (``h``), numbered in file order, in a temporary table
    for this transaction. Its columns are declared as the table's: SQLite compares a date
    column with an undeclared one by other rules, and then cannot use the index."""
    names = [n for n in keys.columns if n != "row_hash"]
    numbered = keys.rename({"row_hash": "h"}).with_row_index("n")
    numbered = numbered.with_columns(pl.col("n").cast(pl.Int64))
    types = ", ".join(f"{n} {target.c[n].type.compile(dialect=conn.dialect)}" for n in names)
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{_KEYS_TABLE}")
        conn.exec_driver_sql(
            f"CREATE TEMP TABLE {_KEYS_TABLE} (n INTEGER PRIMARY KEY, {types}, h BIGINT)"
        )
        marks = ", ".join("?" * (len(names) + 2))
        for chunk in _sqlite_chunks(numbered):
            conn.exec_driver_sql(f"INSERT INTO temp.{_KEYS_TABLE} VALUES ({marks})", chunk)
        if indexed:
            conn.exec_driver_sql(
                f"CREATE INDEX temp.{_KEYS_TABLE}_key ON {_KEYS_TABLE} ({', '.join(names)})"
            )
        return
    # a temporary table left by an earlier write of the same transaction goes first
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS pg_temp.{_KEYS_TABLE}")
    conn.exec_driver_sql(
        f"CREATE TEMP TABLE {_KEYS_TABLE} (n BIGINT, {types}, h BIGINT) ON COMMIT DROP"
    )
    _copy(conn, _KEYS_TABLE, numbered)
    if indexed:
        conn.exec_driver_sql(f"CREATE INDEX ON {_KEYS_TABLE} ({', '.join(names)})")
    conn.exec_driver_sql(f"ANALYZE {_KEYS_TABLE}")


def _keys_table(target: Table, key: Sequence[str]):
    return table(_KEYS_TABLE, column("n"), column("h"), *(column(k) for k in key))


def _stored_matches(conn: Connection, target: Table, *, every: bool) -> pl.DataFrame:
    """The file rows the store holds that are not new and unchanged: their number in the file,
    the stored id, version and hash. ``every`` (a file naming versions to check): each file
    row the store holds. Otherwise only those with no stored row or another stored hash: a
    file loaded again reads next to nothing back."""
    key = [c.name for c in _unique_key(target)]
    keys = _keys_table(target, key)
    statement = select(keys.c.n, target.c.id, target.c.version, target.c.row_hash).join_from(
        keys, target, and_(*(target.c[k] == keys.c[k] for k in key)), isouter=True
    )
    if not every:
        statement = statement.where(target.c.row_hash.is_distinct_from(keys.c.h))
    rows = conn.execute(statement).all()
    return pl.DataFrame(
        rows,
        schema={"_n": pl.UInt32, "s:id": pl.Int64, "s:version": pl.Int64, "s:hash": pl.Int64},
        orient="row",
    )


def _unique_key(target: Table):
    from sqlalchemy import UniqueConstraint

    (constraint,) = [c for c in target.constraints if isinstance(c, UniqueConstraint)]
    return list(constraint.columns)


def _check_versions(tx, target, key, joined: pl.DataFrame, expected) -> None:
    """A version the file names must be the stored row's (0: the writer saw no such row)."""
    wanted = pl.DataFrame(
        {
            **{k: [v[i] for v in expected] for i, k in enumerate(key)},
            "_expected": list(expected.values()),
        },
        schema={**{k: joined.schema[k] for k in key}, "_expected": pl.Int64},
    )
    stale = (
        joined.join(wanted, on=key, how="inner", nulls_equal=True)
        .filter(pl.col("s:version").fill_null(0) != pl.col("_expected"))
        .select(*key, "_expected")
    )
    if not stale.is_empty():
        *values, version = stale.row(0)
        from data_access.bulk import rows_by_key

        current = rows_by_key(tx.conn, target, key, [tuple(values)]).get(tuple(values))
        raise StaleVersionError(target.name, entity_key(tuple(values)), version, current)


def _compare(tx: WriteTx, target: Table, key, suspect: pl.DataFrame):
    """The rows whose hash differs, compared by value (``writes._plan``): the updates to make
    (before, after), the rows equal after all (their id and new hash), the preview's changes."""
    if suspect.is_empty():
        return [], [], None
    hashes = suspect.select(*key, "row_hash")
    plan = _plan(tx, target, suspect.drop("row_hash"), key, None)
    changed = plan.updates.join(hashes, on=key, how="left", nulls_equal=True)
    updates = []
    for row in changed.to_dicts():
        before = plan.stored[tuple(row[k] for k in key)]
        after = {**before, **row, "loaded_by": tx.actor, "loaded_at": tx.now}
        updates.append((before, {**after, "version": before["version"] + 1}))
    same = (
        plan.matched.filter(pl.col("state") == "same")
        .join(hashes, on=key, how="left", nulls_equal=True)
        .select("id", "row_hash")
    )
    return updates, same.rows(), plan.changes


def _absent_where(target: Table, replaces: Replaces):
    key = [c.name for c in _unique_key(target)]
    keys = _keys_table(target, key)
    named = exists().where(and_(*(keys.c[k] == target.c[k] for k in key)))
    conditions = [
        target.c[replaces.column].in_(list(replaces.values)),
        target.c[replaces.marker].is_(None),
        ~named,
    ]
    for name, allowed in (replaces.only or {}).items():
        conditions.append(target.c[name].in_(list(allowed)))
    return and_(*conditions)


def _absent(tx: WriteTx, target: Table, key, replaces: Replaces) -> pl.DataFrame:
    """The keys of the stored rows ``replaces`` names that the file does not, in key order."""
    statement = (
        select(*(target.c[k] for k in key))
        .where(_absent_where(target, replaces))
        .order_by(*(target.c[k] for k in key))
    )
    rows = tx.conn.execute(statement).all()
    schema = {k: _polars_type(target.c[k]) for k in key}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _polars_type(col) -> pl.DataType:
    from sqlalchemy import Date

    return pl.Date() if isinstance(col.type, Date) else pl.String()


def _mark_removed(tx: WriteTx, target: Table, replaces: Replaces) -> int:
    # its hash goes: the same row named again must read as changed (it comes back)
    statement = (
        update(target)
        .where(_absent_where(target, replaces))
        .values(
            {
                replaces.marker: tx.today,
                "loaded_by": tx.actor,
                "loaded_at": tx.now,
                "version": target.c.version + 1,
                "row_hash": None,
            }
        )
    )
    return tx.conn.execute(statement).rowcount


def _fill_hashes(conn: Connection, target: Table, rows: list[tuple[int, int]]) -> None:
    from sqlalchemy import bindparam

    statement = (
        update(target).where(target.c.id == bindparam("k_id")).values(row_hash=bindparam("v_h"))
    )
    conn.execute(statement, [{"k_id": i, "v_h": h} for i, h in rows])


def _insert(tx: WriteTx, target: Table, new: pl.DataFrame, *, first: bool) -> None:
    """``new`` inserted; ``first``: the table held no row before."""
    # in the unique index's order: each insert then lands beside the last in the index
    key = [c.name for c in _unique_key(target)]
    rows = new.sort(key).with_columns(
        pl.lit(tx.actor).alias("loaded_by"),
        pl.lit(1, dtype=pl.Int64).alias("version"),
        pl.lit(tx.today).alias("first_loaded_on"),
    )
    if tx.conn.dialect.name == "sqlite":
        # as SQLAlchemy writes an instant into SQLite: UTC wall time as text
        rows = rows.with_columns(pl.lit(tx.now.strftime("%Y-%m-%d %H:%M:%S.%f")).alias("loaded_at"))
        names = rows.columns
        sql = (
            f'INSERT INTO "{target.name}" ({", ".join(names)}) '
            f"VALUES ({', '.join('?' * len(names))})"
        )
        with _sqlite_bulk(tx.conn, target, rebuild=first):
            for chunk in _sqlite_chunks(rows):
                tx.conn.exec_driver_sql(sql, chunk)
        return
    rows = rows.with_columns(pl.lit(tx.now.isoformat()).alias("loaded_at"))
    _copy(tx.conn, target.name, rows)


@contextmanager
def _sqlite_bulk(conn: Connection, target: Table, *, rebuild: bool):
    """Many rows inserted on SQLite: with a page cache that holds the indexes being written
    (SQLite's default 2 MB spills them to the WAL page after page), and, into an empty table,
    its other indexes dropped and made again after the rows (one sort instead of an insert per
    row at a random place). Inside the import's transaction: a failure undoes the drop too, and
    readers see the table as it was until the commit."""
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{_SQLITE_CACHE_KIB}")
    indexes = [index for index in target.indexes if not index.unique] if rebuild else []
    try:
        for index in indexes:
            index.drop(conn)
        yield
        for index in indexes:
            index.create(conn)
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(before)}")


def _sqlite_chunks(frame: pl.DataFrame):
    """The frame's rows as sqlite3 takes them (dates as ISO text, booleans as 0 and 1), a chunk
    at a time."""
    typed = frame.with_columns(pl.col(pl.Date).cast(pl.String), pl.col(pl.Boolean).cast(pl.Int64))
    for start in range(0, typed.height, _CHUNK):
        # a column at a time is several times quicker than polars' row tuples
        chunk = typed.slice(start, _CHUNK)
        yield list(zip(*(chunk[c].to_list() for c in chunk.columns), strict=True))


def _copy(conn: Connection, name: str, frame: pl.DataFrame) -> None:
    """``COPY`` the frame into ``name`` as CSV (polars writes an empty text as "" and a null
    as nothing, which is how PostgreSQL's CSV format tells them apart)."""
    quote = conn.dialect.identifier_preparer.quote
    columns = ", ".join(quote(n) for n in frame.columns)
    sql = f"COPY {quote(name)} ({columns}) FROM STDIN WITH (FORMAT csv)"
    raw = conn.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        for start in range(0, frame.height, _CHUNK):
            copy.write(frame.slice(start, _CHUNK).write_csv(include_header=False))


def not_listed(count: int, what: str) -> str:
    """A preview's words for the rows of a kind beyond the first ``CHANGES_LISTED``."""
    more = count - CHANGES_LISTED
    return f"{more:,} more {what} are not listed (the first {CHANGES_LISTED:,} are)"


def _listed(target: Table, key, changes, gone, tx: WriteTx) -> tuple[pl.DataFrame, list[str]]:
    """A preview's changes: each changed field of up to ``CHANGES_LISTED`` changed rows, and up
    to as many rows marked removed; how many were left out, in words."""
    empty = pl.DataFrame(schema=dict.fromkeys(CHANGE_COLUMNS, pl.String))
    notes = []
    listed = [empty]
    if changes is not None and not changes.is_empty():
        items = changes["item"].unique(maintain_order=True)
        if items.len() > CHANGES_LISTED:
            kept = items.head(CHANGES_LISTED)
            changes = changes.filter(pl.col("item").is_in(kept.implode()))
            notes.append(not_listed(items.len(), "changed rows"))
        listed.append(changes)
    if gone is not None and not gone.is_empty():
        if gone.height > CHANGES_LISTED:
            notes.append(not_listed(gone.height, "rows to be removed"))
        listed.append(
            gone.head(CHANGES_LISTED).select(
                pl.lit(target.name).alias("table"),
                pl.concat_str([pl.col(k).cast(pl.String) for k in key], separator="|").alias(
                    "item"
                ),
                pl.lit("removed_on").alias("field"),
                pl.lit(None, dtype=pl.String).alias("before"),
                pl.lit(tx.today.isoformat()).alias("after"),
            )
        )
    return pl.concat(listed), notes
