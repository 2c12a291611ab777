"""assistant_question_sources: how many questions one source had kept by the guide
assistant on one day (a keyed digest of its network address, no question), what the
per-source limit counts

Revision ID: 0055_assistant_question_sources
Revises: 0054_queue_number_prefix
Create Date: 2026-12-02 16:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0055_assistant_question_sources"
down_revision: str | None = "0054_queue_number_prefix"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assistant_question_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("kept", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistant_question_sources")),
        sa.UniqueConstraint("day", "source", name=op.f("uq_assistant_question_sources_day")),
    )


def downgrade() -> None:
    op.drop_table("assistant_question_sources")
