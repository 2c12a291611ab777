"""postal delivery: the mailing address given with the application and the waybill number

Revision ID: 0004_postal_delivery
Revises: 0003_submitted_at
Create Date: 2026-11-30 06:35:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db

revision: str = "0004_postal_delivery"
down_revision: str | None = "0003_submitted_at"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "postal_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=60), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("tracking_number", sa.String(length=40), nullable=True),
        sa.Column("posted_at", tongban.db.UTCDateTime(), nullable=True),
        sa.Column("posted_by", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_postal_deliveries_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postal_deliveries")),
        sa.UniqueConstraint("case_id", name=op.f("uq_postal_deliveries_case_id")),
    )


def downgrade() -> None:
    op.drop_table("postal_deliveries")
