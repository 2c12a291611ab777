"""an index of cases by the user who made them and when they were submitted: a window
clerk's list of the cases they took in (窗口受理转出的办件) reads only their rows

Revision ID: 0050_taken_in
Revises: 0049_elsewhere_matters
Create Date: 2026-12-02 07:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0050_taken_in"
down_revision: str | None = "0049_elsewhere_matters"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_cases_created_by_id_submitted_at",
        "cases",
        ["created_by_id", "submitted_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_cases_created_by_id_submitted_at", table_name="cases")
