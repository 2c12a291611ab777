"""durable job queue; time-limit alerts (电子监察)

Revision ID: 0014_jobs_alerts
Revises: 0013_proactive
Create Date: 2026-11-30 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db

revision: str = "0014_jobs_alerts"
down_revision: str | None = "0013_proactive"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("due_at", tongban.db.UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("locked_by", sa.String(length=80), nullable=True),
        sa.Column("locked_until", tongban.db.UTCDateTime(), nullable=True),
        sa.Column("created_at", tongban.db.UTCDateTime(), nullable=False),
        sa.Column("finished_at", tongban.db.UTCDateTime(), nullable=True),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint("key", name=op.f("uq_jobs_key")),
    )
    op.create_index("ix_jobs_due", "jobs", ["state", "due_at"], unique=False)
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("watched", sa.String(length=20), nullable=False),
        sa.Column("watched_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("department_code", sa.String(length=10), nullable=False),
        sa.Column("what", sa.String(length=30), nullable=False),
        sa.Column("due_at", tongban.db.UTCDateTime(), nullable=False),
        sa.Column("raised_at", tongban.db.UTCDateTime(), nullable=False),
        sa.Column("resolved_at", tongban.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_alerts_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["department_code"],
            ["departments.code"],
            name=op.f("fk_alerts_department_code_departments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("watched", "watched_id", "level", name="uq_alerts_watched_level"),
    )
    op.create_index(op.f("ix_alerts_case_id"), "alerts", ["case_id"], unique=False)
    op.create_index("ix_alerts_open", "alerts", ["department_code", "resolved_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_alerts_open", table_name="alerts")
    op.drop_index(op.f("ix_alerts_case_id"), table_name="alerts")
    op.drop_table("alerts")
    op.drop_index("ix_jobs_due", table_name="jobs")
    op.drop_table("jobs")
