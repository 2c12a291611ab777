"""material ways: how each material is satisfied (upload, generated, signed, shared,
licence, verified), its trust level (A-D), the clerk's check of the original, and the
material a 协查 the platform asked by itself is about

Revision ID: 0007_material_ways
Revises: 0006_idempotency_keys
Create Date: 2026-11-30 08:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db

revision: str = "0007_material_ways"
down_revision: str | None = "0006_idempotency_keys"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

FILE_COLUMNS = (
    ("filename", sa.String(length=200)),
    ("content_type", sa.String(length=60)),
    ("size", sa.Integer()),
    ("sha256", sa.String(length=64)),
    ("storage_key", sa.String(length=200)),
)


def upgrade() -> None:
    with op.batch_alter_table("materials") as batch:
        batch.add_column(
            sa.Column(
                "way",
                sa.Enum(
                    "upload",
                    "generated",
                    "signed",
                    "shared",
                    "licence",
                    "verified",
                    name="materialway",
                    native_enum=False,
                    length=20,
                ),
                nullable=False,
                server_default="upload",
            )
        )
        batch.add_column(
            sa.Column(
                "trust_level",
                sa.Enum("A", "B", "C", "D", name="trustlevel", native_enum=False, length=1),
                nullable=True,
            )
        )
        batch.add_column(sa.Column("reference", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("detail", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("checked_by", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("checked_at", tongban.db.UTCDateTime(), nullable=True))
        for name, kind in FILE_COLUMNS:
            batch.alter_column(name, existing_type=kind, nullable=True)
        batch.alter_column("uploaded_by_id", existing_type=sa.Integer(), nullable=True)
    op.execute("UPDATE materials SET trust_level = 'C'")
    with op.batch_alter_table("verification_requests") as batch:
        batch.add_column(sa.Column("material_code", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("confirmed", sa.Boolean(), nullable=True))
    with op.batch_alter_table("materials") as batch:
        batch.alter_column("way", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("verification_requests") as batch:
        batch.drop_column("confirmed")
        batch.drop_column("material_code")
    op.execute("DELETE FROM materials WHERE storage_key IS NULL")
    with op.batch_alter_table("materials") as batch:
        batch.alter_column("uploaded_by_id", existing_type=sa.Integer(), nullable=False)
        for name, kind in FILE_COLUMNS:
            batch.alter_column(name, existing_type=kind, nullable=False)
        for name in ("checked_at", "checked_by", "detail", "reference", "trust_level", "way"):
            batch.drop_column(name)
