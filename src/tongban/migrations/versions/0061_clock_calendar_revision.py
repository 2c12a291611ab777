"""clocks.calendar_revision: the revision of the holiday calendar a clock's due time was
counted on (``clocks.revision``), so the alert sweep takes the stored due time as it is and
counts again only the clocks whose calendar changed since (a year the package's seed
changed at startup, which recomputes no open deadline). Clocks written before keep None:
each is counted again once, by its next watch.

Revision ID: 0061_clock_calendar_revision
Revises: 0060_benefit_texts
Create Date: 2026-12-03 10:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0061_clock_calendar_revision"
down_revision: str | None = "0060_benefit_texts"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("clocks") as batch:
        batch.add_column(sa.Column("calendar_revision", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("clocks") as batch:
        batch.drop_column("calendar_revision")
