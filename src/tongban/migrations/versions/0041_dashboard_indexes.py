"""indexes for the dashboard at scale: cases by submission and decision time, tasks by state
and finishing time, ratings by rectification time

The daily reform rows (``metric_days``) are counted from the events of a few days, and
the dashboard counts open work from the open tasks: each reads a range of one of these
indexes instead of every case, task or rating ever made.

Revision ID: 0041_dashboard_indexes
Revises: 0040_audit_append_only
Create Date: 2026-12-01 16:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0041_dashboard_indexes"
down_revision: str | None = "0040_audit_append_only"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.create_index("ix_cases_submitted_at", ["submitted_at"])
        batch.create_index("ix_cases_decided_at", ["decided_at"])
    with op.batch_alter_table("tasks") as batch:
        batch.create_index("ix_tasks_state_finished_at", ["state", "finished_at"])
    with op.batch_alter_table("ratings") as batch:
        batch.create_index("ix_ratings_rectified_at", ["rectified_at"])


def downgrade() -> None:
    with op.batch_alter_table("ratings") as batch:
        batch.drop_index("ix_ratings_rectified_at")
    with op.batch_alter_table("tasks") as batch:
        batch.drop_index("ix_tasks_state_finished_at")
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_decided_at")
        batch.drop_index("ix_cases_submitted_at")
