"""cld_events and cld_lookups: the council's Client Level Data return, one row per event, and an
administrator's extra spellings of its coded fields

No direct identifier has a column: the importer derives the age at each event from the date of
birth and drops it, with NHS number, postcode, GP practice and names.

Revision ID: 0008
Revises: 0007
Create Date: 2027-01-12
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
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


def upgrade() -> None:
    op.create_table(
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cld_events")),
        sa.UniqueConstraint("person_id", "event_reference", name=op.f("uq_cld_events_person_id")),
    )
    op.create_index("ix_cld_events_type_start", "cld_events", ["event_type", "event_start_date"])
    op.create_table(
        "cld_lookups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("raw", sa.String(length=400), nullable=False),
        sa.Column("clean", sa.String(length=200), nullable=False),
        sa.Column("added_by", sa.String(length=254), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cld_lookups")),
        sa.UniqueConstraint("field", "raw", name=op.f("uq_cld_lookups_field")),
    )
    op.execute(
        "INSERT INTO dataset_versions (dataset, version) VALUES ('cld_events', 1), "
        "('cld_lookups', 1)"
    )


def downgrade() -> None:
    op.execute("DELETE FROM dataset_versions WHERE dataset IN ('cld_events', 'cld_lookups')")
    op.drop_table("cld_lookups")
    op.drop_index("ix_cld_events_type_start", table_name="cld_events")
    op.drop_table("cld_events")
