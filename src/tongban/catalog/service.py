"""The catalog domain promises: items and bundles are versioned data; a definition once
stored never changes (a case keeps the version it started with); loading the same
files twice creates nothing new; search finds entries by plain Chinese words.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tongban.audit import service as audit
from tongban.catalog import search as search_index
from tongban.catalog.enums import EntryKind, EntryStatus
from tongban.catalog.loader import (
    CatalogRead,
    bundle_definition,
    check_bundle_text,
    check_item_text,
    item_definition,
    merge_forms,
    merge_materials,
    read_catalog,
)
from tongban.catalog.models import CatalogEntry, CatalogVersion, DataSource, Department
from tongban.catalog.yamlsource import Problem
from tongban.errors import Conflict, InvalidInput, NotFound
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


def _upsert_source(session: Session, data: dict[str, Any], position: int) -> None:
    source = session.get(DataSource, data["code"]) or DataSource(code=data["code"])
    source.position = position
    source.name = data["name"]
    source.department_code = data["department"]
    source.definition = data
    session.add(source)


def list_sources(session: Session) -> dict[str, dict[str, Any]]:
    """The shared data sources by code, as ``sources.yaml`` declares them (code, name,
    department, key, connector, fields)."""
    rows = session.scalars(select(DataSource).order_by(DataSource.position, DataSource.code))
    return {row.code: dict(row.definition) for row in rows}


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
    for position, source in enumerate(read.sources.values()):
        _upsert_source(session, source, position)
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


def check_accepting(session: Session, *, definition: dict[str, Any]) -> None:
    """Raise Conflict unless the entry of ``definition`` takes applications: it is published
    and, for a bundle, so is each of its items.

    A withdrawn entry takes no new applications: no draft is started, submitted or
    resubmitted after correction. What is already received runs on with its version.
    """
    bundle = definition["name"] if definition["kind"] == EntryKind.bundle else None
    sources = [definition] if bundle is None else [definition, *definition["items"]]
    for source in sources:
        entry = session.get(CatalogEntry, source["code"])
        if entry is not None and entry.status == EntryStatus.published:
            continue
        dept = session.get(Department, source["department"])
        where = dept.name if dept else "办理部门"
        name, name_en = source["name"], source.get("name_en") or source["name"]
        what = f"“{bundle}”中的事项“{name}”" if bundle and source is not definition else f"“{name}”"
        raise Conflict(
            f"{what}已停止办理，不能提交申请。已填写的内容和材料仍然保留，可以查看或撤回；"
            f"如需办理，请咨询{where}。",
            f"'{name_en}' is no longer offered, so the application cannot be submitted. "
            "What you entered and uploaded is kept: you can read it or withdraw the case; "
            f"ask {dept.name_en or dept.name if dept else 'the department'} how to proceed.",
            code="entry_withdrawn",
        )


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


@dataclass
class SaveResult:
    """What an edit stored: the new versions (none if the text was unchanged)."""

    saved: list[CatalogVersion]
    warnings: list[Problem]


def get_any_entry(session: Session, *, code: str) -> CatalogEntry:
    """An entry in any status (published or withdrawn), or NotFound."""
    entry = session.get(CatalogEntry, code)
    if entry is None or entry.current_version is None:
        raise NotFound(f"没有找到事项“{code}”。", f"No service item or bundle '{code}'.")
    return entry


def list_all_entries(session: Session) -> Sequence[CatalogEntry]:
    """Every entry, items and bundles, published and withdrawn, by code."""
    return session.scalars(select(CatalogEntry).order_by(CatalogEntry.code)).all()


def versions(session: Session, *, code: str) -> Sequence[CatalogVersion]:
    """All versions of one entry, newest first."""
    get_any_entry(session, code=code)
    query = select(CatalogVersion).where(CatalogVersion.code == code)
    return session.scalars(query.order_by(CatalogVersion.version.desc())).all()


def _definition(session: Session, code: str) -> dict[str, Any]:
    entry = get_any_entry(session, code=code)
    assert entry.current_version is not None
    return entry.current_version.definition


def _source(definition: dict[str, Any]) -> dict[str, Any]:
    """The YAML document a version was built from: the item, or the bundle file."""
    bundle = definition["kind"] == EntryKind.bundle
    return cast(dict[str, Any], definition["bundle"] if bundle else definition["items"][0])


def entry_text(session: Session, *, code: str) -> str:
    """The YAML an administrator edits: the item or bundle of the entry's current version."""
    source = _source(_definition(session, code))
    return yaml.safe_dump(source, allow_unicode=True, sort_keys=False)


