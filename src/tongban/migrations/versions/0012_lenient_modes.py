"""post-approval checks (事后核查) and acceptances with deficiencies (容缺受理)

Revision ID: 0012_lenient_modes
Revises: 0011_case_channel
Create Date: 2026-11-30 12:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db

revision: str = "0012_lenient_modes"
down_revision: str | None = "0011_case_channel"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "post_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=40), nullable=False),
        sa.Column("department_code", sa.String(length=10), nullable=False),
        sa.Column("scope", sa.Text(), nullable=True),
        sa.Column("limit_days", sa.Integer(), nullable=False),
        sa.Column("scheduled_at", tongban.db.UTCDateTime(), nullable=False),
        sa.Column("due_at", tongban.db.UTCDateTime(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "scheduled", "passed", "failed", name="checkstate", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("finding", sa.Text(), nullable=True),
        sa.Column("checked_by", sa.String(length=120), nullable=True),
        sa.Column("checked_at", tongban.db.UTCDateTime(), nullable=True),
        sa.Column("overdue_noted_at", tongban.db.UTCDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_post_checks_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["department_code"],
            ["departments.code"],
            name=op.f("fk_post_checks_department_code_departments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_checks")),
    )
    with op.batch_alter_table("post_checks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_post_checks_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_post_checks_department_code"), ["department_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_post_checks_due_at"), ["due_at"], unique=False)

    op.create_table(
        "deficiencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("materials", sa.JSON(), nullable=False),
        sa.Column("commitment_material_id", sa.Integer(), nullable=True),
        sa.Column("notice_document_id", sa.Integer(), nullable=True),
        sa.Column("accepted_by", sa.String(length=120), nullable=False),
        sa.Column("accepted_at", tongban.db.UTCDateTime(), nullable=False),
        sa.Column("due_at", tongban.db.UTCDateTime(), nullable=False),
        sa.Column("remind_at", tongban.db.UTCDateTime(), nullable=True),
        sa.Column("reminded_at", tongban.db.UTCDateTime(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "open", "supplied", "missed", name="deficiencystate", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("closed_at", tongban.db.UTCDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_deficiencies_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["commitment_material_id"],
            ["materials.id"],
            name=op.f("fk_deficiencies_commitment_material_id_materials"),
        ),
        sa.ForeignKeyConstraint(
            ["notice_document_id"],
            ["result_documents.id"],
            name=op.f("fk_deficiencies_notice_document_id_result_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deficiencies")),
        sa.UniqueConstraint("case_id", name=op.f("uq_deficiencies_case_id")),
    )
    with op.batch_alter_table("deficiencies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deficiencies_due_at"), ["due_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("deficiencies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deficiencies_due_at"))
    op.drop_table("deficiencies")
    with op.batch_alter_table("post_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_post_checks_due_at"))
        batch_op.drop_index(batch_op.f("ix_post_checks_department_code"))
        batch_op.drop_index(batch_op.f("ix_post_checks_case_id"))
    op.drop_table("post_checks")
