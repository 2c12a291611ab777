"""Reading the catalog: published entries and their versions, departments, search (its
texts prepared at server start-up), and whether an entry still takes applications."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from contextlib import closing
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload, sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from tongban import txcache
from tongban.catalog import search as search_index
from tongban.catalog.enums import EntryKind, EntryStatus
from tongban.catalog.models import (
    CatalogEntry,
    CatalogVersion,
    DataSource,
    Department,
    ServiceHall,
)
from tongban.db import reading_session
from tongban.errors import Conflict, InvalidInput, NotFound
from tongban.txcache import Immutable


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


VERSIONS = Immutable()
"""Committed catalog versions by id, per process: a version never changes once written."""


def get_version(session: Session, *, version_id: int) -> CatalogVersion:
    """One stored version; NotFound. A version never changes, so once committed it is
    kept per process (``VERSIONS``) and merged into a unit of work without a statement,
    and held for the rest of the unit of work (the identity map alone holds it only while
    something else does)."""
    held: dict[int, CatalogVersion] = session.info.setdefault("catalog_versions", {})
    version = held.get(version_id)
    if version is None:
        version = VERSIONS.get(session, CatalogVersion, version_id)
        if version is None:
            raise NotFound("没有找到该事项版本。", "No such catalog version.")
        held[version_id] = version
    return version


def list_entries(
    session: Session, *, kind: EntryKind | None = None, department: str | None = None
) -> Sequence[CatalogEntry]:
    """Published entries, optionally of one kind or department, by code, each with its
    current version from the per-process cache (``get_version``): the service hall lists
    every entry, and parsing each version's definition again per request was most of its
    time."""
    query = select(CatalogEntry).options(lazyload(CatalogEntry.current_version))
    query = query.where(CatalogEntry.status == EntryStatus.published)
    if kind is not None:
        query = query.where(CatalogEntry.kind == kind)
    if department is not None:
        query = query.where(CatalogEntry.department_code == department)
    entries = session.scalars(query.order_by(CatalogEntry.code)).all()
    for entry in entries:
        if entry.current_version_id is not None and "current_version" not in entry.__dict__:
            version = get_version(session, version_id=entry.current_version_id)
            set_committed_value(entry, "current_version", version)
    return entries


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
    codes = search_index.rank(query, entries, _searched_names(session))[:limit]
    by_code = {entry.code: entry for entry in entries}
    return [by_code[code] for code in codes]


def _searched_names(session: Session) -> dict[str, str]:
    """Department code → its names searched by, Chinese and English."""
    return {d.code: f"{d.name} {d.name_en or ''}" for d in list_departments(session)}


def prepare_search(sessions: sessionmaker[Session]) -> threading.Thread | None:
    """Start computing the search texts of the published entries in the background (at
    server start-up, :func:`search_index.prepare`), so that the first search, pinyin
    included, finds them computed; returns the thread, or None when the catalog could not
    be read (logged: the first search computes them)."""
    try:
        with closing(reading_session(sessions)) as session:
            return search_index.prepare(list_entries(session), _searched_names(session))
    except Exception:  # the server starts all the same
        search_index.log.exception("catalog.prepare_search_failed")
        return None


def get_any_entry(session: Session, *, code: str) -> CatalogEntry:
    """An entry in any status (published or withdrawn), or NotFound."""
    entry = session.get(CatalogEntry, code)
    if entry is None or entry.current_version is None:
        raise NotFound(f"没有找到事项“{code}”。", f"No service item or bundle '{code}'.")
    return entry


def result_name_en(session: Session, *, item_code: str | None, name: str) -> str | None:
    """The English name (``name_en``) of the result of item ``item_code`` where ``name``
    is that result's name (证照名称 or 文书名称) in the item's current version; None for
    no such item, another name, or a result without English."""
    entry = session.get(CatalogEntry, item_code) if item_code else None
    if entry is None or entry.current_version is None:
        return None
    for item in entry.current_version.definition["items"]:
        result = item.get("result") or {}
        if item["code"] == item_code and result.get("name") == name:
            return result.get("name_en")
    return None


def list_all_entries(session: Session) -> Sequence[CatalogEntry]:
    """Every entry, items and bundles, published and withdrawn, by code."""
    return session.scalars(select(CatalogEntry).order_by(CatalogEntry.code)).all()


def versions(session: Session, *, code: str) -> Sequence[CatalogVersion]:
    """All versions of one entry, newest first."""
    get_any_entry(session, code=code)
    query = select(CatalogVersion).where(CatalogVersion.code == code)
    return session.scalars(query.order_by(CatalogVersion.version.desc())).all()


def list_sources(session: Session) -> dict[str, dict[str, Any]]:
    """The shared data sources by code, as ``sources.yaml`` declares them (code, name,
    department, key, connector, fields); read once per transaction."""

    def read() -> dict[str, dict[str, Any]]:
        rows = session.scalars(select(DataSource).order_by(DataSource.position, DataSource.code))
        return {row.code: dict(row.definition) for row in rows}

    found = txcache.memo(session, "catalog.sources", read, on=(DataSource,))
    return {code: dict(definition) for code, definition in found.items()}


def list_halls(session: Session) -> dict[str, dict[str, Any]]:
    """The service halls by code, as ``halls.yaml`` declares them (code, division, name,
    address, slot_minutes, slots, capacity, windows)."""
    rows = session.scalars(select(ServiceHall).order_by(ServiceHall.position, ServiceHall.code))
    return {row.code: dict(row.definition) for row in rows}
