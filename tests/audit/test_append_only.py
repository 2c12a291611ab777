"""The database itself keeps ``audit_entries`` append-only (migration
``0040_audit_append_only``): a raw UPDATE or DELETE is refused, on SQLite and on
PostgreSQL alike, except the seal's first setting of seq, prev_hash and hash and a key
rotation re-sealing the actor's name; the chain (``test_chain.py``) finds what the
table's owner does after lifting the triggers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tests.conftest import START
from tongban.audit import service as audit
from tongban.audit.models import AuditEntry
from tongban.audit.verify import verify_chain


@pytest.fixture
def entry(db: Session) -> AuditEntry:
    written = audit.record(
        db,
        at=START,
        action="test.append_only",
        actor=audit.Actor(id=None, name="审计测试"),
        object_type="test",
        object_id="a1",
        opinion="原意见",
        data={"n": 1},
    )
    db.commit()
    assert written.seq is not None and written.hash is not None  # the seal's own update
    return written


def _refused(db: Session, sql: str, **params: object) -> None:
    savepoint = db.begin_nested()
    with pytest.raises(IntegrityError, match="append-only"):
        db.execute(text(sql), params)
    savepoint.rollback()


@pytest.mark.parametrize(
    "change",
    [
        "opinion = '改过的意见'",
        "action = 'test.other'",
        "data = '{\"n\": 2}'",
        "object_id = 'a2'",
        "actor_id = NULL, subject_id = 1",
        "seq = seq + 100000",
        "hash = '" + "0" * 64 + "'",
        "seq = NULL, prev_hash = NULL, hash = NULL",
        "at = :moved",
    ],
)
def test_a_raw_update_of_an_entry_is_refused(db: Session, entry: AuditEntry, change: str) -> None:
    moved = (START + timedelta(days=1)).replace(tzinfo=None)
    params = {"id": entry.id, "moved": moved} if ":moved" in change else {"id": entry.id}
    _refused(db, f"UPDATE audit_entries SET {change} WHERE id = :id", **params)


def test_a_raw_delete_is_refused_for_one_entry_and_for_all(db: Session, entry: AuditEntry) -> None:
    _refused(db, "DELETE FROM audit_entries WHERE id = :id", id=entry.id)
    _refused(db, "DELETE FROM audit_entries")
    assert db.scalar(select(AuditEntry.opinion).where(AuditEntry.id == entry.id)) == "原意见"
    assert verify_chain(db).ok


def test_resealing_the_name_passes_and_the_chain_still_checks_the_name(
    db: Session, entry: AuditEntry
) -> None:
    """What a key rotation does (the same name under a new key) is let through; a changed
    name gets through the trigger too, and the chain names the entry."""
    savepoint = db.begin_nested()
    other = AuditEntry.actor_name.type.process_bind_param("别人", db.get_bind().dialect)
    db.execute(
        text("UPDATE audit_entries SET actor_name = :n WHERE id = :id"),
        {"n": other, "id": entry.id},
    )
    broken = verify_chain(db).broken
    savepoint.rollback()
    assert broken is not None and broken.seq == entry.seq


@pytest.mark.postgres
def test_truncate_is_refused_on_postgresql(db: Session, entry: AuditEntry) -> None:
    _refused(db, "TRUNCATE audit_entries CASCADE")
