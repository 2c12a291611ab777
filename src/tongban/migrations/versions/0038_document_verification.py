"""result_documents.verification_code and content: the code a decision's or notice's QR
code carries, and the particulars the worker prints (sealed)

Revision ID: 0038_document_verification
Revises: 0037_inspection_cosign
Create Date: 2026-12-01 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0038_document_verification"
down_revision: str | None = "0037_inspection_cosign"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("result_documents") as batch:
        batch.add_column(sa.Column("verification_code", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("content", sa.JSON(), nullable=True))
        batch.create_unique_constraint(
            op.f("uq_result_documents_verification_code"), ["verification_code"]
        )


def downgrade() -> None:
    with op.batch_alter_table("result_documents") as batch:
        batch.drop_constraint(op.f("uq_result_documents_verification_code"), type_="unique")
        batch.drop_column("content")
        batch.drop_column("verification_code")
