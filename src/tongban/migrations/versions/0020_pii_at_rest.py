"""personal data sealed at rest: data keys, sealed columns, keyed-hash lookups

Revision ID: 0020_pii_at_rest
Revises: 0019_agents

Creates ``data_keys`` with the first active data key (wrapped by the configured master
key), widens the sealed string columns to TEXT, adds the keyed-hash columns the lookups
use, and converts every existing row: identifiers sealed, lookup columns hashed.
Downgrading opens the sealed values again; the keyed hashes cannot be undone (the hashed
lookup columns of screening marks, shared-data records and pull logs stay hashes).
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

import tongban.db
from tongban.config import get_settings
from tongban.pii.keys import KEYRING, create_active_key
from tongban.pii.types import is_sealed, lookup_key

revision: str = "0020_pii_at_rest"
down_revision: str | None = "0019_agents"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

SEALED = [  # table, column, former type
    ("users", "id_number", sa.String(18)),
    ("users", "phone", sa.String(20)),
    ("postal_deliveries", "recipient", sa.String(60)),
    ("postal_deliveries", "phone", sa.String(20)),
    ("postal_deliveries", "address", sa.String(200)),
    ("outbox_messages", "address", sa.String(200)),
    ("licences", "holder_code", sa.String(18)),
    ("verification_requests", "question", None),
]
SEALED_JSON = [
    ("cases", "form_data"),
    ("source_records", "data"),
    ("licences", "fields"),
    ("instant_decisions", "facts"),
]
HASHED = [
    ("risk_marks", "value"),
    ("risk_marks", "subject"),
    ("source_records", "key"),
    ("data_accesses", "subject_key"),
    ("benefit_offers", "subject_key"),
]
INDEXED_KEYS = [  # new column, from column
    ("users", "id_number_key", "id_number"),
    ("users", "credit_code_key", "credit_code"),
    ("licences", "holder_key", "holder_code"),
]
DROPPED_INDEXES = [
    ("users", "ix_users_id_number", "id_number"),
    ("licences", "ix_licences_holder_code", "holder_code"),
]


def _defer_foreign_keys() -> None:
    """SQLite copies a table to change a column's type; its children keep pointing at the
    name, so the check waits for the commit (PostgreSQL alters in place)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA defer_foreign_keys=ON")


def upgrade() -> None:
    op.create_table(
        "data_keys",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("algorithm", sa.String(length=20), nullable=False),
        sa.Column("kek_id", sa.String(length=16), nullable=False),
        sa.Column("wrapped", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_at", tongban.db.UTCDateTime(), nullable=False),
        sa.Column("retired_at", tongban.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_keys")),
    )
    _defer_foreign_keys()
    for table, index, _column in DROPPED_INDEXES:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(index)
    for table, column, former in SEALED:
        if former is not None:
            with op.batch_alter_table(table) as batch:
                batch.alter_column(column, existing_type=former, type_=sa.Text())
    for table, column, _source in INDEXED_KEYS:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column(column, sa.String(length=40), nullable=True))
            batch.create_index(f"ix_{table}_{column}", [column], unique=False)
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("purged_at", tongban.db.UTCDateTime(), nullable=True))
    _convert()


def _rows(table: str, *columns: str) -> list[Any]:
    names = ", ".join(columns)
    query = f"SELECT id, {names} FROM {table}"
    return list(op.get_bind().execute(sa.text(query)))


def _update(table: str, column: str, kind: Any, values: dict[int, Any]) -> None:
    target = sa.table(table, sa.column("id", sa.Integer), sa.column(column, kind))
    statement = target.update().where(target.c.id == sa.bindparam("_id"))
    rows = [{"_id": key, column: value} for key, value in values.items()]
    for start in range(0, len(rows), 500):
        op.get_bind().execute(
            statement.values({column: sa.bindparam(column)}), rows[start : start + 500]
        )


def _convert() -> None:
    settings = get_settings()
    create_active_key(op.get_bind(), now=datetime.now(UTC), algorithm=settings.data_cipher)
    for table, column, source in INDEXED_KEYS:
        found = {row[0]: lookup_key(row[1]) for row in _rows(table, source) if row[1]}
        _update(table, column, sa.String, found)
    for table, column in HASHED:
        _update(
            table,
            column,
            sa.String,
            {row[0]: lookup_key(row[1]) for row in _rows(table, column) if row[1]},
        )
    walk_ins = {  # walk-in accounts were named after the ID number
        row[0]: "walkin-" + lookup_key(row[1].removeprefix("walkin-")).removeprefix("h:")
        for row in _rows("users", "username")
        if row[1].startswith("walkin-") and len(row[1]) == len("walkin-") + 18
    }
    _update("users", "username", sa.String, walk_ins)
    shared = {  # a shared material's reference: "source:key,key" → the keys' hashes
        row[0]: row[2].split(":", 1)[0]
        + ":"
        + ",".join(lookup_key(k) for k in row[2].split(":", 1)[1].split(","))
        for row in _rows("materials", "way", "reference")
        if row[1] == "shared" and row[2] and ":" in row[2]
    }
    _update("materials", "reference", sa.String, shared)
    for table, column, _former in SEALED:
        purpose = f"{table}.{column}"
        found = {
            row[0]: KEYRING.seal(
                str(row[1]).encode(), purpose=purpose, dialect=op.get_bind().dialect
            )
            for row in _rows(table, column)
            if row[1] is not None and not is_sealed(row[1])
        }
        _update(table, column, sa.Text, found)
    for table, column in SEALED_JSON:
        purpose = f"{table}.{column}"
        found = {}
        for key, raw in _rows(table, column):
            value = json.loads(raw) if isinstance(raw, str) else raw
            if value is not None and not is_sealed(value):
                found[key] = KEYRING.seal(
                    json.dumps(value, ensure_ascii=False).encode(),
                    purpose=purpose,
                    dialect=op.get_bind().dialect,
                )
        _update(table, column, sa.JSON, found)


def downgrade() -> None:
    for table, column in SEALED_JSON:
        purpose = f"{table}.{column}"
        found = {}
        for key, raw in _rows(table, column):
            value = json.loads(raw) if isinstance(raw, str) and raw.startswith('"') else raw
            if is_sealed(value):
                found[key] = json.loads(
                    KEYRING.open(value, purpose=purpose, dialect=op.get_bind().dialect)
                )
        _update(table, column, sa.JSON, found)
    for table, column, _former in SEALED:
        purpose = f"{table}.{column}"
        found = {
            row[0]: KEYRING.open(row[1], purpose=purpose, dialect=op.get_bind().dialect).decode()
            for row in _rows(table, column)
            if is_sealed(row[1])
        }
        _update(table, column, sa.Text, found)
    _defer_foreign_keys()
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("purged_at")
    for table, column, _source in INDEXED_KEYS:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_{column}")
            batch.drop_column(column)
    for table, column, former in SEALED:
        if former is not None:
            with op.batch_alter_table(table) as batch:
                batch.alter_column(column, existing_type=sa.Text(), type_=former)
    for table, index, column in DROPPED_INDEXES:
        with op.batch_alter_table(table) as batch:
            batch.create_index(index, [column], unique=False)
    op.drop_table("data_keys")
