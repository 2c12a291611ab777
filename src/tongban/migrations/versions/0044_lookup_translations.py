"""lookup_translations: the old-key → new-key hash pairs of a lookup-key rotation, stored
instead of held in memory

Revision ID: 0044_lookup_translations
Revises: 0043_assistant_cuts
Create Date: 2026-12-01 19:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0044_lookup_translations"
down_revision: str | None = "0043_assistant_cuts"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lookup_translations",
        sa.Column("old", sa.String(length=40), nullable=False),
        sa.Column("new", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("old", name=op.f("pk_lookup_translations")),
    )
    op.create_index(
        op.f("ix_lookup_translations_new"), "lookup_translations", ["new"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_lookup_translations_new"), table_name="lookup_translations")
    op.drop_table("lookup_translations")
