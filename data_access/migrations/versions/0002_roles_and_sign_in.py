"""officer scopes beyond areas, sign-in throttling, audit history by item

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_scopes",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=400), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_scopes_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "kind", "value", name=op.f("pk_user_scopes")),
    )
    op.execute(
        "INSERT INTO user_scopes (user_id, kind, value) "
        "SELECT user_id, 'area', area_code FROM user_areas"
    )
    op.drop_table("user_areas")
    op.create_table(
        "sign_in_attempts",
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("failures", sa.Integer(), server_default="0", nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("email", name=op.f("pk_sign_in_attempts")),
    )
    op.create_index(
        "ix_audit_events_dataset_entity", "audit_events", ["dataset", "entity_key", "id"]
    )
    op.execute("DELETE FROM dataset_versions WHERE dataset = 'user_areas'")
    op.execute(
        "INSERT INTO dataset_versions (dataset, version) VALUES "
        "('user_scopes', 1), ('sign_in_attempts', 1)"
    )
    if op.get_bind().dialect.name == "postgresql":
        # belt and braces beside the triggers: nobody but the owner may even try
        op.execute("REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM PUBLIC")


def downgrade() -> None:
    op.create_table(
        "user_areas",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("area_code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_areas_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "area_code", name=op.f("pk_user_areas")),
    )
    op.execute(
        "INSERT INTO user_areas (user_id, area_code) "
        "SELECT user_id, value FROM user_scopes WHERE kind = 'area'"
    )
    op.drop_index("ix_audit_events_dataset_entity", table_name="audit_events")
    op.drop_table("sign_in_attempts")
    op.drop_table("user_scopes")
    op.execute("DELETE FROM dataset_versions WHERE dataset IN ('user_scopes', 'sign_in_attempts')")
    op.execute("INSERT INTO dataset_versions (dataset, version) VALUES ('user_areas', 1)")
