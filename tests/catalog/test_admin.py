"""Catalog administration service: an item or bundle edit is checked like the loader checks
a file (a bundle against the items stored now), refused whole when a bundle can no longer
merge, and stored as a new version keeping the entry's status.
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
HYGIENE = "3501-WJW-003"  # 公共场所卫生许可, in no bundle; its form merges with KCG's items
KCG = "3501-BUNDLE-KCG"  # 我要开餐馆: SCJG-001 or -003, and SCJG-002
KCG_ITEMS = "items:\n- 3501-SCJG-001\n- 3501-SCJG-003\n- 3501-SCJG-002\n"


@pytest.fixture(autouse=True)
def _fresh_search() -> Iterator[None]:
    yield
    search.invalidate()


def _edit(db: Session, code: str, old: str, new: str) -> catalog.SaveResult:
    text = catalog.entry_text(db, code=code)
    assert text.count(old) == 1, old
    return catalog.save_entry_text(db, code=code, text=text.replace(old, new), actor=ADMIN, now=NOW)


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
    actions = db.scalars(
        select(AuditEntry.action).where(AuditEntry.object_id == ITEM).order_by(AuditEntry.id)
    ).all()
    assert list(actions) == ["catalog.withdrawn", "catalog.item_saved"]


def test_versions_and_all_entries_include_withdrawn(db: Session) -> None:
    catalog.set_status(db, code=ITEM, status=EntryStatus.withdrawn, actor=ADMIN, now=NOW)
    assert ITEM in [entry.code for entry in catalog.list_all_entries(db)]
    assert ITEM not in [entry.code for entry in catalog.list_entries(db)]
    assert [version.version for version in catalog.versions(db, code=ITEM)] == [1]
    with pytest.raises(NotFound):
        catalog.versions(db, code="NOPE-1")


def _version(db: Session, code: str) -> int:
    entry = catalog.get_any_entry(db, code=code)
    assert entry.current_version is not None
    return entry.current_version.version


def test_a_bundle_is_edited_as_its_yaml_source(db: Session) -> None:
    text = catalog.entry_text(db, code=KCG)
    assert f"code: {KCG}\n" in text and "lead_department: SCJG\n" in text and KCG_ITEMS in text


def test_editing_a_bundle_stores_a_version_built_from_the_current_items(db: Session) -> None:
    text = catalog.entry_text(db, code=KCG).replace("name: 我要开餐馆\n", "name: 我要开饭店\n")
    text = text.replace(KCG_ITEMS, f"{KCG_ITEMS}- {HYGIENE}\n")
    result = catalog.save_entry_text(db, code=KCG, text=text, actor=ADMIN, now=NOW)
    assert [(version.code, version.version) for version in result.saved] == [(KCG, 2)]
    entry = catalog.get_any_entry(db, code=KCG)
    assert entry.name == "我要开饭店" and entry.current_version is not None
    definition = entry.current_version.definition
    codes = [item["code"] for item in definition["items"]]
    assert codes == [SCJG_001, "3501-SCJG-003", "3501-SCJG-002", HYGIENE]
    assert "public_place_type" in definition["form"]["properties"]
    assert definition["bundle"]["name"] == "我要开饭店"
    actions = db.scalars(select(AuditEntry.action).where(AuditEntry.object_id == KCG)).all()
    assert list(actions) == ["catalog.bundle_saved"]
    assert _version(db, HYGIENE) == 1


def test_an_unchanged_bundle_makes_no_new_version(db: Session) -> None:
    text = catalog.entry_text(db, code=KCG)
    result = catalog.save_entry_text(db, code=KCG, text=text, actor=ADMIN, now=NOW)
    assert result.saved == [] and _version(db, KCG) == 1


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (KCG_ITEMS, KCG_ITEMS + "- 3501-SCJG-999\n", "items.3", "事项 3501-SCJG-999 不存在"),
        ("lead_department: SCJG\n", "lead_department: NOPE\n", "lead_department", "NOPE"),
        (KCG_ITEMS, "items:\n- 3501-SCJG-001\n", "items", "至少 2 项"),
        ("approval_mode: commitment\n", "approval_mode: quick\n", "approval_mode", "quick"),
        ("time_limit:\n", "time_limit: [\n", "", "YAML 语法错误"),
        (f"code: {KCG}\n", "code: 3501-BUNDLE-KCH\n", "code", f"代码须为 {KCG}"),
    ],
)
def test_a_bundle_edit_is_checked_like_the_loader_and_nothing_is_saved(
    db: Session, old: str, new: str, field: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        _edit(db, KCG, old, new)
    [problem] = refused.value.details
    assert problem["field"] == field and message in problem["message_zh"]
    assert _version(db, KCG) == 1


def test_a_bundle_may_only_list_published_items(db: Session) -> None:
    catalog.set_status(db, code=HYGIENE, status=EntryStatus.withdrawn, actor=ADMIN, now=NOW)
    with pytest.raises(InvalidInput) as refused:
        _edit(db, KCG, KCG_ITEMS, f"{KCG_ITEMS}- {HYGIENE}\n")
    assert f"事项 {HYGIENE} 不存在、未发布" in refused.value.details[0]["message_zh"]
    with pytest.raises(InvalidInput):
        _edit(db, KCG, KCG_ITEMS, f"{KCG_ITEMS}- 3501-BUNDLE-QYKB\n")  # not an item
    assert _version(db, KCG) == 1


def test_a_bundle_edit_merges_the_items_as_they_are_stored_now(db: Session) -> None:
    _edit(db, HYGIENE, "title: 企业(单位)名称\n", "title: 店铺名称\n")
    with pytest.raises(InvalidInput) as refused:
        _edit(db, KCG, KCG_ITEMS, f"{KCG_ITEMS}- {HYGIENE}\n")
    [problem] = refused.value.details
    assert problem["field"] == "items" and "enterprise_name" in problem["message_zh"]
    assert "“一表申请”无法合并" in problem["message_zh"]
    assert _version(db, KCG) == 1
