"""integration: machine clients of department systems (scoped tokens), webhook
subscriptions and their deliveries

Revision ID: 0018_integration
Revises: 0017_instant_rules
Create Date: 2026-11-30 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db

revision: str = "0018_integration"
down_revision: str | None = "0017_instant_rules"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sign_in_sessions") as batch:
        batch.add_column(sa.Column("scopes", sa.String(length=200), nullable=True))
    op.create_table(
        "machine_clients",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.String(length=40), nullable=False, unique=True),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "department_code",
            sa.String(length=10),
            sa.ForeignKey("departments.code"),
            nullable=False,
        ),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("scopes", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", tongban.db.UTCDateTime(), nullable=False),
        sa.Column("last_token_at", tongban.db.UTCDateTime(), nullable=True),
    )
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "department_code",
            sa.String(length=10),
            sa.ForeignKey("departments.code"),
            nullable=False,
        ),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("events", sa.String(length=300), nullable=False),
        sa.Column("sealed_secret", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", tongban.db.UTCDateTime(), nullable=False),
    )
    op.create_index(
        "ix_webhook_subscriptions_department_code", "webhook_subscriptions", ["department_code"]
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "subscription_id",
            sa.Integer(),
            sa.ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("event_id", sa.String(length=60), nullable=False),
        sa.Column("event_type", sa.String(length=40), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_at", tongban.db.UTCDateTime(), nullable=False),
        sa.Column("delivered_at", tongban.db.UTCDateTime(), nullable=True),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.UniqueConstraint("subscription_id", "event_id"),
    )
    op.create_index(
        "ix_webhook_deliveries_subscription_id", "webhook_deliveries", ["subscription_id"]
    )


def downgrade() -> None:
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_subscriptions")
    op.drop_table("machine_clients")
    with op.batch_alter_table("sign_in_sessions") as batch:
        batch.drop_column("scopes")
