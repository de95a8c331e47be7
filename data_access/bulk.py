"""Bulk reads and inserts inside a write transaction, fast on both databases.

A council's import writes tens of thousands of rows (and as many audit events). Row-by-row
statements, or one statement with hundreds of thousands of placeholders, cost seconds on
PostgreSQL; these helpers send arrays (a lookup by key) or ``COPY`` (an insert) instead, and
keep SQLAlchemy's own statements on SQLite, where they are already cheap. Either way the rows
go in on the caller's connection, inside its transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, Connection, Table, bindparam, func, insert, select, text, tuple_
from sqlalchemy.dialects.postgresql import ARRAY

# key tuples per SELECT on SQLite (the placeholder limit is 32,766)
SQLITE_KEY_CHUNK = 2_000


def rows_by_key(
    conn: Connection, table: Table, key: Sequence[str], keys: Sequence[tuple]
) -> dict[tuple, dict[str, Any]]:
    """The stored rows of ``table`` whose ``key`` columns match one of ``keys``, by key."""
    found: dict[tuple, dict[str, Any]] = {}
    if not keys:
        return found
    columns = [table.c[k] for k in key]
    if conn.dialect.name == "postgresql":
        arrays = [
            bindparam(f"keys_{i}", [k[i] for k in keys], type_=ARRAY(c.type))
            for i, c in enumerate(columns)
        ]
        wanted = select(*func.unnest(*arrays).table_valued(*key).render_derived("keys").c)
        statements = [select(table).where(tuple_(*columns).in_(wanted))]
    else:
        statements = []
        for start in range(0, len(keys), SQLITE_KEY_CHUNK):
            chunk = list(keys[start : start + SQLITE_KEY_CHUNK])
            condition = (
                columns[0].in_([k[0] for k in chunk])
                if len(columns) == 1
                else tuple_(*columns).in_(chunk)
            )
            statements.append(select(table).where(condition))
    for statement in statements:
        for row in conn.execute(statement):
            values = row._asdict()
            found[tuple(values[k] for k in key)] = values
    return found


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]], *, ids: bool) -> None:
    """Insert ``rows`` (dicts with the same columns); with ``ids``, set each row's new ``id``.

    Ids are given in the order of ``rows``, as an autoincrementing insert would give them.
    """
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        _copy_rows(conn, table, rows, ids=ids)
    else:
        if ids:
            # the write transaction holds SQLite's write lock, so no one else can take these:
            # they are the ids SQLite itself would give (max + 1 onwards), without RETURNING,
            # which SQLAlchemy can only sort into parameter order by inserting row by row
            last = conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
            for new_id, row in enumerate(rows, start=int(last) + 1):
                row["id"] = new_id
        conn.execute(insert(table), rows)


def _copy_rows(conn: Connection, table: Table, rows: list[dict[str, Any]], *, ids: bool) -> None:
    if ids:
        new_ids = conn.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence(:table, 'id')) AS id "
                "FROM generate_series(1, :count) ORDER BY 1"
            ),
            {"table": table.name, "count": len(rows)},
        ).scalars()
        for row, new_id in zip(rows, new_ids, strict=True):
            row["id"] = int(new_id)
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
