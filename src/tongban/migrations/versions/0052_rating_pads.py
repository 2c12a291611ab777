"""rating_pads: the case each window clerk's rating pad (评价器) shows for rating

Revision ID: 0052_rating_pads
Revises: 0051_access_purpose_en
Create Date: 2026-12-02 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db

revision: str = "0052_rating_pads"
down_revision: str | None = "0051_access_purpose_en"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rating_pads",
        sa.Column("clerk_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=12), nullable=False),
        sa.Column("offered_at", tongban.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_rating_pads_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["clerk_id"], ["users.id"], name=op.f("fk_rating_pads_clerk_id_users")
        ),
        sa.PrimaryKeyConstraint("clerk_id", name=op.f("pk_rating_pads")),
    )


def downgrade() -> None:
    op.drop_table("rating_pads")
