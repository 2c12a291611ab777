"""daily reform rows by channel (metric_days.channel)

The supervision dashboard's channel table (办事渠道) reads the daily rows instead of the
cases of the period: each row is now of one day, item, department and channel. Rows
written before this revision have the channel "": run ``tongban metrics rebuild`` once
after upgrading to write every day again.

Revision ID: 0045_metric_channels
Revises: 0044_lookup_translations
Create Date: 2026-12-01 19:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0045_metric_channels"
down_revision: str | None = "0044_lookup_translations"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("metric_days") as batch:
        batch.add_column(
            sa.Column("channel", sa.String(length=10), nullable=False, server_default="")
        )
        batch.drop_constraint("uq_metric_days_day", type_="unique")
        batch.create_unique_constraint(
            "uq_metric_days_day", ["day", "item_code", "department_code", "channel"]
        )


def downgrade() -> None:
    # The rows are derived from the cases: rather than merging channels (their stage
    # times are JSON), they are removed; ``tongban metrics rebuild`` writes them again.
    op.execute(sa.text("DELETE FROM metric_days"))
    with op.batch_alter_table("metric_days") as batch:
        batch.drop_constraint("uq_metric_days_day", type_="unique")
        batch.create_unique_constraint(
            "uq_metric_days_day", ["day", "item_code", "department_code"]
        )
        batch.drop_column("channel")
