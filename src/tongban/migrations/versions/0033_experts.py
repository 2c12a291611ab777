"""experts: the expert register (专家库) and expert panels (专家评审) with their seats

Revision ID: 0033_experts
Revises: 0032_assistant
Create Date: 2026-12-01 08:30:00.000000

Names, employers, phones, questions and opinions are sealed at rest (TEXT columns written
by ``pii.types.Sealed``); the new tables start empty, so nothing is sealed here.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db

revision: str = "0033_experts"
down_revision: str | None = "0032_assistant"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "experts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("employer", sa.Text(), nullable=False),
        sa.Column("employer_credit_code", sa.String(length=18), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", tongban.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_experts_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_experts")),
        sa.UniqueConstraint("user_id", name=op.f("uq_experts_user_id")),
    )
    op.create_index(op.f("ix_experts_employer_credit_code"), "experts", ["employer_credit_code"])
    op.create_table(
        "expert_panels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("convened_by_id", sa.Integer(), nullable=False),
        sa.Column("convened_by", sa.Text(), nullable=False),
        sa.Column("convened_at", tongban.db.UTCDateTime(), nullable=False),
        sa.Column("due_at", tongban.db.UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("closed_at", tongban.db.UTCDateTime(), nullable=True),
        sa.Column("closed_why", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_expert_panels_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_expert_panels_task_id_tasks")
        ),
        sa.ForeignKeyConstraint(
            ["convened_by_id"], ["users.id"], name=op.f("fk_expert_panels_convened_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_panels")),
    )
    op.create_index(op.f("ix_expert_panels_case_id"), "expert_panels", ["case_id"])
    op.create_table(
        "expert_seats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("drawn_at", tongban.db.UTCDateTime(), nullable=False),
        sa.Column("declared_at", tongban.db.UTCDateTime(), nullable=True),
        sa.Column("recusal", sa.Text(), nullable=True),
        sa.Column("verdict", sa.String(length=12), nullable=True),
        sa.Column("opinion", sa.Text(), nullable=True),
        sa.Column("answered_at", tongban.db.UTCDateTime(), nullable=True),
        sa.Column("attachment_name", sa.String(length=200), nullable=True),
        sa.Column("attachment_type", sa.String(length=60), nullable=True),
        sa.Column("attachment_key", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["expert_panels.id"], name=op.f("fk_expert_seats_panel_id_expert_panels")
        ),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["experts.id"], name=op.f("fk_expert_seats_expert_id_experts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_seats")),
        sa.UniqueConstraint("panel_id", "expert_id", name=op.f("uq_expert_seats_panel_id")),
    )
    op.create_index(op.f("ix_expert_seats_panel_id"), "expert_seats", ["panel_id"])
    op.create_index(op.f("ix_expert_seats_expert_id"), "expert_seats", ["expert_id"])


def downgrade() -> None:
    op.drop_table("expert_seats")
    op.drop_table("expert_panels")
    op.drop_table("experts")
