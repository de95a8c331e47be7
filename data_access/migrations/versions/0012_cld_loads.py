"""cld_events: a row per load of events (a Parquet file) instead of a row per event

Writing a million CLD events a row at a time took 15-25 s; a load is written in about half a
second (data_access/cld_store.py). The events already held become one load: dated by the
earliest of them (its ``loaded_at`` and ``loaded_on``), each event keeping its own first day,
version and provenance, so as-at reads of earlier days still count each from its first load.
Downgrading puts the events back a row each, with their latest values.

Revision ID: 0012
Revises: 0011
Create Date: 2027-02-10
"""

import hashlib
import io
from datetime import UTC

import polars as pl
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_CODED = (
    "client_type",
    "primary_support_reason",
    "event_type",
    "event_outcome",
    "service_type",
    "review_reason",
    "assessment_type",
)
# the events' columns and types as cld_store keeps them (EVENT_SCHEMA when this was written)
_EVENTS = {
    "person_id": pl.String,
    "event_reference": pl.String,
    "client_type": pl.String,
    "age_at_event": pl.Int64,
    "primary_support_reason": pl.String,
    "event_type": pl.String,
    "event_start_date": pl.Date,
    "event_end_date": pl.Date,
    "event_description": pl.String,
    "event_outcome": pl.String,
    "service_type": pl.String,
    "review_reason": pl.String,
    "assessment_type": pl.String,
    "team": pl.String,
    "reporting_period_start": pl.Date,
    "reporting_period_end": pl.Date,
    **{f"{name}_raw": pl.String for name in _CODED},
    "source": pl.String,
    "source_kind": pl.String,
    "as_at": pl.Date,
    "basis": pl.String,
    "loaded_by": pl.String,
    "loaded_at": pl.Datetime("us", "UTC"),
    "version": pl.Int64,
    "first_loaded_on": pl.Date,
    "row_hash": pl.Int64,
}
_KEY = ["person_id", "event_reference"]
_BY = "ascgov db upgrade (migration 0012)"


def upgrade() -> None:
    bind = op.get_bind()
    held = _rows(bind)
    op.drop_index("ix_cld_events_type_start", table_name="cld_events")
    op.drop_table("cld_events")
    loads = op.create_table(
        "cld_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file", sa.String(length=400), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("data_sha256", sa.String(length=64), nullable=False),
        sa.Column("loaded_by", sa.String(length=254), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_on", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cld_events")),
    )
    if held.is_empty():
        return
    buffer = io.BytesIO()
    held.sort(_KEY).write_parquet(buffer, compression="zstd", compression_level=1)
    data = buffer.getvalue()
    first = held.select(pl.col("loaded_at").min(), pl.col("first_loaded_on").min()).row(0)
    bind.execute(
        loads.insert().values(
            file="events held before migration 0012",
            sha256="",
            events=held.height,
            inserted=held.height,
            updated=0,
            data=data,
            data_sha256=hashlib.sha256(data).hexdigest(),
            loaded_by=_BY,
            loaded_at=first[0],
            loaded_on=first[1] or first[0].date(),
        )
    )


def _rows(bind) -> pl.DataFrame:
    """The events held a row each, in the events' columns and types."""
    names = list(_EVENTS)
    statement = (
        sa.select(*(sa.column(n) for n in names))
        .select_from(sa.table("cld_events"))
        .order_by(sa.column("id"))
    )
    rows = bind.execute(statement).all()
    raw = pl.DataFrame(
        [tuple(r) for r in rows], schema=names, orient="row", infer_schema_length=None
    )
    return raw.select(_typed(raw, name, dtype) for name, dtype in _EVENTS.items())


def _typed(raw: pl.DataFrame, name: str, dtype) -> pl.Expr:
    # SQLite hands dates and instants back as text, PostgreSQL as values
    column, current = pl.col(name), raw.schema[name]
    if current == pl.String and dtype == pl.Date:
        return column.str.slice(0, 10).str.to_date("%Y-%m-%d").alias(name)
    if current == pl.String and isinstance(dtype, pl.Datetime):
        return column.str.to_datetime(time_zone="UTC", time_unit="us").alias(name)
    if isinstance(current, pl.Datetime):
        zoned = column.dt.replace_time_zone("UTC") if current.time_zone is None else column
        return zoned.dt.convert_time_zone("UTC").dt.cast_time_unit("us").alias(name)
    return column.cast(dtype).alias(name)


def downgrade() -> None:
    bind = op.get_bind()
    datas = bind.execute(sa.text("SELECT data FROM cld_events ORDER BY id")).scalars().all()
    frames = [pl.read_parquet(io.BytesIO(bytes(d))).select(list(_EVENTS)) for d in datas]
    events = (
        pl.concat(frames).unique(subset=_KEY, keep="last", maintain_order=True).sort(_KEY)
        if frames
        else pl.DataFrame(schema=_EVENTS)
    )
    op.drop_table("cld_events")
    rows = op.create_table(
        "cld_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=40), nullable=False),
        sa.Column("event_reference", sa.String(length=200), nullable=False),
        sa.Column("client_type", sa.String(length=200), nullable=True),
        sa.Column("age_at_event", sa.Integer(), nullable=True),
        sa.Column("primary_support_reason", sa.String(length=200), nullable=True),
        sa.Column("event_type", sa.String(length=200), nullable=False),
        sa.Column("event_start_date", sa.Date(), nullable=False),
        sa.Column("event_end_date", sa.Date(), nullable=True),
        sa.Column("event_description", sa.String(length=4000), nullable=True),
        sa.Column("event_outcome", sa.String(length=200), nullable=True),
        sa.Column("service_type", sa.String(length=200), nullable=True),
        sa.Column("review_reason", sa.String(length=200), nullable=True),
        sa.Column("assessment_type", sa.String(length=200), nullable=True),
        sa.Column("team", sa.String(length=200), nullable=True),
        sa.Column("reporting_period_start", sa.Date(), nullable=True),
        sa.Column("reporting_period_end", sa.Date(), nullable=True),
        *(sa.Column(f"{name}_raw", sa.String(length=200), nullable=True) for name in _CODED),
        sa.Column("source", sa.String(length=400), nullable=False),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("as_at", sa.Date(), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("loaded_by", sa.String(length=254), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("first_loaded_on", sa.Date(), nullable=True),
        sa.Column("row_hash", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cld_events")),
        sa.UniqueConstraint("person_id", "event_reference", name=op.f("uq_cld_events_person_id")),
    )
    op.create_index("ix_cld_events_type_start", "cld_events", ["event_type", "event_start_date"])
    if not events.is_empty():
        records = events.with_columns(pl.col("loaded_at").dt.convert_time_zone("UTC")).to_dicts()
        for record in records:
            record["loaded_at"] = record["loaded_at"].astimezone(UTC)
        bind.execute(rows.insert(), records)
