"""data_accesses.record_key: the key each pull looked a record up by, masked

Revision ID: 0036_access_record_key
Revises: 0035_assign
Create Date: 2026-12-01 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0036_access_record_key"
down_revision: str | None = "0035_assign"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("data_accesses") as batch:
        batch.add_column(sa.Column("record_key", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("data_accesses") as batch:
        batch.drop_column("record_key")
