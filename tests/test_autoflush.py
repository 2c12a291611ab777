"""A query flushes only what it reads (``tongban.autoflush``): pending rows of other tables
wait for a query of theirs or the commit; what the check cannot see flushes as before."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from tongban.catalog.models import CatalogEntry, Department
from tongban.sharing.models import DataAccess

NOW = datetime(2025, 11, 3, 2, 0, tzinfo=UTC)


def _access(purpose: str) -> DataAccess:
    return DataAccess(
        at=NOW,
        source="population",
        subject_key="350102199001011234",
        actor_name="系统",
        fields=["name"],
        purpose=purpose,
        outcome="found",
    )


def test_a_query_of_another_table_leaves_pending_rows_pending(db: Session) -> None:
    row = _access("a")
    db.add(row)
    db.scalars(select(Department.code)).all()
    assert row in db.new  # the departments cannot depend on it


def test_a_query_of_the_pending_rows_table_sees_them(db: Session) -> None:
    row = _access("b")
    db.add(row)
    db.scalars(select(Department.code)).all()
    found = db.scalars(select(DataAccess).where(DataAccess.purpose == "b")).all()
    assert found == [row] and row not in db.new


def test_a_table_read_in_a_subquery_counts(db: Session) -> None:
    row = _access("c")
    db.add(row)
    inner = select(DataAccess.source).where(DataAccess.purpose == "c")
    db.scalars(select(Department.code).where(Department.code.in_(inner))).all()
    assert row not in db.new


def test_a_row_others_refer_to_by_a_natural_key_flushes_before_any_query(db: Session) -> None:
    # catalog_versions.code refers to catalog_entries.code with no ORM relationship:
    # only separate flushes put an entry before its versions
    department = Department(code="TSTAF", name="测试局", division_code="350100")
    db.add(department)
    db.scalars(select(DataAccess.id)).all()
    assert department not in db.new


def test_a_pending_deletion_flushes_before_any_query(db: Session) -> None:
    gone = _access("d")
    db.add(gone)
    db.flush()
    db.delete(gone)
    row = _access("e")
    db.add(row)
    db.scalars(select(Department.code)).all()
    assert not db.deleted and row not in db.new


def test_a_joined_eager_load_option_flushes(db: Session) -> None:
    row = _access("f")
    db.add(row)
    db.scalars(select(CatalogEntry).options(joinedload(CatalogEntry.current_version))).all()
    assert row not in db.new


def test_without_pending_rows_nothing_changes(db: Session) -> None:
    db.scalars(select(Department.code)).all()
    assert not db.new and not db.dirty
