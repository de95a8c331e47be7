"""sign-in throttling by source as well as by account

Failed sign-ins are counted per source (an IP address; an IPv6 /64) in ``sign_in_sources``,
and each account's last failure is kept, so that a stranger's guesses slow the stranger
rather than lock the real person out (data_access/throttle.py).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_sources",
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), server_default="0", nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("source", name=op.f("pk_sign_in_sources")),
    )
    with op.batch_alter_table("sign_in_attempts") as batch:
        batch.add_column(sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("INSERT INTO dataset_versions (dataset, version) VALUES ('sign_in_sources', 1)")


def downgrade() -> None:
    op.execute("DELETE FROM dataset_versions WHERE dataset = 'sign_in_sources'")
    with op.batch_alter_table("sign_in_attempts") as batch:
        batch.drop_column("last_failure_at")
    op.drop_table("sign_in_sources")
