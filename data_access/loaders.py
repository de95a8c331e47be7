"""Reads: whole tables into polars, with the dataset versions that key caches.

PostgreSQL is read through ADBC (Arrow, fast at national scale); SQLite through Python's
``sqlite3``, the one SQLite library the process writes with (see ``_fetch_sqlite``). Each table
comes back with the same dtypes on both (SQLite hands dates back as text; the frames here always
hold ``pl.Date`` and UTC datetimes). ``as_at`` rebuilds a table as it stood at the end of a past
UK day (midnight in London: ``data_access.days``) from the audit history, which holds every
row's full state; except the person-level datasets, whose imports keep no per-row states: the
census (``cases``, ``data_access.person_rows``) as at a day is the rows first loaded by then and
not removed by then, with their latest values; the CLD events (``cld_events``) are read from the
loads made by then (``data_access.cld_store``).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from functools import cache

import polars as pl
from sqlalchemy import JSON, Integer, Table, Text, cast, select
from sqlalchemy.engine import make_url

from data_access import cld_store, days, schema
from data_access.store import Store

# rows cross from sqlite3 into polars this many at a time: a national table's rows as Python
# objects all at once would take gigabytes
_SQLITE_BATCH_ROWS = 100_000
# how SQLAlchemy writes a DateTime into SQLite (as text, UTC here)
_SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S%.f"


@cache
def table_schema(name: str) -> dict[str, pl.DataType]:
    """The polars schema of a table's frame."""
    if name == schema.cld_events.name:
        return dict(cld_store.EVENT_SCHEMA)  # its rows are loads of events
    return {c.name: schema.polars_dtype(c) for c in schema.metadata.tables[name].columns}


def _sorted_here(name: str, dialect: str) -> str | None:
    """The integer id a table's frame is sorted by in polars rather than by the database.

    PostgreSQL sorts a large table before sending the first row (seconds for millions of
    rows); its rows mostly arrive in id order anyway and polars checks or sorts them quickly.
    SQLite reads a table in rowid order for free.
    """
    key = list(schema.metadata.tables[name].primary_key.columns)
    if dialect == "postgresql" and len(key) == 1 and isinstance(key[0].type, Integer):
        return key[0].name
    return None


@cache
def _select_sql(name: str, dialect: str) -> str:
    table: Table = schema.metadata.tables[name]
    # JSON arrives as an Arrow extension type from PostgreSQL; text reads the same everywhere
    columns = [
        cast(c, Text).label(c.name) if isinstance(c.type, JSON) else c for c in table.columns
    ]
    statement = select(*columns)
    if _sorted_here(name, dialect) is None:
        statement = statement.order_by(*table.primary_key.columns)
    return str(statement.compile(dialect=_dialect(dialect)))


def _dialect(name: str):
    if name == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.dialect()
    from sqlalchemy.dialects import postgresql

    return postgresql.dialect()


def adbc_connect(store: Store):
    """A new ADBC connection to a PostgreSQL store (the fast path for bulk reads)."""
    if store.dialect != "postgresql":
        # ADBC's SQLite driver carries its own copy of SQLite: see _fetch_sqlite
        raise ValueError(f"ADBC reads PostgreSQL stores only, not {store.dialect}")
    import adbc_driver_postgresql.dbapi

    url = make_url(store.url).set(drivername="postgresql")
    return adbc_driver_postgresql.dbapi.connect(url.render_as_string(hide_password=False))


def _fetch(
    store: Store, sql: str, parameters: tuple = (), *, raw: dict[str, pl.DataType]
) -> pl.DataFrame:
    """The rows of one query. ``raw`` gives the dtype of each column as SQLite stores it
    (dates as text), so a column of nulls in its first rows still reads the same."""
    if store.dialect == "sqlite":
        return _fetch_sqlite(store, sql, parameters, raw)
    with adbc_connect(store) as conn, conn.cursor() as cursor:
        cursor.execute(sql, parameters or None)
        return pl.from_arrow(cursor.fetch_arrow_table())


