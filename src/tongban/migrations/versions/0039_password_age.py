"""users.password_changed_at: a password's age, for the periodic change of the dengbao3
profile (existing passwords count from their account's creation)

Revision ID: 0039_password_age
Revises: 0038_document_verification
Create Date: 2026-12-01 13:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db

revision: str = "0039_password_age"
down_revision: str | None = "0038_document_verification"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("password_changed_at", tongban.db.UTCDateTime(), nullable=True))
    op.execute("UPDATE users SET password_changed_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("password_changed_at")
