"""facts used once (一次性使用): a reserved company name, a birth certificate

Revision ID: 0024_once_claims
Revises: 0023_payments
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db

revision: str = "0024_once_claims"
down_revision: str | None = "0023_payments"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "once_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fact", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("claimed_at", tongban.db.UTCDateTime(), nullable=False),
        sa.Column("used_at", tongban.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_once_claims_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_once_claims")),
        sa.UniqueConstraint("fact", "key", name=op.f("uq_once_claims_fact")),
    )
    with op.batch_alter_table("once_claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_once_claims_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("once_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_once_claims_case_id"))
    op.drop_table("once_claims")
