"""audit events: refuse an insert that reuses an event's id

SQLite's ``REPLACE INTO`` (and ``INSERT OR REPLACE``) deletes the row it collides with
without firing delete triggers (unless recursive triggers are on), so it could overwrite an
audit event that UPDATE and DELETE may not touch. PostgreSQL has no REPLACE; its
``ON CONFLICT DO UPDATE`` fires the UPDATE trigger already.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE TRIGGER audit_events_no_replace BEFORE INSERT ON audit_events "
        "WHEN EXISTS (SELECT 1 FROM audit_events WHERE id = NEW.id) "
        "BEGIN SELECT RAISE(ABORT, 'audit events cannot be changed or deleted'); END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_replace")
