"""shared records found by their name's keyed hash; accounts' real-name verification

The used-once check of a company name asked every enterprise register record to be opened
and compared; the keyed hash of the name, indexed with the source, makes it one query.

Revision ID: 0027_identity
Revises: 0026_case_messages
Create Date: 2026-11-30 19:40:00
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db
from tongban.pii.keys import KEYRING
from tongban.pii.types import SealedJSON, is_sealed, lookup_key

revision: str = "0027_identity"
down_revision: str | None = "0026_case_messages"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    # real-name verification (实名认证): accounts made before it stay unverified until the
    # registers confirm them (``accounts.realname.verify_pending``)
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("identity_verified_at", tongban.db.UTCDateTime(), nullable=True))
    with op.batch_alter_table("source_records") as batch:
        batch.add_column(sa.Column("name_key", sa.String(length=40), nullable=True))
        batch.create_index("ix_source_records_name_key", ["source", "name_key"], unique=False)
    _backfill()


def _backfill() -> None:
    bind = op.get_bind()
    KEYRING.bind(bind)
    sealed = SealedJSON("source_records.data")
    rows = bind.execute(sa.text("SELECT id, data FROM source_records")).all()
    found = []
    for row_id, raw in rows:
        value = json.loads(raw) if isinstance(raw, str) and not is_sealed(raw) else raw
        data = sealed.process_result_value(value, bind.dialect)
        name = data.get("name") if isinstance(data, dict) else None
        if isinstance(name, str) and name.strip():
            found.append({"_id": row_id, "name_key": lookup_key(name)})
    table = sa.table("source_records", sa.column("id", sa.Integer), sa.column("name_key"))
    statement = table.update().where(table.c.id == sa.bindparam("_id"))
    for start in range(0, len(found), 500):
        bind.execute(
            statement.values(name_key=sa.bindparam("name_key")), found[start : start + 500]
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("identity_verified_at")
    with op.batch_alter_table("source_records") as batch:
        batch.drop_index("ix_source_records_name_key")
        batch.drop_column("name_key")
