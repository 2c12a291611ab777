"""Catalog versions: loading stores a new version only of what changed (an item and the
bundles that embed it), old versions stay as they were for the cases that use them,
and an item taken out of the folder is withdrawn from the public catalog.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.catalog.conftest import CatalogCopy
from tests.factories import API, draft
from tongban.audit.service import Actor
from tongban.catalog import service as catalog
from tongban.catalog.enums import EntryStatus
from tongban.catalog.models import CatalogEntry, CatalogVersion

SCJG_001 = "3501-SCJG-001"  # 企业设立登记, part of 我要开餐馆 and 企业开办一件事
BUNDLES_WITH_SCJG_001 = {"3501-BUNDLE-KCG", "3501-BUNDLE-QYKB"}
CGJ_001 = "3501-CGJ-001"  # 渣土运输处置备案, in no bundle


def _versions(db: Session) -> dict[str, int]:
    """Current version number of every entry."""
    entries = db.scalars(select(CatalogEntry)).all()
    return {entry.code: entry.current_version.version for entry in entries if entry.current_version}


def _promise_three_hours(copy: CatalogCopy) -> None:
    copy.replace(f"items/{SCJG_001}.yaml", "  promised: 2\n", "  promised: 3\n")


def test_loading_an_unchanged_catalog_creates_nothing(
    db: Session, catalog_copy: CatalogCopy
) -> None:
    before = _versions(db)

    report = catalog.load_catalog(db, root=catalog_copy.root)

    assert report.created == []
    assert report.withdrawn == []
    assert len(report.unchanged) == 49
    assert _versions(db) == before


def test_changed_item_and_its_bundles_get_a_new_version_and_nothing_else(
    db: Session, catalog_copy: CatalogCopy
) -> None:
    before = _versions(db)
    _promise_three_hours(catalog_copy)

    report = catalog.load_catalog(db, root=catalog_copy.root)

    changed = {SCJG_001, *BUNDLES_WITH_SCJG_001}
    assert sorted(report.created) == sorted(f"{code} v{before[code] + 1}" for code in changed)
    after = _versions(db)
    assert {code for code in after if after[code] != before[code]} == changed
    assert all(after[code] == before[code] + 1 for code in changed)
    bundle = db.get(CatalogEntry, "3501-BUNDLE-KCG")
    assert bundle is not None and bundle.current_version is not None
    embedded = {item["code"]: item for item in bundle.current_version.definition["items"]}
    assert embedded[SCJG_001]["time_limit"]["promised"] == 3


def test_old_version_keeps_its_definition_and_a_draft_keeps_its_version(
    db: Session, client: TestClient, as_user: Any, catalog_copy: CatalogCopy
) -> None:
    headers = as_user("minfeng")
    case = draft(client, headers, SCJG_001)
    old_id = case["catalog_version_id"]
    _promise_three_hours(catalog_copy)

    catalog.load_catalog(db, root=catalog_copy.root)
    db.commit()

    old = db.get(CatalogVersion, old_id)
    assert old is not None and old.code == SCJG_001
    assert old.definition["time_limit"]["promised"] == 2
    entry = db.get(CatalogEntry, SCJG_001)
    assert entry is not None and entry.current_version is not None
    assert entry.current_version.id != old_id
    assert entry.current_version.definition["time_limit"]["promised"] == 3
    again = client.get(f"{API}/cases/{case['number']}", headers=headers)
    assert again.status_code == 200, again.text
    assert again.json()["catalog_version_id"] == old_id
    shown = client.get(f"{API}/items/{SCJG_001}").json()
    assert shown["version"] == old.version + 1
    assert shown["definition"]["time_limit"]["promised"] == 3


def test_item_removed_from_the_folder_is_withdrawn(
    db: Session, client: TestClient, catalog_copy: CatalogCopy
) -> None:
    catalog_copy.remove(f"items/{CGJ_001}.yaml")

    report = catalog.load_catalog(db, root=catalog_copy.root)
    db.commit()

    assert report.withdrawn == [CGJ_001]
    entry = db.get(CatalogEntry, CGJ_001)
    assert entry is not None and entry.status == EntryStatus.withdrawn
    listed = [item["code"] for item in client.get(f"{API}/items").json()]
    assert CGJ_001 not in listed and len(listed) == 43
    assert client.get(f"{API}/items/{CGJ_001}").status_code == 404
    found = [hit["code"] for hit in client.get(f"{API}/search", params={"q": "渣土"}).json()]
    assert CGJ_001 not in found


def test_item_put_back_is_published_again_without_a_new_version(
    db: Session, catalog_copy: CatalogCopy
) -> None:
    before = _versions(db)[CGJ_001]
    saved = catalog_copy.text(f"items/{CGJ_001}.yaml")
    catalog_copy.remove(f"items/{CGJ_001}.yaml")
    catalog.load_catalog(db, root=catalog_copy.root)
    catalog_copy.path(f"items/{CGJ_001}.yaml").write_text(saved, encoding="utf-8")

    report = catalog.load_catalog(db, root=catalog_copy.root)

    assert report.created == []
    entry = db.get(CatalogEntry, CGJ_001)
    assert entry is not None and entry.status == EntryStatus.published
    assert _versions(db)[CGJ_001] == before


def test_a_catalog_with_errors_changes_nothing(db: Session, catalog_copy: CatalogCopy) -> None:
    before = _versions(db)
    _promise_three_hours(catalog_copy)
    catalog_copy.replace(f"items/{CGJ_001}.yaml", "department: CGJ\n", "department: NOPE\n")

    report = catalog.load_catalog(db, root=catalog_copy.root)

    assert report.read is not None and report.read.errors
    assert report.created == [] and report.withdrawn == []
    assert _versions(db) == before
    entry = db.get(CatalogEntry, CGJ_001)
    assert entry is not None and entry.status == EntryStatus.published


def test_loading_the_folder_again_keeps_an_administrators_later_edit(
    db: Session, catalog_copy: CatalogCopy
) -> None:
    """A restart loads the folder again: an FAQ or synonym an administrator added since
    (a newer version the folder does not hold) stays; a text new to the folder replaces it."""
    text = catalog.entry_text(db, code=SCJG_001)
    edited = text.replace("  promised: 2\n", "  promised: 1\n", 1)
    assert edited != text
    actor = Actor(id=None, name="目录管理员")
    now = datetime(2025, 9, 22, 1, 0, tzinfo=UTC)
    saved = catalog.save_entry_text(db, code=SCJG_001, text=edited, actor=actor, now=now)
    version = saved.saved[0]

    report = catalog.load_catalog(db, root=catalog_copy.root)

    assert f"{SCJG_001} v{version.version}" in report.kept
    assert catalog.get_entry(db, code=SCJG_001).current_version_id == version.id
    assert report.created == []

    _promise_three_hours(catalog_copy)  # the folder itself changes: it wins
    report = catalog.load_catalog(db, root=catalog_copy.root)
    assert f"{SCJG_001} v{version.version + 1}" in report.created
