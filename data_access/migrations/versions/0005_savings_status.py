"""savings that stop, and budget-monitoring bridges

A savings line's year can be withdrawn, deferred to a later year or replaced by another line:
``savings_years`` gains its status, the date and reason, the year it is deferred to and the
line that replaces it (a blank status is a year still tracked). Budget-monitoring bridges
("projected overspend £8.646m, less savings achieved £1.422m ... leaves £6.564m") get their
own table, one row per step, checked by the reconciliation.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("savings_years") as batch:
        batch.add_column(sa.Column("status", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("status_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("status_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("deferred_to", sa.String(length=7), nullable=True))
        batch.add_column(sa.Column("replaced_by", sa.String(length=40), nullable=True))
    op.create_table(
        "budget_bridge_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report", sa.String(length=200), nullable=False),
        sa.Column("label", sa.String(length=150), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("amount_pence", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=400), nullable=False),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("as_at", sa.Date(), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("loaded_by", sa.String(length=254), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_bridge_steps")),
        sa.UniqueConstraint("report", "label", name=op.f("uq_budget_bridge_steps_report")),
    )
    op.execute("INSERT INTO dataset_versions (dataset, version) VALUES ('budget_bridge_steps', 1)")


def downgrade() -> None:
    op.execute("DELETE FROM dataset_versions WHERE dataset = 'budget_bridge_steps'")
    op.drop_table("budget_bridge_steps")
    with op.batch_alter_table("savings_years") as batch:
        batch.drop_column("replaced_by")
        batch.drop_column("deferred_to")
        batch.drop_column("status_reason")
        batch.drop_column("status_date")
        batch.drop_column("status")
