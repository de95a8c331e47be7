"""cases and cld_events: the day each row was first loaded and a hash of its values

Person-level imports are audited once per import rather than row by row (no person's values in
the audit trail); an as-at read counts a row from ``first_loaded_on`` (and until ``removed_on``)
instead of rebuilding it from per-row audit states. Rows already stored count from the day of
their last load (``loaded_at``, as a UTC day): the closest the store knows without reading the
old per-row history. ``row_hash`` starts empty: the next import compares those rows by value.

Revision ID: 0009
Revises: 0008
Create Date: 2027-01-14
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_TABLES = ("cases", "cld_events")


def upgrade() -> None:
    for name in _TABLES:
        with op.batch_alter_table(name) as batch:
            batch.add_column(sa.Column("first_loaded_on", sa.Date(), nullable=True))
            batch.add_column(sa.Column("row_hash", sa.BigInteger(), nullable=True))
        day = (
            "substr(loaded_at, 1, 10)"
            if op.get_bind().dialect.name == "sqlite"
            else "CAST(loaded_at AT TIME ZONE 'UTC' AS DATE)"
        )
        op.execute(f"UPDATE {name} SET first_loaded_on = {day}")


def downgrade() -> None:
    for name in _TABLES:
        with op.batch_alter_table(name) as batch:
            batch.drop_column("row_hash")
            batch.drop_column("first_loaded_on")
