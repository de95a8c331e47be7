"""CLD events kept as loads: each import adds one row to ``cld_events`` holding the events it
added or changed as a Parquet file; the events are the loads read in order, a later load's row
for an event (person and event reference) winning.

Why not a row per event: a council's CLD file is about a million events; writing them a row at a
time took 15 s (PostgreSQL's COPY) to 25 s (SQLite's executemany) of an import that reads and
checks the file in 3 s, and reading them back for a page cost seconds more. One Parquet file of
a million events is written in about 0.5 s, is about 9 MB (zstd) and reads back in 0.2 s.

- **Only added to.** A load is never changed or deleted. An as-at read takes the loads made by
  then, so an event a later file corrected reads with the values it had then (the census table,
  ``cases``, keeps only its latest values: ``person_rows``).
- **What an import writes.** The file's events are matched on the key with those held: a new
  event goes in at version 1, first loaded today; one whose values differ at the next version,
  keeping the day it was first loaded; an unchanged one writes nothing. Events held but not in
  the file stay as they were (a rolling 12 months drops its oldest events without their having
  been wrong). A file that changes nothing adds no load.
- **Unchanged rows are found by a hash.** Each event carries a hash of its values as loaded
  (``row_hash``); only events whose hash differs are compared value by value. One found equal
  by value (its hash missing: an event from before loads, or another polars version) goes into
  the next load with its version and provenance as they were and its hash filled in.
- **Versions.** A file naming the version it was edited from (an export loaded back) is checked
  against the version held; a version for an event never held is no conflict.
- **One audit event per import** (the importer's ``import`` event: counts, file, SHA-256,
  reporting periods), never a person's values.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import polars as pl
from sqlalchemy import Connection, insert, select

from data_access import days, schema
from data_access.person_rows import CHANGES_LISTED, not_listed, row_hash
from data_access.store import StaleVersionError, Store, WriteTx
from data_access.writes import UpsertResult, _changes, entity_key

KEY = ("person_id", "event_reference")
# what the store adds to each event: who loaded it when, its version, the day it was first
# loaded and the hash of its values
_STORE_SETS = ("loaded_by", "loaded_at", "version", "first_loaded_on", "row_hash")
# the events' frame (``schema.cld_event_columns``): what ``load_table(store, "cld_events")`` gives
EVENT_SCHEMA: dict[str, pl.DataType] = {
    c.name: schema.polars_dtype(c) for c in schema.cld_event_columns.columns
}
# an event's values as a file gives them (after mapping and the age at the event)
VALUES = {name: dtype for name, dtype in EVENT_SCHEMA.items() if name not in _STORE_SETS}
_COMPARED = sorted(c for c in VALUES if c not in KEY)
# zstd's quickest level: a third of lz4's size for a third more time
_COMPRESSION_LEVEL = 1


def encode(events: pl.DataFrame) -> bytes:
    """A load's events as Parquet bytes, in the events' columns and order."""
    buffer = io.BytesIO()
    events.select(list(EVENT_SCHEMA)).write_parquet(
        buffer, compression="zstd", compression_level=_COMPRESSION_LEVEL
    )
    return buffer.getvalue()


def decode(data: bytes, columns: Sequence[str] | None = None) -> pl.DataFrame:
    """A load's events (``columns``: only those), in the events' column order."""
    wanted = list(columns) if columns else list(EVENT_SCHEMA)
    return pl.read_parquet(io.BytesIO(bytes(data)), columns=wanted).select(wanted)


def empty() -> pl.DataFrame:
    return pl.DataFrame(schema=EVENT_SCHEMA)


def _loads(
    conn: Connection,
    columns: Sequence[str] | None = None,
    *,
    day: date | None = None,
    before: datetime | None = None,
) -> pl.DataFrame:
    """The events of the loads made by the end of ``day`` (or before the instant ``before``),
    each event as its last load has it; in key order. ``columns``: only those (with the key)."""
    table = schema.cld_events
    statement = select(table.c.data).order_by(table.c.id)
    if day is not None:
        statement = statement.where(table.c.loaded_on <= day)
    if before is not None:
        statement = statement.where(table.c.loaded_at < before.astimezone(UTC))
    wanted = None if columns is None else list(dict.fromkeys([*KEY, *columns]))
    frames = [decode(data, wanted) for data in conn.execute(statement).scalars()]
    if not frames:
        return empty().select(wanted) if wanted else empty()
    if len(frames) == 1:
        return frames[0]
    merged = pl.concat(frames).unique(subset=list(KEY), keep="last", maintain_order=True)
    return merged.sort(list(KEY))


def events(store: Store, *, as_at: date | datetime | None = None) -> pl.DataFrame:
    """The events held (``EVENT_SCHEMA``); with ``as_at``, as they stood at the end of that UK
    day, or just before that instant when it is a datetime: the loads made by then, and of the
    events in them those first loaded by then."""
    day = before = None
    if isinstance(as_at, datetime):
        before = as_at
        day = days.day_of(as_at - timedelta(microseconds=1))
    elif as_at is not None:
        day = as_at
    with store.engine.connect() as conn:
        frame = _loads(conn, day=day, before=before)
    if day is not None:
        # a load carried over from rows (migration 0012) holds events first loaded later
        frame = frame.filter(pl.col("first_loaded_on") <= day)
    return frame


def count(conn: Connection, *, source: str | None = None) -> int:
    """How many events are held (with ``source``: from that source)."""
    held = _loads(conn, ["source"])
    if source is not None:
        held = held.filter(pl.col("source") == source)
    return held.height


def held_versions(conn: Connection, versions: dict[tuple, int]) -> dict[tuple, int]:
    """The expected versions of the events held: one for an event never held is no conflict
    (the file came from another store, so the event is new)."""
    wanted = pl.DataFrame(list(versions), schema=dict.fromkeys(KEY, pl.String), orient="row")
    held = wanted.join(_loads(conn, []), on=list(KEY), how="semi")
    return {k: versions[k] for k in held.iter_rows()}


def write_events(
    tx: WriteTx, frame: pl.DataFrame, *, expected_versions: dict[tuple, int] | None = None
) -> UpsertResult:
    """Add a load of the file's new and changed events (the module docstring)."""
    frame = frame.select(
        (pl.col(c) if c in frame.columns else pl.lit(None)).cast(t).alias(c)
        for c, t in VALUES.items()
    )
    # the importer has refused a file naming an event twice: its first row is kept
    if frame.select(pl.struct(KEY).is_duplicated().any()).item():
        frame = frame.unique(subset=list(KEY), keep="first", maintain_order=True)
    frame = frame.with_columns(row_hash(frame, _COMPARED))
    held = _loads(tx.conn, ["version", "row_hash"]).rename(
        {"version": "s:version", "row_hash": "s:hash"}
    )
    joined = frame.join(held, on=list(KEY), how="left", maintain_order="left")
    if expected_versions:
        _check_versions(joined, expected_versions)
    new = joined.filter(pl.col("s:version").is_null()).select(frame.columns)
    suspect = joined.filter(
        pl.col("s:version").is_not_null() & pl.col("s:hash").ne_missing(pl.col("row_hash"))
    ).select(frame.columns)
    changed, before, quiet = _compare(tx.conn, suspect)
    result = UpsertResult(
        inserted=new.height,
        updated=changed.height,
        unchanged=frame.height - new.height - changed.height,
    )
    if tx.rehearsal:
        result.changes, result.notes = _listed(changed, before)
        return result
    stamp = [pl.lit(tx.actor).alias("loaded_by"), pl.lit(tx.now).alias("loaded_at")]
    load = pl.concat(
        [
            new.with_columns(
                *stamp,
                pl.lit(1, dtype=pl.Int64).alias("version"),
                pl.lit(tx.today).alias("first_loaded_on"),
            ).select(list(EVENT_SCHEMA)),
            changed.join(before.select(*KEY, "version", "first_loaded_on"), on=list(KEY))
            .with_columns(*stamp, pl.col("version") + 1)
            .select(list(EVENT_SCHEMA)),
            quiet.select(list(EVENT_SCHEMA)),
        ],
        how="vertical_relaxed",
    ).sort(list(KEY))
    if not load.is_empty():
        _add_load(tx, load, inserted=result.inserted, updated=result.updated)
    if result.inserted or result.updated:
        tx.touched.add(schema.cld_events.name)
    return result


