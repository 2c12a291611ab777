"""verification_requests.question_en: the English of a question the platform asked by
itself (自动协查), sealed like the question (it names the applicant); None for what staff
typed. Requests asked before keep None and show their Chinese question.

Revision ID: 0058_verification_question_en
Revises: 0057_task_opinion_en
Create Date: 2026-12-03 02:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0058_verification_question_en"
down_revision: str | None = "0057_task_opinion_en"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("verification_requests") as batch:
        batch.add_column(sa.Column("question_en", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("verification_requests") as batch:
        batch.drop_column("question_en")
