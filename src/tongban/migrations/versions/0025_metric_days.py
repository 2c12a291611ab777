"""reform figures per day, item and department (metric_days)

Revision ID: 0025_metric_days
Revises: 0024_once_claims
Create Date: 2026-11-30 15:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db

revision: str = "0025_metric_days"
down_revision: str | None = "0024_once_claims"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

COUNTS = (
    "received",
    "received_online",
    "decided",
    "decided_on_time",
    "fully_online",
    "trips",
    "trips_baseline",
    "materials_baseline",
    "materials_uploaded",
    "steps",
    "steps_baseline",
    "fields",
    "fields_pulled",
    "rated",
    "rated_good",
    "rated_bad",
    "rectified",
    "rectified_on_time",
)


def upgrade() -> None:
    op.create_table(
        "metric_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("item_code", sa.String(length=40), nullable=False),
        sa.Column("department_code", sa.String(length=40), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS],
        sa.Column("elapsed_days", sa.Float(), nullable=False),
        sa.Column("legal_days", sa.Float(), nullable=False),
        sa.Column("promised_days", sa.Float(), nullable=False),
        sa.Column("stages", sa.JSON(), nullable=False),
        sa.Column("computed_at", tongban.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metric_days")),
        sa.UniqueConstraint(
            "day",
            "item_code",
            "department_code",
            name=op.f("uq_metric_days_day"),
        ),
    )
    with op.batch_alter_table("metric_days", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_metric_days_day"), ["day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("metric_days", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_metric_days_day"))
    op.drop_table("metric_days")
