"""sign-in audit: the network address of security events, and indexes to count recent ones

Revision ID: 0005_sign_in_audit
Revises: 0004_postal_delivery
Create Date: 2026-11-30 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_sign_in_audit"
down_revision: str | None = "0004_postal_delivery"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_entries") as batch:
        batch.add_column(sa.Column("source_address", sa.String(length=45), nullable=True))
    op.create_index(
        "ix_audit_entries_action_object_at", "audit_entries", ["action", "object_id", "at"]
    )
    op.create_index(
        "ix_audit_entries_action_source_at", "audit_entries", ["action", "source_address", "at"]
    )


def downgrade() -> None:
    op.drop_index("ix_audit_entries_action_source_at", table_name="audit_entries")
    op.drop_index("ix_audit_entries_action_object_at", table_name="audit_entries")
    with op.batch_alter_table("audit_entries") as batch:
        batch.drop_column("source_address")