def _fetch_sqlite(
    store: Store, sql: str, parameters: tuple, raw: dict[str, pl.DataType]
) -> pl.DataFrame:
    """Through the store's own pool: Python's sqlite3, with the store's PRAGMAs.

    Never a second SQLite library (ADBC's driver, connectorx, DuckDB): POSIX file locks belong
    to the process, so when the other library closes the file, this one's locks go too; another
    process then takes itself for the last connection, checkpoints and deletes the write-ahead
    log, and the app's later saves reach only the deleted file (tests/test_durability.py).
    One statement is one read transaction, so the frame is one consistent snapshot.
    """
    connection = store.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(sql, parameters)
        schema_ = {d[0]: raw[d[0]] for d in cursor.description}
        frames = []
        while rows := cursor.fetchmany(_SQLITE_BATCH_ROWS):
            frames.append(pl.DataFrame(rows, schema=schema_, orient="row"))
        cursor.close()
    finally:
        connection.close()
    if not frames:
        return pl.DataFrame(schema=schema_)
    return pl.concat(frames, rechunk=True) if len(frames) > 1 else frames[0]


@cache
def _stored_schema(name: str) -> dict[str, pl.DataType]:
    """A table's columns as SQLite hands them back: dates and datetimes as text."""
    return {
        column: pl.String if dtype == pl.Date or isinstance(dtype, pl.Datetime) else dtype
        for column, dtype in table_schema(name).items()
    }


def _text_to_datetime(text: pl.Series) -> pl.Series:
    """UTC datetimes from text: SQLite's storage format first (fast), else any ISO form."""
    parsed = text.str.to_datetime(_SQLITE_DATETIME, time_zone="UTC", time_unit="us", strict=False)
    if parsed.null_count() != text.null_count():
        # other spellings (the audit history's ISO text with an offset): infer, more slowly
        parsed = text.str.to_datetime(time_zone="UTC", time_unit="us")
    return parsed


