"""agents: authorisations to act for someone (授权委托), and the one a case was made under

Revision ID: 0019_agents
Revises: 0018_integration
Create Date: 2026-11-30 16:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tongban.db

revision: str = "0019_agents"
down_revision: str | None = "0018_integration"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "authorisations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("grantor_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("relation", sa.String(length=20), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("consent", sa.Text(), nullable=False),
        sa.Column("created_at", tongban.db.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", tongban.db.UTCDateTime(), nullable=True),
    )
    op.create_index("ix_authorisations_grantor_id", "authorisations", ["grantor_id"])
    op.create_index("ix_authorisations_agent_id", "authorisations", ["agent_id"])
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("authorisation_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_cases_authorisation_id", "authorisations", ["authorisation_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint("fk_cases_authorisation_id", type_="foreignkey")
        batch.drop_column("authorisation_id")
    op.drop_table("authorisations")
