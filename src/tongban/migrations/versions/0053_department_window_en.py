"""departments.window_en: a department's 办理地点 (where to go in person) in English, for
English guide pages; None where the catalog gives none (the page shows the Chinese)

Revision ID: 0053_department_window_en
Revises: 0052_rating_pads
Create Date: 2026-12-02 10:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0053_department_window_en"
down_revision: str | None = "0052_rating_pads"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("departments") as batch:
        batch.add_column(sa.Column("window_en", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("departments") as batch:
        batch.drop_column("window_en")