def _published_items(session: Session) -> dict[str, dict[str, Any]]:
    entries = list_entries(session, kind=EntryKind.item)
    return {entry.code: _source(_definition(session, entry.code)) for entry in entries}


def check_entry_text(
    session: Session, *, code: str, text: str
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Check an entry's YAML exactly as the loader would, against the stored catalog."""
    departments = {dept.code for dept in list_departments(session)}
    if get_any_entry(session, code=code).kind == EntryKind.item:
        return check_item_text(text, code, departments, list_sources(session))
    return check_bundle_text(text, code, departments, _published_items(session))


def _invalid(problems: Sequence[Problem]) -> InvalidInput:
    details = [
        {"field": p.field, "line": p.line, "message_zh": p.message, "message_en": p.message}
        for p in problems
    ]
    zh, en = "定义有错误，未保存。", "The definition has errors; nothing was saved."
    return InvalidInput(zh, en, details=details)


def _bundles_with(session: Session, item: dict[str, Any]) -> list[dict[str, Any]]:
    """New definitions of every bundle holding ``item``, built from the current items."""
    found = []
    for entry in session.scalars(select(CatalogEntry).where(CatalogEntry.kind == EntryKind.bundle)):
        source = _source(_definition(session, entry.code))
        if item["code"] not in source["items"]:
            continue
        items = [
            item if c == item["code"] else _source(_definition(session, c)) for c in source["items"]
        ]
        conflicts = merge_forms(items)[1] + merge_materials(items)[1]
        if conflicts:
            text = f"“一表申请”{entry.code} 无法合并: {'；'.join(conflicts)}"
            raise _invalid([Problem(f"{item['code']}.yaml", 1, "form", text)])
        found.append(bundle_definition(source, items))
    return found


def _audit(
    session: Session, now: datetime, actor: audit.Actor, action: str, code: str, **extra: Any
) -> None:
    target = {"object_type": "catalog_entry", "object_id": code, **extra}
    audit.record(session, at=now, action=action, actor=actor, **target)


def _store(
    session: Session, kind: EntryKind, definition: dict[str, Any], actor: audit.Actor, now: datetime
) -> CatalogVersion | None:
    """Save one definition, keeping the entry's status; None when nothing changed."""
    entry = session.get(CatalogEntry, definition["code"])
    status, before = (entry.status, entry.current_version_id) if entry else (None, None)
    version = save_version(session, kind=kind, definition=definition)
    get_any_entry(session, code=definition["code"]).status = status or EntryStatus.published
    if version.id == before:
        return None
    version.created_at = now
    data = {"version": version.version}
    _audit(session, now, actor, f"catalog.{kind}_saved", version.code, data=data)
    return version


def _built(session: Session, kind: EntryKind, source: dict[str, Any]) -> dict[str, Any]:
    """The definition of a checked item, or of a bundle from the current items it lists."""
    if kind == EntryKind.item:
        return item_definition(source)
    items = [_source(_definition(session, code)) for code in source["items"]]
    return bundle_definition(source, items)


def save_entry_text(
    session: Session, *, code: str, text: str, actor: audit.Actor, now: datetime
) -> SaveResult:
    """Store edited item or bundle YAML as a new version; an item's bundles are rebuilt too."""
    kind = get_any_entry(session, code=code).kind
    source, problems = check_entry_text(session, code=code, text=text)
    warnings = [problem for problem in problems if problem.warning]
    if source is None:
        raise _invalid([problem for problem in problems if not problem.warning])
    definition = _built(session, kind, source)
    if content_hash(definition) == content_hash(_definition(session, code)):
        return SaveResult([], warnings)
    changes = [(kind, definition)]
    if kind == EntryKind.item:
        changes += [(EntryKind.bundle, bundle) for bundle in _bundles_with(session, source)]
    saved = [_store(session, each, change, actor, now) for each, change in changes]
    search_index.invalidate()
    return SaveResult([version for version in saved if version is not None], warnings)


def set_status(
    session: Session, *, code: str, status: EntryStatus, actor: audit.Actor, now: datetime
) -> CatalogEntry:
    """Publish or withdraw an entry; running cases keep the version they started with."""
    entry = get_any_entry(session, code=code)
    if entry.status == status:
        return entry
    before, entry.status = entry.status, status
    _audit(session, now, actor, f"catalog.{status}", code, from_state=before, to_state=status)
    search_index.invalidate()
    return entry
