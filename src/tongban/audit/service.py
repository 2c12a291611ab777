"""The audit domain promises: every state change is written once, append-only, in the
same transaction as the change, with the actor, the time and the opinion; each entry is
sealed into a hash chain when its transaction commits, so altering, deleting or reordering
any entry is found by ``tongban audit verify`` (``chain``, ``verify``); and each entry
produces its notifications in exactly one place (``tongban.outbox``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Required, TypedDict, Unpack

from sqlalchemy import select
from sqlalchemy.orm import Session

import tongban.audit.chain  # noqa: F401  (its listener seals every commit)
from tongban.audit import pending
from tongban.audit.models import AuditEntry
from tongban.audit.names import PLATFORM_NAMES
from tongban.outbox import service as outbox


@dataclass(frozen=True)
class Actor:
    """Who did it: a signed-in user, or the platform itself (``id`` None)."""

    id: int | None
    name: str
    department_code: str | None = None


def platform_actor(name: str) -> Actor:
    """The platform acting under ``name`` (a person's id None).

    Raises KeyError where ``name`` is not in ``names.PLATFORM_NAMES``, which gives its
    English: checked where the actor is made, at import."""
    if name not in PLATFORM_NAMES:
        raise KeyError(f"{name!r}: add the name and its English to names.PLATFORM_NAMES")
    return Actor(id=None, name=name)


SYSTEM = platform_actor("系统")


class EntryFields(TypedDict, total=False):
    """What an audit entry records (:func:`record`, :func:`entry_row`): when, what, who,
    the object acted on; the case and the person it concerns (``subject_id``, the
    applicant of a case), the states moved between, the opinion, data, and the network
    address a security event came from (``source_address``)."""

    at: Required[datetime]
    action: Required[str]
    actor: Required[Actor]
    object_type: Required[str]
    object_id: Required[str | int]
    case_id: int | None
    subject_id: int | None
    from_state: str | None
    to_state: str | None
    opinion: str | None
    data: dict[str, Any] | None
    source_address: str | None


LISTENERS: list[Callable[[Session, Mapping[str, Any]], None]] = []
"""What domains above hear of every entry, in its transaction: its row (every column of
``audit_entries`` by name; ``id`` None until it is written, ``write_now``). The webhooks
of ``tongban.integration``; registered when ``tongban.models.load_all()`` imports them.
Not told of a simulated past (:func:`simulating`)."""

SIMULATING = "audit.simulating"  # the ``Session.info`` key of :func:`simulating`


@contextmanager
def simulating(session: Session) -> Iterator[None]:
    """Within it, ``session`` writes a past that did not happen (``tongban simulate``, the
    demo history): every entry recorded is marked ``data["simulated"] = True`` and the
    ``LISTENERS`` do not hear it, so no department system subscribed to webhooks is told
    of it; :func:`is_simulating` tells other hooks (a task opened) the same."""
    before = session.info.get(SIMULATING, False)
    session.info[SIMULATING] = True
    try:
        yield
    finally:
        session.info[SIMULATING] = before


def is_simulating(session: Session) -> bool:
    """True within :func:`simulating`: what happens on ``session`` is no one's real case."""
    return bool(session.info.get(SIMULATING, False))


def record(session: Session, **fields: Unpack[EntryFields]) -> AuditEntry:
    """Append an audit entry (``fields``: :class:`EntryFields`) and queue the
    notifications it implies.

    The entry and its messages are written at the commit, sealed, one INSERT per table
    for the whole unit of work (``audit.pending``): its ``id`` is None until then, or
    until a read of the entries or messages, or :func:`write_now`, writes it earlier.
    """
    row = _marked(session, entry_row(**fields))
    entry = AuditEntry(**row)
    _remember(session, row, entry)
    return entry


def record_rows(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """:func:`record` of many entries (each row from :func:`entry_row`) whose recorder
    keeps no ``AuditEntry``: a worker's alert sweep, where building that object was the
    largest part of an entry's cost. They take their places in the chain in the order
    recorded, as :func:`record`'s do; the ``LISTENERS`` hear each (unless simulating)."""
    for row in rows:
        _remember(session, _marked(session, row), None)


def _marked(session: Session, row: dict[str, Any]) -> dict[str, Any]:
    if is_simulating(session):
        row["data"] = {**(row["data"] or {}), "simulated": True}
    return row


def _remember(session: Session, row: dict[str, Any], entry: AuditEntry | None) -> None:
    pending.remember(session, row, entry, outbox.message_rows(row))
    for listener in () if is_simulating(session) else LISTENERS:
        listener(session, row)


def entry_row(**fields: Unpack[EntryFields]) -> dict[str, Any]:
    """An entry's row, every column of ``audit_entries`` (the id and the seal None until
    the commit): what :func:`record` takes, for :func:`record_rows`."""
    actor = fields["actor"]
    row = dict.fromkeys(pending.ENTRY_COLUMNS)
    row.update({name: value for name, value in fields.items() if name != "actor"})
    row.update(
        actor_id=actor.id,
        actor_name=actor.name,
        department_code=actor.department_code,
        object_id=str(fields["object_id"]),
        data=fields.get("data") or {},
    )
    return row


def write_now(session: Session) -> None:
    """Write this unit of work's entries and their messages now (sealed at the commit):
    for a caller that needs an entry's ``id``."""
    pending.write_now(session)


def entries_for_case(session: Session, *, case_id: int) -> Sequence[AuditEntry]:
    """All entries of one case, oldest first."""
    query = select(AuditEntry).where(AuditEntry.case_id == case_id)
    return session.scalars(query.order_by(AuditEntry.at, AuditEntry.id)).all()


def times(
    session: Session,
    *,
    action: str,
    since: datetime | None = None,
    source_address: str | None = None,
    object_id: str | None = None,
) -> list[datetime]:
    """When ``action`` was recorded (after ``since``, where given), oldest first, narrowed
    to one network address and/or one object where given: what the per-address limits of
    public lookups and filings count (办件查询, 核验, 异议), whether a task was told
    unstaffed (``assignment.pool.hold``)."""
    query = select(AuditEntry.at).where(AuditEntry.action == action)
    if since is not None:
        query = query.where(AuditEntry.at > since)
    if source_address is not None:
        query = query.where(AuditEntry.source_address == source_address)
    if object_id is not None:
        query = query.where(AuditEntry.object_id == object_id)
    return list(session.scalars(query.order_by(AuditEntry.at)))
