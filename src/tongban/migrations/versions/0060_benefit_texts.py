"""benefit_offers.sms_at: when a subject with no account was sent a text at the mobile
number their register holds (免申即享 reaching those who never signed up); benefit_runs.texted:
how many a run texted. Offers made before were never texted (None), runs texted nobody (0).

Revision ID: 0060_benefit_texts
Revises: 0059_licence_status_reason_en
Create Date: 2026-12-03 10:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db

revision: str = "0060_benefit_texts"
down_revision: str | None = "0059_licence_status_reason_en"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("benefit_offers") as batch:
        batch.add_column(sa.Column("sms_at", tongban.db.UTCDateTime(), nullable=True))
    with op.batch_alter_table("benefit_runs") as batch:
        batch.add_column(sa.Column("texted", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("benefit_runs") as batch:
        batch.drop_column("texted")
    with op.batch_alter_table("benefit_offers") as batch:
        batch.drop_column("sms_at")
