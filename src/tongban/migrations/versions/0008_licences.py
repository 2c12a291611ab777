"""e-licences: the licence library (GB/T 36903 metadata, signature) and the licence
number on result documents

Revision ID: 0008_licences
Revises: 0007_material_ways
Create Date: 2026-11-30 09:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db

revision: str = "0008_licences"
down_revision: str | None = "0007_material_ways"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("result_documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number", sa.String(length=40), nullable=True))
    status = sa.Enum(
        "valid",
        "suspended",
        "revoked",
        "cancelled",
        "expired",
        name="licencestatus",
        native_enum=False,
        length=20,
    )
    op.create_table(
        "licences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("result_document_id", sa.Integer(), nullable=True),
        sa.Column("item_code", sa.String(length=40), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("type_code", sa.String(length=21), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("identifier", sa.String(length=120), nullable=False),
        sa.Column("holder_name", sa.String(length=200), nullable=False),
        sa.Column("holder_code", sa.String(length=18), nullable=False),
        sa.Column(
            "holder_code_type",
            sa.Enum(
                "resident_id", "credit_code", name="holdercodetype", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("issuer_name", sa.String(length=120), nullable=False),
        sa.Column("issuer_code", sa.String(length=18), nullable=False),
        sa.Column("issuer_department", sa.String(length=10), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("division_code", sa.String(length=6), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("status", status, nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("status_changed_at", tongban.db.UTCDateTime(), nullable=True),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column(
            "algorithm",
            sa.Enum("ed25519", "sm2", name="algorithm", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("key_id", sa.String(length=40), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("issued_at", tongban.db.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_licences_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["issuer_department"],
            ["departments.code"],
            name=op.f("fk_licences_issuer_department_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["result_document_id"],
            ["result_documents.id"],
            name=op.f("fk_licences_result_document_id_result_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_licences")),
        sa.UniqueConstraint("identifier", name=op.f("uq_licences_identifier")),
    )
    with op.batch_alter_table("licences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_licences_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_licences_holder_code"), ["holder_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_licences_number"), ["number"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("licences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_licences_number"))
        batch_op.drop_index(batch_op.f("ix_licences_holder_code"))
        batch_op.drop_index(batch_op.f("ix_licences_case_id"))
    op.drop_table("licences")
    with op.batch_alter_table("result_documents", schema=None) as batch_op:
        batch_op.drop_column("number")
