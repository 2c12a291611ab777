"""licences.status_reason_en: the English of a status change's reason the platform wrote
(a failed post-approval check of a commitment approval, materials missing past the
deadline of a conditional licence), shown on English pages and in the API; None for a
reason staff typed. Licences changed before keep None and show their Chinese reason.

Revision ID: 0059_licence_status_reason_en
Revises: 0058_verification_question_en
Create Date: 2026-12-03 07:30:00.000000
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
