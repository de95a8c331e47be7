"""local sign-ins that last: a server-side session per sign-in, held by the browser in a cookie

Only the SHA-256 of each session's random token is stored, with when it began, was last used
and must end; signing out, disabling the user or setting their password revokes it (UPDATE:
the app's role has no DELETE). See data_access/sign_in_sessions.py.

Revision ID: 0010
Revises: 0009
Create Date: 2027-01-20
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("browser_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handed_over_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_because", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_sign_in_sessions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_sign_in_sessions_token_hash")),
    )
    op.create_index(
        op.f("ix_sign_in_sessions_user_id"), "sign_in_sessions", ["user_id"], unique=False
    )
    op.create_index(
        op.f("ix_sign_in_sessions_browser_hash"), "sign_in_sessions", ["browser_hash"], unique=False
    )
    op.execute("INSERT INTO dataset_versions (dataset, version) VALUES ('sign_in_sessions', 1)")


def downgrade() -> None:
    op.execute("DELETE FROM dataset_versions WHERE dataset = 'sign_in_sessions'")
    op.drop_index(op.f("ix_sign_in_sessions_browser_hash"), table_name="sign_in_sessions")
    op.drop_index(op.f("ix_sign_in_sessions_user_id"), table_name="sign_in_sessions")
    op.drop_table("sign_in_sessions")
