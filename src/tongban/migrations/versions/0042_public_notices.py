"""public_notices: 公示 before a decision (低保) and the objections (异议) filed against it

Revision ID: 0042_public_notices
Revises: 0041_dashboard_indexes
Create Date: 2026-12-01 16:10:00.000000

Objections' reasons, contacts, examiners and findings are sealed at rest (TEXT columns
written by ``pii.types.Sealed``); the new tables start empty, so nothing is sealed here.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db

revision: str = "0042_public_notices"
down_revision: str | None = "0041_dashboard_indexes"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "public_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=40), nullable=False),
        sa.Column("department_code", sa.String(length=10), nullable=False),
        sa.Column("shown", sa.JSON(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("opened_at", tongban.db.UTCDateTime(), nullable=False),
        sa.Column("ends_at", tongban.db.UTCDateTime(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("running", "ended", name="noticestate", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("ended_at", tongban.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_public_notices_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_public_notices_task_id_tasks")
        ),
        sa.ForeignKeyConstraint(
            ["department_code"],
            ["departments.code"],
            name=op.f("fk_public_notices_department_code_departments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_notices")),
    )
    op.create_index(op.f("ix_public_notices_case_id"), "public_notices", ["case_id"])
    op.create_index(op.f("ix_public_notices_ends_at"), "public_notices", ["ends_at"])
    op.create_index(op.f("ix_public_notices_state"), "public_notices", ["state"])
    op.create_table(
        "notice_objections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("filed_at", tongban.db.UTCDateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("contact", sa.Text(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "filed", "unfounded", "founded", name="objectionstate", native_enum=False, length=10
            ),
            nullable=False,
        ),
        sa.Column("examined_by_id", sa.Integer(), nullable=True),
        sa.Column("examined_by", sa.Text(), nullable=True),
        sa.Column("examined_at", tongban.db.UTCDateTime(), nullable=True),
        sa.Column("finding", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["public_notices.id"],
            name=op.f("fk_notice_objections_notice_id_public_notices"),
        ),
        sa.ForeignKeyConstraint(
            ["examined_by_id"],
            ["users.id"],
            name=op.f("fk_notice_objections_examined_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_objections")),
    )
    op.create_index(op.f("ix_notice_objections_notice_id"), "notice_objections", ["notice_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_notice_objections_notice_id"), table_name="notice_objections")
    op.drop_table("notice_objections")
    op.drop_index(op.f("ix_public_notices_state"), table_name="public_notices")
    op.drop_index(op.f("ix_public_notices_ends_at"), table_name="public_notices")
    op.drop_index(op.f("ix_public_notices_case_id"), table_name="public_notices")
    op.drop_table("public_notices")
