"""inspection co-signature: the result a visit's record awaits the second inspector's
signature for, and who co-signed each finding

Revision ID: 0037_inspection_cosign
Revises: 0036_access_record_key
Create Date: 2026-12-01 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db

revision: str = "0037_inspection_cosign"
down_revision: str | None = "0036_access_record_key"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

FK = "fk_inspection_findings_cosigned_by_users"


def upgrade() -> None:
    with op.batch_alter_table("inspections") as batch:
        batch.add_column(sa.Column("unsigned_result", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("unsigned_rectification", sa.Text(), nullable=True))
    with op.batch_alter_table("inspection_findings") as batch:
        batch.add_column(sa.Column("cosigned_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("cosigned_at", tongban.db.UTCDateTime(), nullable=True))
        batch.create_foreign_key(FK, "users", ["cosigned_by"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("inspection_findings") as batch:
        batch.drop_constraint(FK, type_="foreignkey")
        batch.drop_column("cosigned_at")
        batch.drop_column("cosigned_by")
    with op.batch_alter_table("inspections") as batch:
        batch.drop_column("unsigned_rectification")
        batch.drop_column("unsigned_result")
