"""hardening: the audit trail as a hash chain (the rows written before it chained in id
order); second factors (TOTP) and recovery codes

Revision ID: 0016_hardening
Revises: 0015_notify
Create Date: 2026-11-30 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db
from tongban.audit.chain import CONTENT_FIELDS, chain_rows

revision: str = "0016_hardening"
down_revision: str | None = "0015_notify"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

# the columns the chain hashes, typed as the model reads them back (times UTC-aware,
# data as JSON), so the rows sealed here verify exactly like the ones sealed at commit
_ENTRIES = sa.table(
    "audit_entries",
    sa.column("id", sa.Integer()),
    sa.column("at", tongban.db.UTCDateTime()),
    sa.column("data", sa.JSON()),
    *(sa.column(name) for name in CONTENT_FIELDS if name not in {"id", "at", "data"}),
    sa.column("seq", sa.Integer()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)


def _chain_existing() -> None:
    bind = op.get_bind()
    content = [_ENTRIES.c[name] for name in CONTENT_FIELDS]
    rows = bind.execute(sa.select(*content).order_by(_ENTRIES.c.id)).mappings().all()
    update = (
        _ENTRIES.update()
        .where(_ENTRIES.c.id == sa.bindparam("row_id"))
        .values(
            seq=sa.bindparam("row_seq"),
            prev_hash=sa.bindparam("row_prev"),
            hash=sa.bindparam("row_hash"),
        )
    )
    sealed = [
        {"row_id": row["id"], "row_seq": seq, "row_prev": previous, "row_hash": current}
        for row, (seq, previous, current) in zip(rows, chain_rows(rows), strict=True)
    ]
    if sealed:
        bind.execute(update, sealed)


def upgrade() -> None:
    with op.batch_alter_table("audit_entries") as batch:
        batch.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
        batch.create_unique_constraint(op.f("uq_audit_entries_seq"), ["seq"])
    _chain_existing()
    op.create_table(
        "second_factors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("sealed_secret", sa.String(length=200), nullable=False),
        sa.Column("created_at", tongban.db.UTCDateTime(), nullable=False),
        sa.Column("confirmed_at", tongban.db.UTCDateTime(), nullable=True),
        sa.Column("last_step", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_second_factors_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_second_factors")),
        sa.UniqueConstraint("user_id", name=op.f("uq_second_factors_user_id")),
    )
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", tongban.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_recovery_codes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_recovery_codes_code_hash")),
    )
    op.create_index(op.f("ix_recovery_codes_user_id"), "recovery_codes", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_recovery_codes_user_id"), table_name="recovery_codes")
    op.drop_table("recovery_codes")
    op.drop_table("second_factors")
    with op.batch_alter_table("audit_entries") as batch:
        batch.drop_constraint(op.f("uq_audit_entries_seq"), type_="unique")
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
        batch.drop_column("seq")
