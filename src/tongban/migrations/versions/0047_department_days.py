"""the department table's cases per day (metric_department_days)

The supervision dashboard's department table (已办结, 超期办结: distinct cases of which a
department finished a task, late or not, in the period) is summed from these rows instead
of the tasks of the period. The table starts empty: run ``tongban metrics rebuild`` once
after upgrading to write every day (the refresh writes yesterday's and today's from then on).
With it, indexes that let the dashboard count open work from indexes alone (open cases by
item and channel, open tasks by due time) and find a department's earlier tasks of a case.

Revision ID: 0047_department_days
Revises: 0046_kiosk_terminals
Create Date: 2026-12-01 23:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db

revision: str = "0047_department_days"
down_revision: str | None = "0046_kiosk_terminals"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

INDEXES = (
    ("cases", "ix_cases_state_catalog_code", ["state", "catalog_code"]),
    ("cases", "ix_cases_state_channel", ["state", "channel"]),
    ("tasks", "ix_tasks_open_due", ["state", "due_at", "department_code", "case_id"]),
    ("tasks", "ix_tasks_case_department", ["case_id", "department_code", "state", "finished_at"]),
)


def upgrade() -> None:
    op.create_table(
        "metric_department_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("department_code", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("computed_at", tongban.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metric_department_days")),
    )
    with op.batch_alter_table("metric_department_days", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_metric_department_days_day"), ["day"], unique=False)
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for table, name, _columns in INDEXES:
        op.drop_index(name, table_name=table)
    with op.batch_alter_table("metric_department_days", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_metric_department_days_day"))
    op.drop_table("metric_department_days")
