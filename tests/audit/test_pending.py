"""Entries wait for the commit; a statement is looked into (its tables walked) only while
one of them waits to be written, so a unit of work's later statements cost nothing more."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import START
from tongban.accounts.models import User
from tongban.audit import pending
from tongban.audit import service as audit
from tongban.audit.models import AuditEntry


def test_statements_are_looked_into_only_while_an_entry_waits(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    walked: list[Any] = []
    find_tables = pending.find_tables

    def counted(statement: Any, **options: Any) -> Any:
        walked.append(statement)
        return find_tables(statement, **options)

    monkeypatch.setattr(pending, "find_tables", counted)
    entry = audit.record(
        db, at=START, action="test.pending", actor=audit.SYSTEM, object_type="test", object_id="p1"
    )
    db.scalars(select(User.id).limit(1)).all()
    assert len(walked) == 1  # an entry waits: does this read need it written?
    found = db.scalars(select(AuditEntry.id).where(AuditEntry.object_id == "p1")).all()
    assert found == [entry.id] and entry.id is not None  # written for the read
    walked.clear()
    db.scalars(select(User.id).limit(1)).all()
    db.scalars(select(AuditEntry.object_id).where(AuditEntry.id == entry.id)).all()
    assert walked == []  # nothing waits: no statement is walked
    audit.record(
        db, at=START, action="test.pending", actor=audit.SYSTEM, object_type="test", object_id="p2"
    )
    seen = select(AuditEntry.object_id).where(AuditEntry.object_type == "test")
    assert sorted(db.scalars(seen)) == ["p1", "p2"]  # a second entry waits, and is seen