def conform(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    """Cast a raw frame to the table's schema, whichever database or path it came from."""
    wanted = table_schema(name)
    exprs = []
    for column, dtype in wanted.items():
        if column not in frame.columns:
            exprs.append(pl.lit(None, dtype=dtype).alias(column))
            continue
        current = frame.schema[column]
        expr = pl.col(column)
        if dtype == pl.Date and current == pl.String:
            expr = expr.str.slice(0, 10).str.to_date("%Y-%m-%d")
        elif isinstance(dtype, pl.Datetime) and current == pl.String:
            expr = pl.lit(_text_to_datetime(frame[column]))
        elif isinstance(dtype, pl.Datetime) and isinstance(current, pl.Datetime):
            expr = expr.dt.replace_time_zone("UTC") if current.time_zone is None else expr
            expr = expr.dt.convert_time_zone("UTC").dt.cast_time_unit("us")
        elif dtype == pl.String and current not in (pl.String, pl.Null):
            expr = expr.cast(pl.String)
        else:
            expr = expr.cast(dtype)
        exprs.append(expr.alias(column))
    return frame.select(exprs)


def load_table(store: Store, name: str, *, as_at: date | None = None) -> pl.DataFrame:
    """One table as a polars frame; with ``as_at``, as it stood at the end of that UK day, or
    at that instant when it is a datetime (a kept meeting pack is rebuilt as at the instant
    its figures were read). ``cld_events`` gives the events its loads hold (``cld_store``)."""
    if name == schema.cld_events.name:
        return cld_store.events(store, as_at=as_at)
    if as_at is not None:
        return _table_as_at(store, name, as_at)
    frame = conform(_fetch(store, _select_sql(name, store.dialect), raw=_stored_schema(name)), name)
    key = _sorted_here(name, store.dialect)
    if key is not None and not frame[key].is_sorted():
        frame = frame.sort(key)
    return frame


def load_audit(store: Store, *, since: datetime | None = None) -> pl.DataFrame:
    frame = load_table(store, "audit_events")
    if since is not None:
        frame = frame.filter(pl.col("occurred_at") >= since)
    return frame


_AUDIT_SELECT = (
    'SELECT id, occurred_at, actor, action, dataset, entity_key, CAST("before" AS TEXT) AS '
    '"before", CAST("after" AS TEXT) AS "after", reason FROM audit_events '
)
# datasets travel as one JSON array parameter, so each query is one fixed statement
# a window of history: [since, until), some datasets, optionally only changes to rows that
# existed before, not new rows (told apart by the action: a JSON null "before" is stored as
# the text 'null' on SQLite). Datasets travel as one JSON array parameter, so each
# query is one fixed statement.
_AUDIT_WINDOW = {
    "sqlite": _AUDIT_SELECT
    + "WHERE occurred_at >= ? AND occurred_at < ? "
    + "AND dataset IN (SELECT value FROM json_each(?)) "
    + "AND (? = 0 OR action NOT LIKE '%:insert')",
    "postgresql": _AUDIT_SELECT
    + "WHERE occurred_at >= CAST($1 AS TIMESTAMPTZ) AND occurred_at < CAST($2 AS TIMESTAMPTZ) "
    + "AND dataset IN (SELECT json_array_elements_text(CAST($3 AS JSON))) "
    + "AND (CAST($4 AS INTEGER) = 0 OR action NOT LIKE '%:insert')",
}
# new rows in a window, counted per dataset by the database (an import adds thousands)
_NEW_ROWS = {
    "sqlite": "SELECT dataset, COUNT(*) AS n, MAX(occurred_at) AS last_at, MIN(actor) AS actor, "
    + "COUNT(DISTINCT actor) AS actors FROM audit_events "
    + "WHERE occurred_at >= ? AND occurred_at < ? "
    + "AND dataset IN (SELECT value FROM json_each(?)) "
    + "AND action LIKE '%:insert' GROUP BY dataset",
    "postgresql": "SELECT dataset, COUNT(*) AS n, MAX(occurred_at) AS last_at, "
    + "MIN(actor) AS actor, COUNT(DISTINCT actor) AS actors FROM audit_events "
    + "WHERE occurred_at >= CAST($1 AS TIMESTAMPTZ) AND occurred_at < CAST($2 AS TIMESTAMPTZ) "
    + "AND dataset IN (SELECT json_array_elements_text(CAST($3 AS JSON))) "
    + "AND action LIKE '%:insert' GROUP BY dataset",
}
_NEW_ROWS_STORED = {
    "dataset": pl.String,
    "n": pl.Int64,
    "last_at": pl.String,
    "actor": pl.String,
    "actors": pl.Int64,
}
_AUDIT_ITEM = {
    "sqlite": _AUDIT_SELECT + "WHERE dataset = ? AND entity_key = ?",
    "postgresql": _AUDIT_SELECT + "WHERE dataset = $1 AND entity_key = $2",
}


def _instant(moment: datetime, dialect: str) -> str:
    if dialect == "sqlite":
        # SQLite holds instants as UTC text in one fixed format, which sorts as time does
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return moment.isoformat()


def audit_since(
    store: Store,
    since: datetime,
    datasets: tuple[str, ...],
    *,
    until: datetime | None = None,
    updates_only: bool = False,
) -> pl.DataFrame:
    """Changes to these datasets in [since, until) (the database does the filtering);
    ``updates_only`` leaves out new rows."""
    params = (
        _instant(since, store.dialect),
        _instant(until or _FAR_FUTURE, store.dialect),
        json.dumps(list(datasets)),
        int(updates_only),
    )
    frame = _fetch(store, _AUDIT_WINDOW[store.dialect], params, raw=_stored_schema("audit_events"))
    return conform(frame, "audit_events").sort("id")


_FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)


