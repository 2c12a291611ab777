"""cases.submitted_at: the first submission, kept when a correction is resubmitted

Revision ID: 0003_submitted_at
Revises: 0002
Create Date: 2026-11-30 06:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db

revision: str = "0003_submitted_at"
down_revision: str | None = "0002"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submitted_at", tongban.db.UTCDateTime(), nullable=True))
    # Cases submitted before: the first submission is in the audit trail.
    op.execute(
        "UPDATE cases SET submitted_at = COALESCE("
        "(SELECT MIN(a.at) FROM audit_entries a"
        " WHERE a.case_id = cases.id AND a.action = 'case.submit'), received_at)"
    )


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("submitted_at")
