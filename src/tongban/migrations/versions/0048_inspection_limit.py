"""an inspection's own time limit; an objection's lookup code

``inspections.due_at``: when the inspection the item limits (``inspection.limit``) must be
concluded; the supervision worker warns, marks overdue and escalates it. Inspections
ordered before have none and are not watched.

``notice_objections.code_hash``: the SHA-256 of the lookup code printed on an objection's
receipt, the second factor of the lookup by number. Objections filed before have none and
can no longer be looked up by number alone (the reviewing department still sees them).

Revision ID: 0048_inspection_limit
Revises: 0047_department_days
Create Date: 2026-12-02 02:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db

revision: str = "0048_inspection_limit"
down_revision: str | None = "0047_department_days"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inspections") as batch:
        batch.add_column(sa.Column("due_at", tongban.db.UTCDateTime(), nullable=True))
    with op.batch_alter_table("notice_objections") as batch:
        batch.add_column(sa.Column("code_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notice_objections") as batch:
        batch.drop_column("code_hash")
    with op.batch_alter_table("inspections") as batch:
        batch.drop_column("due_at")
