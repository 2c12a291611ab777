"""Publishing the catalog: loading the YAML folder, storing a changed definition as a new
version (never changing a stored one), editing an entry as text through the loader's
checks, and withdrawing or republishing an entry."""

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
from tongban.catalog.definitions import (
    bundle_definition,
    item_definition,
    merge_forms,
    merge_materials,
)
from tongban.catalog.enums import EntryKind, EntryStatus
from tongban.catalog.loader import (
    CatalogRead,
    check_bundle_text,
    check_elsewhere_text,
    check_item_text,
    read_catalog,
)
from tongban.catalog.models import (
    CatalogEntry,
    CatalogVersion,
    DataSource,
    Department,
    ElsewhereVersion,
    ServiceHall,
)
from tongban.catalog.reading import get_any_entry, list_departments, list_entries, list_sources
from tongban.catalog.yamlsource import Problem
from tongban.errors import InvalidInput
from tongban.timeutil import utcnow


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # edited since the folder's text was stored
    read: CatalogRead | None = None


def content_hash(definition: dict[str, Any]) -> str:
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _upsert_department(session: Session, data: dict[str, Any]) -> None:
    dept = session.get(Department, data["code"]) or Department(code=data["code"])
    dept.name = data["name"]
    dept.name_en = data.get("name_en")
    dept.window = data.get("window")
    dept.window_en = data.get("window_en")
    dept.assignment = data.get("assignment", "random")
    dept.division_code = data["division"]
    session.add(dept)


def _upsert_source(session: Session, data: dict[str, Any], position: int) -> None:
    source = session.get(DataSource, data["code"]) or DataSource(code=data["code"])
    source.position = position
    source.name = data["name"]
    source.department_code = data["department"]
    source.definition = data
    session.add(source)


def _upsert_hall(session: Session, data: dict[str, Any], position: int) -> None:
    hall = session.get(ServiceHall, data["code"]) or ServiceHall(code=data["code"])
    hall.position = position
    hall.name = data["name"]
    hall.division = data["division"]
    hall.definition = data
    session.add(hall)


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
    """Check the folder and, if it has no errors, store new versions of what changed.

    A folder text already stored as an earlier version of its entry is not a change: the
    entry was edited since (an administrator's FAQ or synonym, from the unanswered
    questions), and that newer version stays current (``kept``) — so a restart, which
    loads the folder again, does not undo an edit. A text new to the entry replaces it."""
    read = read_catalog(root)
    report = LoadReport(read=read)
    if read.errors:
        return report
    for dept in read.departments:
        _upsert_department(session, dept)
    session.flush()
    for position, source in enumerate(read.sources.values()):
        _upsert_source(session, source, position)
    for position, hall in enumerate(read.halls.values()):
        _upsert_hall(session, hall, position)
    definitions = [(EntryKind.item, item_definition(item)) for item in read.items.values()]
    for bundle in read.bundles.values():
        items = [item_definition(read.items[code])["items"][0] for code in bundle["items"]]
        definitions.append((EntryKind.bundle, bundle_definition(bundle, items)))
    if read.elsewhere is not None:
        _load_elsewhere(session, read.elsewhere, report)
    stored = _stored_hashes(session)
    for kind, definition in definitions:
        before = session.get(CatalogEntry, definition["code"])
        old_id = before.current_version_id if before else None
        current = before.current_version if before else None
        digest = content_hash(definition)
        earlier = stored.get(definition["code"], set())
        if current is not None and current.content_hash != digest and digest in earlier:
            report.kept.append(f"{definition['code']} v{current.version}")
            continue
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


def _stored_hashes(session: Session) -> dict[str, set[str]]:
    """The content hashes of every stored version, by entry code."""
    found: dict[str, set[str]] = {}
    for code, digest in session.execute(select(CatalogVersion.code, CatalogVersion.content_hash)):
        found.setdefault(code, set()).add(digest)
    return found


def current_elsewhere(session: Session) -> ElsewhereVersion | None:
    """The current list of matters handled elsewhere (the newest version); None before a
    catalog with ``elsewhere.yaml`` was loaded."""
    newest = select(ElsewhereVersion).order_by(ElsewhereVersion.id.desc()).limit(1)
    return session.scalars(newest).first()


def _store_elsewhere(session: Session, data: dict[str, Any], now: datetime) -> bool:
    """Store ``data`` as the newest version unless it is the current one already."""
    current = current_elsewhere(session)
    digest = content_hash(data)
    if current is not None and current.content_hash == digest:
        return False
    session.add(ElsewhereVersion(content_hash=digest, definition=data, created_at=now))
    session.flush()
    return True


def _load_elsewhere(session: Session, data: dict[str, Any], report: LoadReport) -> None:
    """Like an entry: the folder's text, already stored as an earlier version, is not a
    change (an administrator edited the list since, and that edit stays current)."""
    digest = content_hash(data)
    earlier = session.scalars(
        select(ElsewhereVersion.id).where(ElsewhereVersion.content_hash == digest)
    ).first()
    current = current_elsewhere(session)
    if earlier is not None and current is not None and current.content_hash != digest:
        report.kept.append(f"elsewhere v{current.id}")
    elif _store_elsewhere(session, data, utcnow()):
        report.created.append("elsewhere")


def elsewhere_text(session: Session) -> str:
    """The YAML an administrator edits: the current list of matters handled elsewhere."""
    current = current_elsewhere(session)
    data = current.definition if current is not None else {"matters": []}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def save_elsewhere_text(session: Session, *, text: str, actor: audit.Actor, now: datetime) -> bool:
    """Store an edited list of matters handled elsewhere as a new version (checked like the
    file, audited); False when it is unchanged. InvalidInput lists every problem."""
    data, problems = check_elsewhere_text(text)
    if data is None:
        raise _invalid(problems)
    if not _store_elsewhere(session, data, now):
        return False
    _audit(session, now, actor, "catalog.elsewhere_saved", "elsewhere")
    return True


@dataclass
class SaveResult:
    """What an edit stored: the new versions (none if the text was unchanged)."""

    saved: list[CatalogVersion]
    warnings: list[Problem]


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
