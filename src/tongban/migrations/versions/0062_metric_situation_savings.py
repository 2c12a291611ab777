"""materials spared by situation questions in the daily reform rows (metric_days.guided,
materials_listed, materials_asked)

The cases received that answered the situation questions (情形引导), and the materials of
their entries' full lists and those their answers asked, per day, item, department and
channel: the figure 情形引导减少材料. The cases hold both numbers since 0028_guidance
(``cases.materials_listed`` / ``materials_asked``); rows written before this revision
count 0 for them: run ``tongban metrics rebuild`` once after upgrading to count the
earlier cases (the refresh rewrites yesterday's and today's rows by itself).

Revision ID: 0062_metric_situation_savings
Revises: 0061_clock_calendar_revision
Create Date: 2026-12-03 17:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0062_metric_situation_savings"
down_revision: str | None = "0061_clock_calendar_revision"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

COLUMNS = ("guided", "materials_listed", "materials_asked")


def upgrade() -> None:
    with op.batch_alter_table("metric_days") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("metric_days") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
