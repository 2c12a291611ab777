"""tasks.opinion_en: the English of an opinion the platform wrote on a task (秒批 reasons,
告知承诺 approvals), beside the Chinese ``opinion`` as audit entries keep it
(``data["opinion_en"]``), so that the stages of a case read in English; None for what a
person typed. post_checks.scope_en: what a 告知承诺 post-approval check verifies, in
English where the catalog gives it (``commitment.post_check.scope_en``).

Revision ID: 0057_task_opinion_en
Revises: 0056_audit_head
Create Date: 2026-12-03 01:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0057_task_opinion_en"
down_revision: str | None = "0056_audit_head"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("opinion_en", sa.Text(), nullable=True))
    with op.batch_alter_table("post_checks") as batch:
        batch.add_column(sa.Column("scope_en", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("post_checks") as batch:
        batch.drop_column("scope_en")
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("opinion_en")
