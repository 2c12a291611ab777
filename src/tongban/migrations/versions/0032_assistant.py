"""assistant: the questions the guide assistant could not answer

Revision ID: 0032_assistant
Revises: 0031_regions
Create Date: 2026-12-01 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db

revision: str = "0032_assistant"
down_revision: str | None = "0031_regions"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assistant_unanswered",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("question", sa.String(length=200), nullable=False),
        sa.Column("asked_at", tongban.db.UTCDateTime(), nullable=False),
        sa.Column("resolved_at", tongban.db.UTCDateTime(), nullable=True),
    )
    op.create_index(
        "ix_assistant_unanswered_open", "assistant_unanswered", ["resolved_at", "question"]
    )


def downgrade() -> None:
    op.drop_index("ix_assistant_unanswered_open", table_name="assistant_unanswered")
    op.drop_table("assistant_unanswered")
