"""assign: tasks held by one person (人员随机分配), staff absence, the department's way
of assigning

Revision ID: 0035_assign
Revises: 0034_inspection
Create Date: 2026-12-01 08:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0035_assign"
down_revision: str | None = "0034_inspection"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("assignee_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_tasks_assignee_id_users", "users", ["assignee_id"], ["id"])
        batch.create_index("ix_tasks_assignee_state", ["assignee_id", "state"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("absent_from", sa.Date(), nullable=True))
        batch.add_column(sa.Column("absent_until", sa.Date(), nullable=True))
        batch.add_column(
            sa.Column("takes_tasks", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("departments") as batch:
        batch.add_column(
            sa.Column("assignment", sa.String(length=20), nullable=False, server_default="random")
        )
    # a department system's account acts for its department and is given no task
    op.execute(
        "UPDATE users SET takes_tasks = false WHERE id IN (SELECT user_id FROM machine_clients)"
    )


def downgrade() -> None:
    with op.batch_alter_table("departments") as batch:
        batch.drop_column("assignment")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("takes_tasks")
        batch.drop_column("absent_until")
        batch.drop_column("absent_from")
    with op.batch_alter_table("tasks") as batch:
        batch.drop_index("ix_tasks_assignee_state")
        batch.drop_constraint("fk_tasks_assignee_id_users", type_="foreignkey")
        batch.drop_column("assignee_id")
