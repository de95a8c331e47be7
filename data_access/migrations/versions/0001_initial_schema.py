"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_settings",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_app_settings")),
    )
    op.create_table(
        "areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=4000), nullable=False),
        sa.Column("lead", sa.String(length=4000), nullable=True),
        sa.Column("status", sa.String(length=100), nullable=False),
        sa.Column("rag", sa.String(length=10), nullable=True),
        sa.Column("commentary", sa.Text(), nullable=True),
        sa.Column("last_updated", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=400), nullable=False),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("as_at", sa.Date(), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("loaded_by", sa.String(length=254), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_areas")),
        sa.UniqueConstraint("code", name=op.f("uq_areas_code")),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("dataset", sa.String(length=40), nullable=False),
        sa.Column("entity_key", sa.String(length=400), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_events_occurred_at"), ["occurred_at"], unique=False
        )

    op.create_table(
        "backlog",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=40), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("team", sa.String(length=200), nullable=False),
        sa.Column("priority_band", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("target", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=400), nullable=False),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("as_at", sa.Date(), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("loaded_by", sa.String(length=254), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backlog")),
        sa.UniqueConstraint(
            "measure", "month", "team", "priority_band", name=op.f("uq_backlog_measure")
        ),
    )
    op.create_table(
        "dataset_versions",
        sa.Column("dataset", sa.String(length=40), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("dataset", name=op.f("pk_dataset_versions")),
    )
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committee", sa.String(length=400), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sa.UniqueConstraint("committee", "meeting_date", name=op.f("uq_meetings_committee")),
    )
    op.create_table(
        "mtfs_requirements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("period", sa.String(length=4000), nullable=False),
        sa.Column("required_pence", sa.BigInteger(), nullable=False),
        sa.Column("forecast_pence", sa.BigInteger(), nullable=False),
        sa.Column("reported_shortfall_pence", sa.BigInteger(), nullable=True),
        sa.Column("source", sa.String(length=400), nullable=False),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("as_at", sa.Date(), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("loaded_by", sa.String(length=254), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mtfs_requirements")),
        sa.UniqueConstraint("code", name=op.f("uq_mtfs_requirements_code")),
    )
    op.create_table(
        "posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("area_of_support", sa.String(length=4000), nullable=False),
        sa.Column("post_title", sa.String(length=4000), nullable=False),
        sa.Column("band", sa.String(length=4000), nullable=True),
        sa.Column("fte_hundredths", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("period_label", sa.String(length=4000), nullable=True),
        sa.Column("cost_pence", sa.BigInteger(), nullable=False),
        sa.Column("unit_cost_pence", sa.BigInteger(), nullable=True),
        sa.Column("funding_source", sa.String(length=4000), nullable=True),
        sa.Column("workstream", sa.String(length=4000), nullable=True),
        sa.Column("source", sa.String(length=400), nullable=False),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("as_at", sa.Date(), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("loaded_by", sa.String(length=254), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posts")),
        sa.UniqueConstraint("code", name=op.f("uq_posts_code")),
    )
    op.create_table(
        "reported_totals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=4000), nullable=False),
        sa.Column("dataset", sa.String(length=40), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("reported_value", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=400), nullable=False),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("as_at", sa.Date(), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("loaded_by", sa.String(length=254), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reported_totals")),
        sa.UniqueConstraint("code", name=op.f("uq_reported_totals_code")),
    )
    op.create_table(
        "review_programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=4000), nullable=False),
        sa.Column("financial_year", sa.String(length=7), nullable=False),
        sa.Column("reviews_planned", sa.Integer(), nullable=False),
        sa.Column("cost_pence", sa.BigInteger(), nullable=False),
        sa.Column("savings_pence", sa.BigInteger(), nullable=False),
        sa.Column("agency_cost_pence", sa.BigInteger(), nullable=True),
        sa.Column("source", sa.String(length=400), nullable=False),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("as_at", sa.Date(), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("loaded_by", sa.String(length=254), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_programmes")),
        sa.UniqueConstraint("code", name=op.f("uq_review_programmes_code")),
    )
    op.create_table(
        "savings_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=4000), nullable=False),
        sa.Column("workstream", sa.String(length=4000), nullable=False),
        sa.Column("cohort", sa.String(length=20), nullable=False),
        sa.Column("owner", sa.String(length=4000), nullable=True),
        sa.Column("brag_override", sa.String(length=10), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=400), nullable=False),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("as_at", sa.Date(), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("loaded_by", sa.String(length=254), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_savings_lines")),
        sa.UniqueConstraint("code", name=op.f("uq_savings_lines_code")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=4000), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=400), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "committee_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=4000), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=400), nullable=False),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("as_at", sa.Date(), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("loaded_by", sa.String(length=254), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_committee_actions_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_actions")),
        sa.UniqueConstraint("code", name=op.f("uq_committee_actions_code")),
    )
    op.create_table(
        "milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("area_code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=4000), nullable=False),
        sa.Column("owner", sa.String(length=4000), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=100), nullable=False),
        sa.Column("completed_date", sa.Date(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=400), nullable=False),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("as_at", sa.Date(), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("loaded_by", sa.String(length=254), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["area_code"], ["areas.code"], name=op.f("fk_milestones_area_code_areas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestones")),
        sa.UniqueConstraint("code", name=op.f("uq_milestones_code")),
    )
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_milestones_area_code"), ["area_code"], unique=False)

    op.create_table(
        "savings_components",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("line_code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=4000), nullable=False),
        sa.Column("amount_pence", sa.BigInteger(), nullable=True),
        sa.Column("source", sa.String(length=400), nullable=False),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("as_at", sa.Date(), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("loaded_by", sa.String(length=254), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["line_code"],
            ["savings_lines.code"],
            name=op.f("fk_savings_components_line_code_savings_lines"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_savings_components")),
        sa.UniqueConstraint("code", name=op.f("uq_savings_components_code")),
    )
    op.create_table(
        "savings_years",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_code", sa.String(length=40), nullable=False),
        sa.Column("financial_year", sa.String(length=7), nullable=False),
        sa.Column("target_pence", sa.BigInteger(), nullable=False),
        sa.Column("forecast_pence", sa.BigInteger(), nullable=True),
        sa.Column("delivered_pence", sa.BigInteger(), nullable=True),
        sa.Column("source", sa.String(length=400), nullable=False),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("as_at", sa.Date(), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("loaded_by", sa.String(length=254), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["line_code"],
            ["savings_lines.code"],
            name=op.f("fk_savings_years_line_code_savings_lines"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_savings_years")),
        sa.UniqueConstraint("line_code", "financial_year", name=op.f("uq_savings_years_line_code")),
    )
    op.create_table(
        "user_areas",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("area_code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_areas_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "area_code", name=op.f("pk_user_areas")),
    )
    _seed_dataset_versions()
    _protect_audit_events()


DATASETS = (
    "areas",
    "milestones",
    "savings_lines",
    "savings_years",
    "savings_components",
    "mtfs_requirements",
    "review_programmes",
    "posts",
    "backlog",
    "meetings",
    "committee_actions",
    "reported_totals",
    "users",
    "user_areas",
    "app_settings",
    "audit_events",
)


def _seed_dataset_versions() -> None:
    table = sa.table(
        "dataset_versions", sa.column("dataset", sa.String), sa.column("version", sa.BigInteger)
    )
    op.bulk_insert(table, [{"dataset": name, "version": 1} for name in DATASETS])


def _protect_audit_events() -> None:
    """History is append-only: the database itself refuses UPDATE and DELETE on audit events."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
            "BEGIN SELECT RAISE(ABORT, 'audit events cannot be changed or deleted'); END"
        )
        op.execute(
            "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
            "BEGIN SELECT RAISE(ABORT, 'audit events cannot be changed or deleted'); END"
        )
        return
    op.execute(
        "CREATE FUNCTION audit_events_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'audit events cannot be changed or deleted'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse()"
    )
    op.execute(
        "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_refuse()")
    op.drop_table("user_areas")
    op.drop_table("savings_years")
    op.drop_table("savings_components")
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_milestones_area_code"))

    op.drop_table("milestones")
    op.drop_table("committee_actions")
    op.drop_table("users")
    op.drop_table("savings_lines")
    op.drop_table("review_programmes")
    op.drop_table("reported_totals")
    op.drop_table("posts")
    op.drop_table("mtfs_requirements")
    op.drop_table("meetings")
    op.drop_table("dataset_versions")
    op.drop_table("backlog")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_occurred_at"))

    op.drop_table("audit_events")
    op.drop_table("areas")
    op.drop_table("app_settings")
