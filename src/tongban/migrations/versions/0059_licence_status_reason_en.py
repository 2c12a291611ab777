"""licences.status_reason_en: the English of the reason the platform gave when it revoked
or cancelled a licence by itself (a failed post-approval check, deficiency materials not
supplied in time, the holder deregistered); None for a reason staff typed. Licences changed
before keep None and show their Chinese reason.

Revision ID: 0059_licence_status_reason_en
Revises: 0058_verification_question_en
Create Date: 2026-12-03 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0059_licence_status_reason_en"
down_revision: str | None = "0058_verification_question_en"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("licences") as batch:
        batch.add_column(sa.Column("status_reason_en", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("licences") as batch:
        batch.drop_column("status_reason_en")
