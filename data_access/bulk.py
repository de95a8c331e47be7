"""Bulk reads and inserts inside a write transaction, fast on both databases.

A council's import writes tens of thousands of rows (and as many audit events) into tables
that may already hold millions. Row-by-row statements, statements with one bound parameter per
value, and reads of whole tables each cost seconds at that scale. Here a lookup by key sends
the keys as one parameter per key column (PostgreSQL arrays) or one JSON parameter (SQLite)
and uses the unique index; an insert is a ``COPY`` on PostgreSQL and one ``executemany`` on
SQLite. Either way everything happens on the caller's connection, inside its transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import polars as pl
from sqlalchemy import (
    JSON,
    Connection,
    Table,
    and_,
    bindparam,
    func,
    insert,
    literal_column,
    select,
    text,
    tuple_,
)
from sqlalchemy.dialects.postgresql import ARRAY


def rows_by_key(
    conn: Connection, table: Table, key: Sequence[str], keys: Sequence[tuple] | pl.DataFrame
) -> dict[tuple, dict[str, Any]]:
    """The stored rows of ``table`` whose ``key`` columns match one of ``keys`` (tuples, or a
    frame of the key columns), by key."""
    found: dict[tuple, dict[str, Any]] = {}
    if isinstance(keys, pl.DataFrame):
        frame = keys.select(key)
    else:
        frame = pl.DataFrame(
            [list(k) for k in keys], schema=list(key), orient="row", infer_schema_length=None
        )
    if frame.is_empty():
        return found
    columns = [table.c[k] for k in key]
    if conn.dialect.name == "postgresql":
        arrays = [
            bindparam(f"keys_{i}", frame[k].to_list(), type_=ARRAY(c.type))
            for i, (k, c) in enumerate(zip(key, columns, strict=True))
        ]
        wanted = select(*func.unnest(*arrays).table_valued(*key).render_derived("keys").c)
        statement = select(table).where(tuple_(*columns).in_(wanted))
    else:
        # the keys as one JSON parameter, joined through json_each: SQLite then looks each up
        # by the unique index (a row-value IN scans the whole table, and a VALUES list of
        # thousands of rows costs SQLAlchemy a fresh compile each time). polars writes the
        # JSON (a date as SQLite holds it, 2024-03-31), not a loop over the keys
        encoded = (
            "["
            + frame.select(pl.struct(key).struct.json_encode()).to_series().str.join(",").item()
            + "]"
        )
        wanted = func.json_each(bindparam("keys", encoded)).table_valued("value").alias("keys")
        matches = and_(
            *(
                c == func.json_extract(wanted.c.value, literal_column(f"'$.{k}'"))
                for k, c in zip(key, columns, strict=True)
            )
        )
        statement = select(table).select_from(wanted).join(table, matches)
    for row in conn.execute(statement):
        stored = row._asdict()
        found[tuple(stored[k] for k in key)] = stored
    return found


def next_ids(conn: Connection, table: Table, count: int, *, reserve: bool = True) -> list[int]:
    """The ids ``count`` new rows of ``table`` get, in order, as an autoincrementing insert
    would give them. On PostgreSQL they are taken from the table's sequence; on SQLite they
    are max + 1 onwards (the write transaction holds SQLite's write lock, so no one else can
    take them), without RETURNING, which SQLAlchemy can only sort into parameter order by
    inserting row by row. ``reserve=False`` (a preview) counts from the largest id on both,
    taking nothing from a sequence, which no rollback gives back."""
    if not count:
        return []
    if conn.dialect.name == "postgresql" and reserve:
        taken = conn.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence(:table, 'id')) AS id "
                "FROM generate_series(1, :count) ORDER BY 1"
            ),
            {"table": table.name, "count": count},
        ).scalars()
        return [int(i) for i in taken]
    last = int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one())
    return list(range(last + 1, last + 1 + count))


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same columns; other keys are left out)."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        _copy_rows(conn, table, rows)
    else:
        conn.execute(insert(table), rows)


def _copy_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    names = [n for n in rows[0] if n in table.c]  # as insert(), ignore other keys
    as_json = {i for i, name in enumerate(names) if isinstance(table.c[name].type, JSON)}
    quote = conn.dialect.identifier_preparer.quote
    sql = f"COPY {quote(table.name)} ({', '.join(quote(n) for n in names)}) FROM STDIN"
    raw = conn.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            values = [row[n] for n in names]
            for i in as_json:
                # as SQLAlchemy's JSON type writes them: None as the JSON text null
                values[i] = json.dumps(values[i])
            copy.write_row(values)
