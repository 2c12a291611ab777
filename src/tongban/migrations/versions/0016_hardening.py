"""hardening: the audit trail as a hash chain, the rows written before it chained in id order

Revision ID: 0016_hardening
Revises: 0009_sharing
Create Date: 2026-11-30 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db
from tongban.audit.chain import CONTENT_FIELDS, chain_rows

revision: str = "0016_hardening"
down_revision: str | None = "0009_sharing"
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


def downgrade() -> None:
    with op.batch_alter_table("audit_entries") as batch:
        batch.drop_constraint(op.f("uq_audit_entries_seq"), type_="unique")
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
        batch.drop_column("seq")
