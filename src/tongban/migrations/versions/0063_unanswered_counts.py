"""assistant_unanswered counts every ask: one open row per question (``key``: folded,
without spaces) with ``asks`` and ``first_asked_at``/``last_asked_at``, instead of one row
per ask, which the per-address daily limit capped, so that a question asked from behind
one address (an office, a mobile carrier) was undercounted on the administrators' list.
The per-address limit now caps only the new questions an address adds. Open rows of one
question are merged into its first; closed rows stay one each.

Revision ID: 0063_unanswered_counts
Revises: 0062_metric_situation_savings
Create Date: 2026-12-03 17:20:00.000000
"""

import unicodedata
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import tongban.db

revision: str = "0063_unanswered_counts"
down_revision: str | None = "0062_metric_situation_savings"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

OPEN = "resolved_at IS NULL"

_table = sa.table(
    "assistant_unanswered",
    sa.column("id", sa.Integer()),
    sa.column("question", sa.String()),
    sa.column("key", sa.String()),
    sa.column("asks", sa.Integer()),
    sa.column("first_asked_at", tongban.db.UTCDateTime()),
    sa.column("last_asked_at", tongban.db.UTCDateTime()),
    sa.column("resolved_at", tongban.db.UTCDateTime()),
)


def _key(question: str) -> str:
    """The question as the list compares it (``unanswered.question_key`` when written)."""
    return "".join(unicodedata.normalize("NFKC", question).casefold().split())


def upgrade() -> None:
    op.drop_index("ix_assistant_unanswered_open", table_name="assistant_unanswered")
    with op.batch_alter_table("assistant_unanswered") as batch:
        batch.alter_column("asked_at", new_column_name="first_asked_at")
        batch.add_column(sa.Column("key", sa.String(200), nullable=True))
        batch.add_column(sa.Column("asks", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("last_asked_at", tongban.db.UTCDateTime(), nullable=True))
    _merge(op.get_bind())
    with op.batch_alter_table("assistant_unanswered") as batch:
        batch.alter_column("key", existing_type=sa.String(200), nullable=False)
        batch.alter_column("asks", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("last_asked_at", existing_type=tongban.db.UTCDateTime(), nullable=False)
    op.create_index(
        "uq_assistant_unanswered_open_key",
        "assistant_unanswered",
        ["key"],
        unique=True,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )
    op.create_index("ix_assistant_unanswered_open", "assistant_unanswered", ["resolved_at", "asks"])


def _merge(conn: sa.Connection) -> None:
    """One row per open question, counting its asks; each closed row counts one."""
    rows = conn.execute(
        sa.select(
            _table.c.id, _table.c.question, _table.c.first_asked_at, _table.c.resolved_at
        ).order_by(_table.c.id)
    ).all()
    groups: dict[str, list[Any]] = {}
    for row in rows:
        key = _key(row.question)
        if row.resolved_at is None:
            groups.setdefault(key, []).append(row)
        else:
            _set(conn, row.id, key, 1, row.first_asked_at, row.first_asked_at)
    for key, asked in groups.items():
        times = [row.first_asked_at for row in asked]
        _set(conn, asked[0].id, key, len(asked), min(times), max(times))
        later = [row.id for row in asked[1:]]
        if later:
            conn.execute(sa.delete(_table).where(_table.c.id.in_(later)))


def _set(
    conn: sa.Connection, row_id: int, key: str, asks: int, first: object, last: object
) -> None:
    conn.execute(
        sa.update(_table)
        .where(_table.c.id == row_id)
        .values(key=key, asks=asks, first_asked_at=first, last_asked_at=last)
    )


def downgrade() -> None:
    """Back to one row per ask: a question asked n times is n rows again (the first at
    its first ask, the others at its last)."""
    op.drop_index("ix_assistant_unanswered_open", table_name="assistant_unanswered")
    op.drop_index("uq_assistant_unanswered_open_key", table_name="assistant_unanswered")
    conn = op.get_bind()
    rows = conn.execute(sa.select(_table).where(_table.c.asks > 1)).all()
    for row in rows:
        copy = {"question": row.question, "first_asked_at": row.last_asked_at}
        copy |= {"resolved_at": row.resolved_at, "key": row.key, "asks": 1}
        copy |= {"last_asked_at": row.last_asked_at}
        conn.execute(sa.insert(_table), [copy] * (row.asks - 1))
    with op.batch_alter_table("assistant_unanswered") as batch:
        batch.drop_column("last_asked_at")
        batch.drop_column("asks")
        batch.drop_column("key")
        batch.alter_column("first_asked_at", new_column_name="asked_at")
    op.create_index(
        "ix_assistant_unanswered_open", "assistant_unanswered", ["resolved_at", "question"]
    )
