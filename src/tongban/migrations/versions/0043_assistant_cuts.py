"""assistant_entry_cuts: the guide assistant's tokens of each catalog version, cut once by
the worker and read by every web process

Revision ID: 0043_assistant_cuts
Revises: 0042_public_notices
Create Date: 2026-12-01 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db

revision: str = "0043_assistant_cuts"
down_revision: str | None = "0042_public_notices"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assistant_entry_cuts",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("cut_with", sa.String(length=16), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("subject", sa.JSON(), nullable=False),
        sa.Column("cut_at", tongban.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["catalog_versions.id"],
            name=op.f("fk_assistant_entry_cuts_version_id_catalog_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("version_id", name=op.f("pk_assistant_entry_cuts")),
    )


def downgrade() -> None:
    op.drop_table("assistant_entry_cuts")
