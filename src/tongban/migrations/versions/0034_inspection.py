"""inspection: on-site inspections (现场踏勘), their findings and photos

Revision ID: 0034_inspection
Revises: 0033_experts
Create Date: 2026-12-01 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db

revision: str = "0034_inspection"
down_revision: str | None = "0033_experts"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inspections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("task_id", sa.Integer(), sa.ForeignKey("tasks.id"), nullable=False),
        sa.Column("item_code", sa.String(length=40), nullable=False),
        sa.Column(
            "department_code",
            sa.String(length=10),
            sa.ForeignKey("departments.code"),
            nullable=False,
        ),
        sa.Column("first_inspector_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("second_inspector_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("pauses_clock", sa.Boolean(), nullable=False),
        sa.Column("pause_id", sa.Integer(), sa.ForeignKey("case_pauses.id"), nullable=True),
        sa.Column("ordered_by", sa.String(length=120), nullable=False),
        sa.Column("ordered_at", tongban.db.UTCDateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("visit_at", tongban.db.UTCDateTime(), nullable=True),
        sa.Column("visit_state", sa.String(length=15), nullable=True),
        sa.Column("visit_note", sa.Text(), nullable=True),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("rectification", sa.Text(), nullable=True),
        sa.Column("concluded_at", tongban.db.UTCDateTime(), nullable=True),
    )
    for column in ("case_id", "task_id", "first_inspector_id", "second_inspector_id", "state"):
        op.create_index(f"ix_inspections_{column}", "inspections", [column])
    op.create_table(
        "inspection_findings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("inspection_id", sa.Integer(), sa.ForeignKey("inspections.id"), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("check_code", sa.String(length=40), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("recorded_at", tongban.db.UTCDateTime(), nullable=False),
        sa.UniqueConstraint(
            "inspection_id",
            "round",
            "check_code",
            name=op.f("uq_inspection_findings_inspection_id"),
        ),
    )
    op.create_index(
        "ix_inspection_findings_inspection_id", "inspection_findings", ["inspection_id"]
    )
    op.create_table(
        "inspection_photos",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("inspection_id", sa.Integer(), sa.ForeignKey("inspections.id"), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("check_code", sa.String(length=40), nullable=True),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=60), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("uploaded_at", tongban.db.UTCDateTime(), nullable=False),
    )
    op.create_index("ix_inspection_photos_inspection_id", "inspection_photos", ["inspection_id"])


def downgrade() -> None:
    op.drop_table("inspection_photos")
    op.drop_table("inspection_findings")
    op.drop_table("inspections")
