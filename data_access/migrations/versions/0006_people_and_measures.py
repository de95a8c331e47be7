"""people and measures: disabling users, taking assignments away, added measures

``users.disabled_at`` (sign-in refused, history kept), ``user_scopes.removed_at`` (an
assignment taken away is marked, never deleted: the app's role has no DELETE) and the
``measures`` table of measures an administrator added to the built-in ones.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("user_scopes") as batch:
        batch.add_column(sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "measures",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=4000), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("rise_is_good", sa.Boolean(), nullable=True),
        sa.Column("category", sa.String(length=4000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_measures")),
        sa.UniqueConstraint("label", name=op.f("uq_measures_label")),
    )
    op.execute("INSERT INTO dataset_versions (dataset, version) VALUES ('measures', 1)")


def downgrade() -> None:
    op.execute("DELETE FROM dataset_versions WHERE dataset = 'measures'")
    op.drop_table("measures")
    with op.batch_alter_table("user_scopes") as batch:
        batch.drop_column("removed_at")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("disabled_at")