def new_rows_since(
    store: Store, since: datetime, datasets: tuple[str, ...], *, until: datetime | None = None
) -> pl.DataFrame:
    """New rows per dataset in [since, until): dataset, n, last_at, actor, actors."""
    params = (
        _instant(since, store.dialect),
        _instant(until or _FAR_FUTURE, store.dialect),
        json.dumps(list(datasets)),
    )
    frame = _fetch(store, _NEW_ROWS[store.dialect], params, raw=_NEW_ROWS_STORED)
    if frame.is_empty():
        return pl.DataFrame(
            schema={
                "dataset": pl.String,
                "n": pl.Int64,
                "last_at": pl.Datetime("us", "UTC"),
                "actor": pl.String,
                "actors": pl.Int64,
            }
        )
    last = frame["last_at"]
    return frame.with_columns(
        (_text_to_datetime(last) if last.dtype == pl.String else last).alias("last_at"),
        pl.col("n").cast(pl.Int64),
        pl.col("actors").cast(pl.Int64),
    )


def change_events(
    store: Store,
    since: datetime,
    datasets: tuple[str, ...],
    *,
    counted: tuple[str, ...],
    until: datetime | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """What "changed since the last meeting" is worked out from, for the overview and the
    briefing pack alike: the audit events of ``datasets`` in [since, until) (every update, and
    the new rows of those not ``counted``) and the new rows of the ``counted`` datasets per
    dataset (``new_rows_since``: an import adds thousands at a time)."""
    listed = tuple(d for d in datasets if d not in counted)
    events = pl.concat(
        [
            audit_since(store, since, datasets, until=until, updates_only=True),
            audit_since(store, since, listed, until=until).filter(
                pl.col("action").str.ends_with(":insert")
            ),
        ]
    ).sort("id")
    return events, new_rows_since(store, since, counted, until=until)


# what the audit trail keeps that is not a figure: who may sign in, settings, lookups
_NOT_FIGURES = (
    "users",
    "user_scopes",
    "app_settings",
    "measures",
    "cld_lookups",
    "sign_in_attempts",
    "sign_in_sources",
)
_FIRST_FIGURES = {
    "sqlite": "SELECT MIN(occurred_at) AS first FROM audit_events "
    + "WHERE dataset NOT IN (SELECT value FROM json_each(?))",
    "postgresql": "SELECT CAST(MIN(occurred_at) AS TEXT) AS first FROM audit_events "
    + "WHERE dataset NOT IN (SELECT json_array_elements_text(CAST($1 AS JSON)))",
}


def first_figures_day(store: Store) -> date | None:
    """The UK day the store's figures begin: the day the first of them was loaded (None when
    none has been). An as-at day before it has nothing to show."""
    frame = _fetch(
        store,
        _FIRST_FIGURES[store.dialect],
        (json.dumps(list(_NOT_FIGURES)),),
        raw={"first": pl.String},
    )
    first = frame["first"].cast(pl.String)
    if first.is_null().all():
        return None
    return days.day_of(_text_to_datetime(first)[0])


def item_history(store: Store, dataset: str, key: str) -> pl.DataFrame:
    """Every change to one item (oldest first): who, when, what before and after, why."""
    frame = _fetch(
        store, _AUDIT_ITEM[store.dialect], (dataset, key), raw=_stored_schema("audit_events")
    )
    return conform(frame, "audit_events").sort("id")


def _audit_before(store: Store, dataset: str, cutoff: datetime) -> pl.DataFrame:
    """The audit events of one dataset before ``cutoff``, filtered by the database.

    Only the columns an as-at rebuild needs: the whole history of a national store is
    millions of rows, most of them about other datasets.
    """
    if store.dialect == "sqlite":
        sql = (
            'SELECT id, entity_key, "after" FROM audit_events WHERE dataset = ? AND occurred_at < ?'
        )
    else:
        sql = (
            'SELECT id, entity_key, CAST("after" AS TEXT) AS "after" FROM audit_events '
            "WHERE dataset = $1 AND occurred_at < CAST($2 AS TIMESTAMPTZ)"
        )
    bound = _instant(cutoff, store.dialect)
    frame = _fetch(store, sql, (dataset, bound), raw=_stored_schema("audit_events"))
    return frame.select(
        pl.col("id").cast(pl.Int64), pl.col("entity_key").cast(pl.String), pl.col("after")
    )


def _table_as_at(store: Store, name: str, as_at: date) -> pl.DataFrame:
    instant = isinstance(as_at, datetime)
    if name in schema.PERSON_LEVEL_TABLES:  # the census: CLD events are read from their loads
        # an instant is exclusive (what happened before it): its last moment's day
        day = days.day_of(as_at - timedelta(microseconds=1)) if instant else as_at
        return person_rows_as_at(load_table(store, name), day)
    events = (
        _audit_before(store, name, as_at if instant else days.end_of(as_at))
        .sort("id")
        .group_by("entity_key", maintain_order=True)
        .last()
        .filter(pl.col("after").is_not_null())
    )
    return rebuild_from_states(events["after"], name)


def person_rows_as_at(frame: pl.DataFrame, as_at: date) -> pl.DataFrame:
    """A person-level table's rows as at the end of ``as_at``: those first loaded by then; one
    removed later reads as not removed (a removal by then stays). Values are the latest: a
    correction loaded after ``as_at`` shows (``person_rows`` keeps no earlier values)."""
    frame = frame.filter(pl.col("first_loaded_on") <= as_at)
    if "removed_on" not in frame.columns:
        return frame
    return frame.with_columns(
        pl.when(pl.col("removed_on") <= as_at).then(pl.col("removed_on")).alias("removed_on")
    )


def rebuild_from_states(states: pl.Series, name: str) -> pl.DataFrame:
    """A table from the last state of each of its rows: the audit history's JSON text.

    polars decodes the JSON (``str.json_decode``), several times faster than ``json.loads`` row
    by row (``bench/bench_library.py``, bench/README.md); a JSON ``null`` state is no row.
    """
    table = schema.metadata.tables[name]
    # JSON columns read back as their text (as load_table gives them), not as nested values
    nested = [c.name for c in table.columns if isinstance(c.type, JSON)]
    stored = {c: d for c, d in _stored_schema(name).items() if c not in nested}
    decoded = (
        states.rename("after")
        .to_frame()
        .with_columns(_decode(states, stored).alias("state"))
        .filter(pl.col("state").is_not_null())
    )
    raw = decoded.get_column("state").struct.unnest()
    if nested:
        # only reported_totals and app_settings have JSON columns: a few hundred rows
        parsed = [json.loads(text) for text in decoded.get_column("after").to_list()]
        raw = raw.with_columns(
            pl.Series(c, [_json_text(state.get(c)) for state in parsed], dtype=pl.String)
            for c in nested
        )
    key = [c.name for c in table.primary_key.columns]
    return conform(raw, name).sort(key)


def _decode(states: pl.Series, stored: dict[str, pl.DataType]) -> pl.Series:
    try:
        return states.str.json_decode(pl.Struct(stored))
    except pl.exceptions.ComputeError:
        # a value of another type than its column holds now (a state written before the column
        # changed type): every value as text, then cast leniently, as the rebuild always has
        text = states.str.json_decode(pl.Struct(dict.fromkeys(stored, pl.String)))
        cast = (
            text.struct.unnest()
            .select(pl.col(c).cast(d, strict=False) for c, d in stored.items())
            .to_struct(states.name)
        )
        return pl.select(pl.when(text.is_not_null()).then(cast)).to_series()


def _json_text(value) -> str | None:
    return None if value is None else json.dumps(value)


def dataset_versions(store: Store, tables: tuple[str, ...]) -> tuple[int, ...]:
    """The versions of the given tables, for use as a cache key."""
    versions = store.dataset_versions()
    return tuple(versions[t] for t in tables)


# the columns of CLD events the CLD logic reads (dashboard/domain/cld.py)
CLD_EVENT_COLUMNS = (
    "person_id",
    "client_type",
    "age_at_event",
    "event_type",
    "event_reference",
    "event_start_date",
    "event_end_date",
    "event_outcome",
    "service_type",
    "review_reason",
    "team",
)


def cld_events_frame(store: Store, *, as_at: date | None = None) -> pl.DataFrame:
    """The stored CLD events as the CLD logic takes them (``CLD_EVENT_COLUMNS``)."""
    return load_table(store, "cld_events", as_at=as_at).select(CLD_EVENT_COLUMNS)
