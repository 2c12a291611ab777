"""situation answers of a case and the materials they spared (cases.situation_answers)

Revision ID: 0028_guidance
Revises: 0027_identity
Create Date: 2026-11-30 19:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028_guidance"
down_revision: str | None = "0027_identity"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(
            sa.Column("situation_answers", sa.JSON(), nullable=False, server_default="{}")
        )
        batch.add_column(sa.Column("materials_asked", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("materials_listed", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("materials_listed")
        batch.drop_column("materials_asked")
        batch.drop_column("situation_answers")
