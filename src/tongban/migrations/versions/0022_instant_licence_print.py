"""licence faces printed by the worker after issue; conditional licences (容缺)

Revision ID: 0022_instant_licence_print
Revises: 0021_perf_queue
Create Date: 2026-11-30 15:40:00

Licences issued from now on sign their record at issue and their face apart once the
worker prints it (``record_format`` 2, ``face_signature``, ``printed_at``); the licences
already issued signed the face's hash inside the record and keep ``record_format`` 1.
A licence issued on a condition (附条件, 容缺 materials awaited) signs it in its record
(``condition``) and notes when it was met (``condition_met_at``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db

revision: str = "0022_instant_licence_print"
down_revision: str | None = "0021_perf_queue"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("licences", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("record_format", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.add_column(sa.Column("face_signature", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("printed_at", tongban.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("condition", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("condition_met_at", tongban.db.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("licences", schema=None) as batch_op:
        batch_op.drop_column("condition_met_at")
        batch_op.drop_column("condition")
        batch_op.drop_column("printed_at")
        batch_op.drop_column("face_signature")
        batch_op.drop_column("record_format")
