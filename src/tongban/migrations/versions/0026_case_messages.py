"""case messages: 在线沟通 between the applicant and each department handling a case

Revision ID: 0026_case_messages
Revises: 0025_metric_days
Create Date: 2026-11-30 19:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db

revision: str = "0026_case_messages"
down_revision: str | None = "0025_metric_days"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column(
            "department_code",
            sa.String(length=10),
            sa.ForeignKey("departments.code"),
            nullable=False,
        ),
        sa.Column("from_applicant", sa.Boolean(), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attachment_key", sa.String(length=64), nullable=True),
        sa.Column("attachment_name", sa.String(length=200), nullable=True),
        sa.Column("attachment_type", sa.String(length=60), nullable=True),
        sa.Column("attachment_size", sa.Integer(), nullable=True),
        sa.Column("sent_at", tongban.db.UTCDateTime(), nullable=False),
    )
    op.create_index("ix_case_messages_case_id", "case_messages", ["case_id"])
    op.create_index("ix_case_messages_department_code", "case_messages", ["department_code"])


def downgrade() -> None:
    op.drop_table("case_messages")
