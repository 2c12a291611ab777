"""A message on a case carries several files: one row per file in message_attachments
(key, name as sent, media type, size), instead of one attachment in columns of
case_messages. Each message's single attachment becomes its first row; the columns go.

Revision ID: 0064_message_attachments
Revises: 0063_unanswered_counts
Create Date: 2026-12-03 21:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0064_message_attachments"
down_revision: str | None = "0063_unanswered_counts"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

COLUMNS = ("attachment_key", "attachment_name", "attachment_type", "attachment_size")


_messages = sa.table(
    "case_messages",
    sa.column("id", sa.Integer()),
    *(sa.column(name, sa.String()) for name in COLUMNS[:3]),
    sa.column("attachment_size", sa.Integer()),
)


def upgrade() -> None:
    """The attachments are read before case_messages loses its columns and written after
    message_attachments is made: SQLite's batch mode rebuilds case_messages, which a
    table naming it would forbid."""
    m = _messages.c
    found = op.get_bind().execute(
        sa.select(m.id, *(m[name] for name in COLUMNS))
        .where(m.attachment_key.is_not(None))
        .order_by(m.id)
    )
    rows = [
        {
            "message_id": id_,
            "key": key,
            "name": name or "attachment",
            "content_type": content_type or "application/octet-stream",
            "size": size or 0,
        }
        for id_, key, name, content_type, size in found
    ]
    with op.batch_alter_table("case_messages") as batch:
        for column in COLUMNS:
            batch.drop_column(column)
    attachments = op.create_table(
        "message_attachments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("message_id", sa.Integer(), sa.ForeignKey("case_messages.id"), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=60), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
    )
    op.create_index("ix_message_attachments_message_id", "message_attachments", ["message_id"])
    if rows:
        op.bulk_insert(attachments, rows)


def downgrade() -> None:
    """Back to one attachment per message: each message keeps its first file."""
    with op.batch_alter_table("case_messages") as batch:
        batch.add_column(sa.Column("attachment_key", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("attachment_name", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("attachment_type", sa.String(length=60), nullable=True))
        batch.add_column(sa.Column("attachment_size", sa.Integer(), nullable=True))
    first = "SELECT {0} FROM message_attachments a WHERE a.message_id = case_messages.id "
    first += "ORDER BY a.id LIMIT 1"
    op.execute(
        "UPDATE case_messages SET "
        + ", ".join(
            f"{column} = ({first.format(source)})"
            for column, source in zip(COLUMNS, ("key", "name", "content_type", "size"), strict=True)
        )
    )
    op.drop_index("ix_message_attachments_message_id", table_name="message_attachments")
    op.drop_table("message_attachments")
