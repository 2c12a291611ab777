"""the staff queue read a page at a time: an index in queue order (keyset pages)

Revision ID: 0021_perf_queue
Revises: 0020_pii_at_rest
Create Date: 2026-11-30 15:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021_perf_queue"
down_revision: str | None = "0020_pii_at_rest"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    # A department's open tasks in the order the queue shows them (due time, then id):
    # a page is a range scan of this index, whatever the number of tasks.
    op.create_index("ix_tasks_queue_keyset", "tasks", ["department_code", "state", "due_at", "id"])
    # The open pauses, few however many cases were ever paused: the queue's paused tasks.
    op.create_index("ix_case_pauses_open", "case_pauses", ["ended_at", "case_id"])


def downgrade() -> None:
    op.drop_index("ix_case_pauses_open", table_name="case_pauses")
    op.drop_index("ix_tasks_queue_keyset", table_name="tasks")
