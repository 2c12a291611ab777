"""Catalog administration service: an item edit is checked like the loader checks a file,
refused whole when a bundle can no longer merge, and stored keeping the entry's status.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.audit.models import AuditEntry
from tongban.audit.service import Actor
from tongban.catalog import search
from tongban.catalog import service as catalog
from tongban.catalog.enums import EntryStatus
from tongban.errors import InvalidInput, NotFound

ADMIN = Actor(id=None, name="目录管理员")
NOW = datetime(2025, 9, 22, 1, 0, tzinfo=UTC)
ITEM = "3501-WJW-002"
SCJG_001 = "3501-SCJG-001"


@pytest.fixture(autouse=True)
def _fresh_search() -> Iterator[None]:
    yield
    search.invalidate()


def _edit(db: Session, code: str, old: str, new: str) -> catalog.SaveResult:
    text = catalog.item_text(db, code=code)
    assert text.count(old) == 1, old
    return catalog.save_item_text(db, code=code, text=text.replace(old, new), actor=ADMIN, now=NOW)


def test_a_warning_does_not_block_saving(db: Session) -> None:
    result = _edit(db, ITEM, "promised: 3\n", "promised: 10\n")
    assert [version.version for version in result.saved] == [2]
    assert [w.field for w in result.warnings] == ["time_limit.promised"]
    assert result.saved[0].created_at == NOW


def test_a_bundle_that_can_no_longer_merge_refuses_the_whole_edit(db: Session) -> None:
    with pytest.raises(InvalidInput) as refused:
        _edit(db, SCJG_001, "title: 法定代表人(负责人)姓名\n", "title: 法人姓名\n")
    assert "无法合并" in refused.value.details[0]["message_zh"]
    entry = catalog.get_any_entry(db, code=SCJG_001)
    assert entry.current_version is not None and entry.current_version.version == 1


def test_editing_a_withdrawn_item_keeps_it_withdrawn(db: Session) -> None:
    catalog.set_status(db, code=ITEM, status=EntryStatus.withdrawn, actor=ADMIN, now=NOW)
    _edit(db, ITEM, "promised: 3\n", "promised: 2\n")
    assert catalog.get_any_entry(db, code=ITEM).status == EntryStatus.withdrawn
    with pytest.raises(NotFound):
        catalog.get_entry(db, code=ITEM)
    actions = db.scalars(select(AuditEntry.action).where(AuditEntry.object_id == ITEM)).all()
    assert list(actions) == ["catalog.withdrawn", "catalog.item_saved"]


def test_versions_and_all_entries_include_withdrawn(db: Session) -> None:
    catalog.set_status(db, code=ITEM, status=EntryStatus.withdrawn, actor=ADMIN, now=NOW)
    assert ITEM in [entry.code for entry in catalog.list_all_entries(db)]
    assert ITEM not in [entry.code for entry in catalog.list_entries(db)]
    assert [version.version for version in catalog.versions(db, code=ITEM)] == [1]
    with pytest.raises(NotFound):
        catalog.versions(db, code="NOPE-1")
