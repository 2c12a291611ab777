"""elsewhere_versions: the versions of the catalog's list of matters this portal does not
handle and who does (``catalog/elsewhere.yaml``, 非本平台办理事项), read by the guide
assistant; filled by the next ``catalog load``

Revision ID: 0049_elsewhere_matters
Revises: 0048_inspection_limit
Create Date: 2026-12-02 03:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db

revision: str = "0049_elsewhere_matters"
down_revision: str | None = "0048_inspection_limit"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "elsewhere_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("created_at", tongban.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_elsewhere_versions")),
    )


def downgrade() -> None:
    op.drop_table("elsewhere_versions")