def _check_versions(joined: pl.DataFrame, expected: dict[tuple, int]) -> None:
    """A version the file names must be the one held (0: the writer saw no such event)."""
    wanted = pl.DataFrame(
        [(*k, v) for k, v in expected.items()],
        schema={**dict.fromkeys(KEY, pl.String), "_expected": pl.Int64},
        orient="row",
    )
    stale = (
        joined.join(wanted, on=list(KEY), how="inner", maintain_order="left")
        .filter(pl.col("s:version").fill_null(0) != pl.col("_expected"))
        .select(*KEY, "s:version", "_expected")
    )
    if not stale.is_empty():
        *values, held, version = stale.row(0)
        current = None if held is None else {"version": held}
        raise StaleVersionError(schema.cld_events.name, entity_key(tuple(values)), version, current)


def _compare(conn: Connection, suspect: pl.DataFrame):
    """The events whose hash differs, compared by value with those held: the changed ones (as
    the file has them), the held rows of those, and the equal ones as held with the file's hash."""
    if suspect.is_empty():
        nothing = suspect.clear()
        return nothing, empty(), empty()
    stored = _loads(conn).join(suspect.select(KEY), on=list(KEY), how="semi")
    paired = suspect.join(stored, on=list(KEY), suffix=":s", maintain_order="left")
    differs = pl.any_horizontal(pl.col(c).ne_missing(pl.col(f"{c}:s")) for c in _COMPARED)
    paired = paired.with_columns(differs.alias("_differs"))
    changed = paired.filter(pl.col("_differs")).select(suspect.columns)
    before = stored.join(changed.select(KEY), on=list(KEY), how="semi")
    quiet = stored.join(
        paired.filter(~pl.col("_differs")).select(*KEY, "row_hash"), on=list(KEY), suffix=":f"
    ).with_columns(pl.col("row_hash:f").alias("row_hash"))
    return changed, before, quiet.select(list(EVENT_SCHEMA))


def _listed(changed: pl.DataFrame, before: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """A preview's changes: each changed field of up to ``CHANGES_LISTED`` changed events, as
    text (``writes.CHANGE_COLUMNS``); how many were left out, in words."""
    notes = [not_listed(changed.height, "changed rows")] if changed.height > CHANGES_LISTED else []
    shown = changed.sort(list(KEY)).head(CHANGES_LISTED)
    held = before.select(*KEY, *(pl.col(c).alias(f"s:{c}") for c in _COMPARED))
    paired = shown.join(held, on=list(KEY), maintain_order="left")
    return _changes(schema.cld_events, KEY, paired, _COMPARED), notes


def _add_load(tx: WriteTx, load: pl.DataFrame, *, inserted: int, updated: int) -> None:
    data = encode(load)
    file, digest = tx.importing if tx.importing else ("", "")
    tx.conn.execute(
        insert(schema.cld_events).values(
            file=file,
            sha256=digest,
            events=load.height,
            inserted=inserted,
            updated=updated,
            data=data,
            data_sha256=hashlib.sha256(data).hexdigest(),
            loaded_by=tx.actor,
            loaded_at=tx.now,
            loaded_on=tx.today,
            version=1,
        )
    )
