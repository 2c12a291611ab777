"""Reading the audit trail for the audit administrator (审计管理员, GB/T 22239-2019
8.1.4.3): filters, pages, and every matching entry for an export. Read only: nobody edits
the trail (the hash chain shows it if someone did)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, column, func, or_, select, table
from sqlalchemy.orm import Session

from tongban.audit.models import AuditEntry
from tongban.pii.service import lookup_keys

PER_PAGE = 50


@dataclass(frozen=True)
class Filters:
    """What an entry must match; empty means any. ``action`` matches as a prefix
    (``account.`` finds every account event), ``actor`` the acting account's username or
    whole name (names are sealed at rest: found by their keyed hash), ``object_id``
    exactly; ``since`` and ``until`` are UTC instants (from inclusive, until exclusive)."""

    action: str = ""
    actor: str = ""
    object_id: str = ""
    since: datetime | None = None
    until: datetime | None = None


def _query(filters: Filters) -> Select[AuditEntry]:
    query = select(AuditEntry)
    if filters.action:
        query = query.where(AuditEntry.action.startswith(filters.action, autoescape=True))
    if filters.actor:
        users = table("users", column("id"), column("username"), column("display_name_key"))
        named = select(users.c.id).where(
            or_(
                users.c.username == filters.actor.strip(),
                users.c.display_name_key.in_(lookup_keys(filters.actor)),
            )
        )
        query = query.where(AuditEntry.actor_id.in_(named))
    if filters.object_id:
        query = query.where(AuditEntry.object_id == filters.object_id)
    if filters.since:
        query = query.where(AuditEntry.at >= filters.since)
    if filters.until:
        query = query.where(AuditEntry.at < filters.until)
    return query


def search(session: Session, *, filters: Filters, page: int = 1) -> tuple[list[AuditEntry], int]:
    """One page (``PER_PAGE`` entries, newest first) of the matching entries, and how many
    match in all."""
    query = _query(filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(AuditEntry.id.desc()).offset((max(page, 1) - 1) * PER_PAGE).limit(PER_PAGE)
    )
    return list(rows), total


def every_match(session: Session, *, filters: Filters) -> Iterator[AuditEntry]:
    """All matching entries, oldest first, read in batches (for an export)."""
    yield from session.scalars(
        _query(filters).order_by(AuditEntry.id).execution_options(yield_per=500)
    )
