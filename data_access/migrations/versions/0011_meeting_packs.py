"""the record of each meeting: the pack as finalised for it, kept for ever

Both files, the day and instant their figures were read, the dataset versions, the options
they were built with, the figures as text and checksums. The database refuses UPDATE and
DELETE (and TRUNCATE on PostgreSQL, REPLACE on SQLite) even for the owner: a correction is a
new version with a reason. See data_access/meeting_record.py.

Revision ID: 0011
Revises: 0010
Create Date: 2027-02-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

REFUSAL = "a finalised pack cannot be changed or deleted: a correction is a new version"


def upgrade() -> None:
    op.create_table(
        "meeting_packs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("as_at", sa.Date(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finalised_by", sa.String(length=254), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("dataset_versions", sa.JSON(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("figures_sha256", sa.String(length=64), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("docx", sa.LargeBinary(), nullable=False),
        sa.Column("docx_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_meeting_packs_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_packs")),
        sa.UniqueConstraint("meeting_id", "version", name="uq_meeting_packs_meeting_version"),
    )
    op.create_index(
        op.f("ix_meeting_packs_meeting_id"), "meeting_packs", ["meeting_id"], unique=False
    )
    op.execute("INSERT INTO dataset_versions (dataset, version) VALUES ('meeting_packs', 1)")
    _protect()


def _protect() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name, when in (
            ("meeting_packs_no_update", "BEFORE UPDATE ON meeting_packs"),
            ("meeting_packs_no_delete", "BEFORE DELETE ON meeting_packs"),
            (
                "meeting_packs_no_replace",
                "BEFORE INSERT ON meeting_packs "
                "WHEN EXISTS (SELECT 1 FROM meeting_packs WHERE id = NEW.id)",
            ),
        ):
            op.execute(f"CREATE TRIGGER {name} {when} BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END")
        return
    op.execute(
        "CREATE FUNCTION meeting_packs_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$"
    )
    op.execute(
        "CREATE TRIGGER meeting_packs_kept BEFORE UPDATE OR DELETE ON meeting_packs "
        "FOR EACH STATEMENT EXECUTE FUNCTION meeting_packs_refuse()"
    )
    op.execute(
        "CREATE TRIGGER meeting_packs_no_truncate BEFORE TRUNCATE ON meeting_packs "
        "FOR EACH STATEMENT EXECUTE FUNCTION meeting_packs_refuse()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS meeting_packs_kept ON meeting_packs")
        op.execute("DROP TRIGGER IF EXISTS meeting_packs_no_truncate ON meeting_packs")
        op.execute("DROP FUNCTION IF EXISTS meeting_packs_refuse()")
    op.execute("DELETE FROM dataset_versions WHERE dataset = 'meeting_packs'")
    op.drop_index(op.f("ix_meeting_packs_meeting_id"), table_name="meeting_packs")
    op.drop_table("meeting_packs")
