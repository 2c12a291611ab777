"""audit_entries append-only in the database: a trigger refuses UPDATE and DELETE (and, on
PostgreSQL, TRUNCATE) except the two writes the platform makes to an entry after inserting
it: the seal's first setting of seq, prev_hash and hash at commit (``audit.chain.seal``),
and a key rotation re-sealing the encrypted actor_name (``privacy.rotation``; the chain's
hash covers the name itself, so a changed name is still found by ``tongban audit verify``).
Every other column must stay as it was. Retention purges leave audit entries untouched.

Revision ID: 0040_audit_append_only
Revises: 0039_password_age
Create Date: 2026-12-01 13:45:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0040_audit_append_only"
down_revision: str | None = "0039_password_age"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

MESSAGE = "audit_entries is append-only: an audit entry cannot be changed or deleted"
KEPT = (  # columns no write may change after the insert
    "id",
    "at",
    "action",
    "actor_id",
    "object_type",
    "object_id",
    "case_id",
    "subject_id",
    "department_code",
    "from_state",
    "to_state",
    "opinion",
    "source_address",
)
CHAIN = ("seq", "prev_hash", "hash")


def _same(columns: Sequence[str], same: str) -> str:
    return " AND ".join(f"NEW.{c} {same} OLD.{c}" for c in columns)


def _sqlite() -> None:
    kept = _same(KEPT, "IS") + " AND NEW.data IS OLD.data"
    sealing = " AND ".join(
        [
            *(f"OLD.{c} IS NULL AND NEW.{c} IS NOT NULL" for c in CHAIN),
            "NEW.actor_name IS OLD.actor_name",
        ]
    )
    resealing = _same(CHAIN, "IS")
    op.execute(
        "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
        f"WHEN NOT ({kept} AND (({sealing}) OR ({resealing}))) "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )
    op.execute(
        "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )


def _postgresql() -> None:
    distinct = "IS NOT DISTINCT FROM"
    kept = _same(KEPT, distinct) + f" AND NEW.data::text {distinct} OLD.data::text"
    sealing = " AND ".join(
        [
            *(f"OLD.{c} IS NULL AND NEW.{c} IS NOT NULL" for c in CHAIN),
            f"NEW.actor_name {distinct} OLD.actor_name",
        ]
    )
    resealing = _same(CHAIN, distinct)
    op.execute(
        "CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        f"  IF TG_OP = 'UPDATE' AND {kept} AND (({sealing}) OR ({resealing})) THEN\n"
        "    RETURN NEW;\n"
        "  END IF;\n"
        f"  RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';\n"
        "END\n"
        "$$"
    )
    op.execute(
        "CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries "
        "FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgresql()
    else:
        _sqlite()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_entries_no_truncate ON audit_entries")
        op.execute("DROP TRIGGER audit_entries_append_only ON audit_entries")
        op.execute("DROP FUNCTION audit_entries_append_only()")
    else:
        op.execute("DROP TRIGGER audit_entries_no_delete")
        op.execute("DROP TRIGGER audit_entries_no_update")
