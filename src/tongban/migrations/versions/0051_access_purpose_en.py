"""data_accesses.purpose_en: the reason of a pull of someone's data in English, for the
data subject reading their access log in English; None for rows logged before it was
kept (the page shows their Chinese reason)

Revision ID: 0051_access_purpose_en
Revises: 0050_taken_in
Create Date: 2026-12-02 07:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0051_access_purpose_en"
down_revision: str | None = "0050_taken_in"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("data_accesses") as batch:
        batch.add_column(sa.Column("purpose_en", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("data_accesses") as batch:
        batch.drop_column("purpose_en")
