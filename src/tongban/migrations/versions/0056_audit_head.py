"""audit_head: the audit chain's head as the worker anchored it, kept beside the chain so
that ``tongban audit verify`` finds entries cut off the end without being given a log. One
row, moved forward only: a trigger refuses a smaller ``seq``, another id, and a DELETE (and,
on PostgreSQL, TRUNCATE), as ``0040_audit_append_only`` does for the entries.

Revision ID: 0056_audit_head
Revises: 0055_assistant_question_sources
Create Date: 2026-12-02 17:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0056_audit_head"
down_revision: str | None = "0055_assistant_question_sources"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

MESSAGE = "audit_head only moves forward: the anchored head cannot be moved back or deleted"


def upgrade() -> None:
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "BEGIN\n"
            "  IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.seq >= OLD.seq THEN\n"
            "    RETURN NEW;\n"
            "  END IF;\n"
            f"  RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';\n"
            "END\n"
            "$$"
        )
        op.execute(
            "CREATE TRIGGER audit_head_forward BEFORE UPDATE OR DELETE ON audit_head "
            "FOR EACH ROW EXECUTE FUNCTION audit_head_forward()"
        )
        op.execute(
            "CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_head_forward()"
        )
        return
    op.execute(
        "CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head "
        "WHEN NEW.id IS NOT OLD.id OR NEW.seq < OLD.seq "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )
    op.execute(
        "CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_head_no_truncate ON audit_head")
        op.execute("DROP TRIGGER audit_head_forward ON audit_head")
        op.execute("DROP FUNCTION audit_head_forward()")
    op.drop_table("audit_head")
