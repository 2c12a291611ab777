"""kiosk_terminals: the halls' registered self-service terminals move from the
TONGBAN_KIOSK_TERMINALS setting to the database, where operators register and revoke them

Revision ID: 0046_kiosk_terminals
Revises: 0045_metric_channels
Create Date: 2026-12-01 19:40:00.000000

The setting's entries (``HALL:NAME:SHA256``, comma-separated) are registered here, once;
later changes to the setting are not read.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import tongban.db
from tongban.config import get_settings

revision: str = "0046_kiosk_terminals"
down_revision: str | None = "0045_metric_channels"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def _entries(setting: str) -> list[dict[str, str]]:
    """The setting's terminals as rows; raises ``ValueError`` naming a malformed entry."""
    rows = []
    for entry in (part.strip() for part in setting.split(",")):
        if not entry:
            continue
        hall, _, rest = entry.partition(":")
        name, _, digest = rest.rpartition(":")
        if not hall or not name or len(digest) != 64:
            raise ValueError(
                f"TONGBAN_KIOSK_TERMINALS entry {entry!r}: expected HALL:NAME:SHA256 "
                "(fix or remove it, then migrate again)"
            )
        rows.append({"hall_code": hall, "name": name, "token_digest": digest.lower()})
    return rows


def upgrade() -> None:
    table = op.create_table(
        "kiosk_terminals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hall_code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("registered_at", tongban.db.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", tongban.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosk_terminals")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_kiosk_terminals_token_digest")),
    )
    now = datetime.now(UTC)
    rows = [{**row, "registered_at": now} for row in _entries(get_settings().kiosk_terminals)]
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_table("kiosk_terminals")
