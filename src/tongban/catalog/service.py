"""The catalog domain promises: items and bundles are versioned data; a definition once
stored never changes (a case keeps the version it started with); loading the same
files twice creates nothing new; search finds entries by plain Chinese words.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tongban.catalog import search as search_index
from tongban.catalog.enums import EntryKind, EntryStatus
from tongban.catalog.loader import (
    CatalogRead,
    bundle_definition,
    item_definition,
    read_catalog,
)
from tongban.catalog.models import CatalogEntry, CatalogVersion, Department
from tongban.errors import InvalidInput, NotFound
from tongban.timeutil import utcnow


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    read: CatalogRead | None = None


def content_hash(definition: dict[str, Any]) -> str:
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _upsert_department(session: Session, data: dict[str, Any], division: str) -> None:
    dept = session.get(Department, data["code"]) or Department(code=data["code"])
    dept.name = data["name"]
    dept.name_en = data.get("name_en")
    dept.window = data.get("window")
    dept.division_code = division
    session.add(dept)


def save_version(
    session: Session, *, kind: EntryKind, definition: dict[str, Any]
) -> CatalogVersion:
    """Store ``definition`` as the entry's current version unless it is already that."""
    code = definition["code"]
    digest = content_hash(definition)
    entry = session.get(CatalogEntry, code)
    if entry is None:
        entry = CatalogEntry(code=code, kind=kind, status=EntryStatus.published)
        session.add(entry)
    entry.name = definition["name"]
    entry.department_code = definition["department"]
    entry.status = EntryStatus.published
    current = entry.current_version
    if current is not None and current.content_hash == digest:
        return current
    number = session.scalar(
        select(func.max(CatalogVersion.version)).where(CatalogVersion.code == code)
    )
    version = CatalogVersion(
        code=code,
        version=(number or 0) + 1,
        content_hash=digest,
        definition=definition,
        created_at=utcnow(),
    )
    session.add(version)
    session.flush()
    entry.current_version = version
    return version


def load_catalog(session: Session, *, root: Path) -> LoadReport:
    """Check the folder and, if it has no errors, store new versions of what changed."""
    read = read_catalog(root)
    report = LoadReport(read=read)
    if read.errors:
        return report
    for dept in read.departments:
        _upsert_department(session, dept, read.division)
    session.flush()
    definitions = [(EntryKind.item, item_definition(item)) for item in read.items.values()]
    for bundle in read.bundles.values():
        items = [item_definition(read.items[code])["items"][0] for code in bundle["items"]]
        definitions.append((EntryKind.bundle, bundle_definition(bundle, items)))
    for kind, definition in definitions:
        before = session.get(CatalogEntry, definition["code"])
        old_id = before.current_version_id if before else None
        version = save_version(session, kind=kind, definition=definition)
        bucket = report.unchanged if version.id == old_id else report.created
        bucket.append(f"{definition['code']} v{version.version}")
    loaded = {definition["code"] for _, definition in definitions}
    for entry in session.scalars(select(CatalogEntry)):
        if entry.code not in loaded and entry.status == EntryStatus.published:
            entry.status = EntryStatus.withdrawn
            report.withdrawn.append(entry.code)
    search_index.invalidate()
    return report


def get_entry(session: Session, *, code: str) -> CatalogEntry:
    """A published entry with its current version, or NotFound."""
    entry = session.get(CatalogEntry, code)
    if entry is None or entry.status != EntryStatus.published or entry.current_version is None:
        raise NotFound(f"没有找到事项“{code}”。", f"No service item or bundle '{code}'.")
    return entry


def get_version(session: Session, *, version_id: int) -> CatalogVersion:
    version = session.get(CatalogVersion, version_id)
    if version is None:
        raise NotFound("没有找到该事项版本。", "No such catalog version.")
    return version


def list_entries(
    session: Session, *, kind: EntryKind | None = None, department: str | None = None
) -> Sequence[CatalogEntry]:
    """Published entries, optionally of one kind or department, by code."""
    query = select(CatalogEntry).where(CatalogEntry.status == EntryStatus.published)
    if kind is not None:
        query = query.where(CatalogEntry.kind == kind)
    if department is not None:
        query = query.where(CatalogEntry.department_code == department)
    return session.scalars(query.order_by(CatalogEntry.code)).all()


def list_departments(session: Session) -> Sequence[Department]:
    return session.scalars(select(Department).order_by(Department.code)).all()


def get_department(session: Session, *, code: str) -> Department:
    dept = session.get(Department, code)
    if dept is None:
        raise InvalidInput(
            f"未知部门代码 {code}。", f"Unknown department code {code}.", field="department"
        )
    return dept


def search(session: Session, *, query: str, limit: int = 20) -> list[CatalogEntry]:
    """Entries matching plain words (名称, 关键词, 编码, 部门), best first."""
    entries = list_entries(session)
    departments = {dept.code: dept.name for dept in list_departments(session)}
    codes = search_index.rank(query, entries, departments)[:limit]
    by_code = {entry.code: entry for entry in entries}
    return [by_code[code] for code in codes]
