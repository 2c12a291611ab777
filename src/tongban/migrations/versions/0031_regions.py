"""cases: 跨域通办 — the receiving department of another region and when it forwarded

Revision ID: 0031_regions
Revises: 0030_hotline
Create Date: 2026-12-01 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db

revision: str = "0031_regions"
down_revision: str | None = "0030_hotline"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("received_by_department", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("forwarded_at", tongban.db.UTCDateTime(), nullable=True))
        batch.create_foreign_key(
            "fk_cases_received_by_department_departments",
            "departments",
            ["received_by_department"],
            ["code"],
        )
        batch.create_index("ix_cases_received_by_department", ["received_by_department"])


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_received_by_department")
        batch.drop_constraint("fk_cases_received_by_department_departments", type_="foreignkey")
        batch.drop_column("forwarded_at")
        batch.drop_column("received_by_department")
