"""complaints: 12345 hotline calls and online complaints, suggestions, consultations

Revision ID: 0030_hotline
Revises: 0029_names_sealed
Create Date: 2026-12-01 01:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db

revision: str = "0030_hotline"
down_revision: str | None = "0029_names_sealed"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=15), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("applicant_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("recorded_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("caller_name", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=True),
        sa.Column(
            "department_code",
            sa.String(length=10),
            sa.ForeignKey("departments.code"),
            nullable=True,
        ),
        sa.Column("filed_at", tongban.db.UTCDateTime(), nullable=False),
        sa.Column("limit_working_days", sa.Integer(), nullable=False),
        sa.Column("due_at", tongban.db.UTCDateTime(), nullable=False),
        sa.Column("routed_at", tongban.db.UTCDateTime(), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.Column("returned_by_department", sa.String(length=10), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.Text(), nullable=True),
        sa.Column("answered_at", tongban.db.UTCDateTime(), nullable=True),
        sa.Column("satisfaction", sa.String(length=15), nullable=True),
        sa.Column("callback_note", sa.Text(), nullable=True),
        sa.Column("closed_at", tongban.db.UTCDateTime(), nullable=True),
        sa.Column("attachment_key", sa.String(length=64), nullable=True),
        sa.Column("attachment_name", sa.String(length=200), nullable=True),
        sa.Column("attachment_type", sa.String(length=60), nullable=True),
    )
    for column in ("state", "applicant_id", "case_id", "department_code"):
        op.create_index(f"ix_complaints_{column}", "complaints", [column])


def downgrade() -> None:
    op.drop_table("complaints")
