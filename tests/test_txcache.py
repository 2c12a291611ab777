"""Reads that skip the flush before them (``txcache.unflushed``): only when nothing they
could see is pending, so an answer never differs from what a flush first would give."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from tongban import txcache
from tongban.accounts import service as accounts
from tongban.cases import service as cases
from tongban.cases.enums import PauseReason
from tongban.cases.models import Case, CasePause
from tongban.jobs.models import Job
from tongban.sharing.models import SourceRecord

NOW = datetime(2025, 11, 3, 2, 0, tzinfo=UTC)


def _job(key: str) -> Job:
    return Job(kind="test", key=key, due_at=NOW, created_at=NOW, max_attempts=1)


def _records(db: Session) -> int:
    return db.scalar(select(func.count(SourceRecord.id)).where(SourceRecord.source == "t")) or 0


def test_a_read_of_other_tables_leaves_the_pending_rows_for_the_next_flush(db: Session) -> None:
    job = _job("txcache:1")
    db.add(job)
    with txcache.unflushed(db, SourceRecord):
        assert _records(db) == 0
    assert inspect(job).pending  # not written by the read
    db.scalar(select(func.count(Job.id)))  # an ordinary query flushes it as before
    assert inspect(job).persistent


def test_a_read_of_a_table_with_a_pending_row_flushes_first(db: Session) -> None:
    db.add(SourceRecord(source="t", key="k", data={}, updated_at=NOW))
    db.add(job := _job("txcache:2"))
    with txcache.unflushed(db, SourceRecord):
        assert _records(db) == 1
    assert inspect(job).persistent  # the flush is the ordinary one: all of it


def _case(db: Session) -> Case:
    applicant = accounts.find_user(db, username="zhangsan")
    assert applicant is not None
    return cases.create_case(db, applicant=applicant, code="3501-CGJ-003", form_data={}, now=NOW)


def _pauses(db: Session, case: Case) -> int:
    return db.scalar(select(func.count(CasePause.id)).where(CasePause.case_id == case.id)) or 0


def test_a_child_moved_between_collections_flushes_first(db: Session) -> None:
    first, second = _case(db), _case(db)
    first.pauses.append(
        pause := CasePause(reason=PauseReason.correction, started_at=NOW, started_by="test")
    )
    db.flush()
    second.pauses.append(pause)
    assert pause not in db.dirty  # only the parents' collections changed
    with txcache.unflushed(db, CasePause):
        assert _pauses(db, second) == 1


def test_a_pending_deletion_flushes_first(db: Session) -> None:
    case = _case(db)
    case.pauses.append(
        pause := CasePause(reason=PauseReason.correction, started_at=NOW, started_by="test")
    )
    db.flush()
    db.delete(pause)
    db.add(job := _job("txcache:3"))
    with txcache.unflushed(db, SourceRecord):
        _records(db)
    assert inspect(job).persistent
