"""cases: the case-management census extract, one row per person at an extract date

No direct identifier has a column (data_access/identifiers.py refuses a file carrying one);
``removed_on`` marks a person a corrected extract for the same date left out (never deleted).

Revision ID: 0007
Revises: 0006
Create Date: 2027-01-11
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("extract_date", sa.Date(), nullable=False),
        sa.Column("person_id", sa.String(length=40), nullable=False),
        sa.Column("team", sa.String(length=200), nullable=False),
        sa.Column("age_band", sa.String(length=10), nullable=False),
        sa.Column("primary_support_reason", sa.String(length=4000), nullable=True),
        sa.Column("setting", sa.String(length=4000), nullable=True),
        sa.Column("support_start", sa.Date(), nullable=True),
        sa.Column("last_review", sa.Date(), nullable=True),
        sa.Column("next_review_due", sa.Date(), nullable=True),
        sa.Column("waiting_assessment_since", sa.Date(), nullable=True),
        sa.Column("waiting_ot_since", sa.Date(), nullable=True),
        sa.Column("waiting_service_since", sa.Date(), nullable=True),
        sa.Column("safeguarding_open", sa.Boolean(), nullable=False),
        sa.Column("provider_concern", sa.Boolean(), nullable=False),
        sa.Column("lives_alone", sa.Boolean(), nullable=False),
        sa.Column("has_unpaid_carer", sa.Boolean(), nullable=False),
        sa.Column("last_contact", sa.Date(), nullable=True),
        sa.Column("removed_on", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=400), nullable=False),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("as_at", sa.Date(), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("loaded_by", sa.String(length=254), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("extract_date", "person_id", name=op.f("uq_cases_extract_date")),
    )
    op.create_index("ix_cases_team_extract", "cases", ["team", "extract_date"])
    op.execute("INSERT INTO dataset_versions (dataset, version) VALUES ('cases', 1)")


def downgrade() -> None:
    op.execute("DELETE FROM dataset_versions WHERE dataset = 'cases'")
    op.drop_index("ix_cases_team_extract", table_name="cases")
    op.drop_table("cases")
