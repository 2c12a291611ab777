"""names and e-mail addresses sealed at rest, names found by keyed hash

Revision ID: 0029_names_sealed
Revises: 0028_guidance

Widens the name and e-mail columns to TEXT and seals every existing value under the
active data key (the purpose ``table.column`` bound into the tag, as ``pii.types.Sealed``
does); adds ``users.display_name_key`` (the keyed hash the case search and the audit
search find a person by). Downgrading opens the values again and drops the hash.
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from tongban.pii.keys import KEYRING
from tongban.pii.types import is_sealed, lookup_key

revision: str = "0029_names_sealed"
down_revision: str | None = "0028_guidance"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

SEALED = [  # table, column, former type, nullable
    ("users", "display_name", sa.String(120), False),
    ("users", "email", sa.String(200), True),
    ("users", "enterprise_name", sa.String(200), True),
    ("licences", "holder_name", sa.String(200), False),
    ("tasks", "actor_name", sa.String(120), True),
    ("audit_entries", "actor_name", sa.String(120), False),
    ("benefit_runs", "actor_name", sa.String(120), False),
    ("data_accesses", "actor_name", sa.String(200), False),
]


SEALED_JSON = [("outbox_messages", "payload")]  # documents naming people (actor, recipient)


def _documents(table: str, column: str) -> list[tuple[int, Any]]:
    found = []
    for key, raw in _rows(table, column):
        value = json.loads(raw) if isinstance(raw, str) else raw
        found.append((key, value))
    return found


def _update_json(table: str, column: str, values: dict[int, Any]) -> None:
    target = sa.table(table, sa.column("id", sa.Integer), sa.column(column, sa.JSON))
    statement = target.update().where(target.c.id == sa.bindparam("_id"))
    rows = [{"_id": key, "_v": value} for key, value in values.items()]
    for start in range(0, len(rows), 500):
        op.get_bind().execute(
            statement.values({column: sa.bindparam("_v")}), rows[start : start + 500]
        )


def _defer_foreign_keys() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA defer_foreign_keys=ON")


def _update(table: str, column: str, values: dict[int, str]) -> None:
    target = sa.table(table, sa.column("id", sa.Integer), sa.column(column, sa.Text))
    statement = target.update().where(target.c.id == sa.bindparam("_id"))
    rows = [{"_id": key, "_v": value} for key, value in values.items()]
    for start in range(0, len(rows), 500):
        op.get_bind().execute(
            statement.values({column: sa.bindparam("_v")}), rows[start : start + 500]
        )


def _rows(table: str, column: str) -> list[tuple[int, str]]:
    query = sa.text(f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL")
    return [(row[0], row[1]) for row in op.get_bind().execute(query)]


def upgrade() -> None:
    _defer_foreign_keys()
    for table, column, former, nullable in SEALED:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                column, existing_type=former, type_=sa.Text(), existing_nullable=nullable
            )
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("display_name_key", sa.String(length=40), nullable=True))
        batch.create_index("ix_users_display_name_key", ["display_name_key"], unique=False)
    names = _rows("users", "display_name")
    _update("users", "display_name_key", {key: lookup_key(name) for key, name in names})
    KEYRING.bind(op.get_bind())
    _seal()


def _seal() -> None:
    for table, column, _former, _nullable in SEALED:
        purpose = f"{table}.{column}"
        _update(
            table,
            column,
            {
                key: KEYRING.seal(
                    str(value).encode(), purpose=purpose, dialect=op.get_bind().dialect
                )
                for key, value in _rows(table, column)
                if not is_sealed(value)
            },
        )

    for table, column in SEALED_JSON:
        purpose = f"{table}.{column}"
        _update_json(
            table,
            column,
            {
                key: KEYRING.seal(
                    json.dumps(value, ensure_ascii=False).encode(),
                    purpose=purpose,
                    dialect=op.get_bind().dialect,
                )
                for key, value in _documents(table, column)
                if not is_sealed(value)
            },
        )


def _open() -> None:
    for table, column in SEALED_JSON:
        purpose = f"{table}.{column}"
        _update_json(
            table,
            column,
            {
                key: json.loads(KEYRING.open(value, purpose=purpose, dialect=op.get_bind().dialect))
                for key, value in _documents(table, column)
                if is_sealed(value)
            },
        )
    for table, column, _former, _nullable in SEALED:
        purpose = f"{table}.{column}"
        _update(
            table,
            column,
            {
                key: KEYRING.open(value, purpose=purpose, dialect=op.get_bind().dialect).decode()
                for key, value in _rows(table, column)
                if is_sealed(value)
            },
        )


def downgrade() -> None:
    KEYRING.bind(op.get_bind())
    _open()
    _defer_foreign_keys()
    with op.batch_alter_table("users") as batch:
        batch.drop_index("ix_users_display_name_key")
        batch.drop_column("display_name_key")
    for table, column, former, nullable in SEALED:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                column, existing_type=sa.Text(), type_=former, existing_nullable=nullable
            )
