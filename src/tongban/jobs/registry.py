"""Handlers of job kinds, registered by the domains that own the work.

A low layer: domains above it register a handler per kind when they are imported
(``tongban.models.load_all``), as material providers register in
``cases.materials.registry``. A handler runs inside the transaction that marks its job
done, so what it writes to the database happens once with the job's completion; work
outside the database must be idempotent (delivery is at least once). A handler that
writes files (a licence PDF) is registered with ``store=True`` and is given the file
store as ``store``; the files it writes are content-addressed, so a retry after a crash
leaves at worst an orphan file.

A kind registered with ``together`` runs its claimed jobs together, in one transaction
(``jobs.run_claimed``): ``together`` does the work of all of them as a set (the watch of a
day's clocks: one read of the clocks, their cases, pauses, tasks and raised alerts, then
one INSERT per table for the alerts, audit entries and messages), and one commit ends
them all, where each job alone would pay its reads, its writes, its commit and the audit
seal. Its ``batch`` is how many jobs of the kind a worker claims at once (more than the
worker's usual batch: the fixed cost of a transaction is shared by more jobs). Only for
kinds whose handlers write nothing outside the database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session


class Handler(Protocol):
    def __call__(
        self, session: Session, *, payload: dict[str, Any], now: datetime
    ) -> datetime | None:
        """Do the job; return a later moment to run again then (a recurring watch), or None."""
        ...


class Together(Protocol):
    def __call__(
        self, session: Session, payloads: Sequence[dict[str, Any]], *, now: datetime
    ) -> list[datetime | None]:
        """Do the jobs of ``payloads`` as a set; return for each, in their order, what its
        handler would (a later moment to run again, or None)."""
        ...


# A Handler, or one that also takes ``store`` (registered with ``store=True``).
AnyHandler = Callable[..., datetime | None]
HANDLERS: dict[str, AnyHandler] = {}
WITH_STORE: set[str] = set()  # kinds whose handler takes the file store as ``store``
TOGETHER: dict[str, tuple[Together, int]] = {}  # kind -> (its set handler, its batch)


def register(
    kind: str, *, store: bool = False, together: Together | None = None, batch: int = 0
) -> Callable[[AnyHandler], AnyHandler]:
    """Decorator: ``@register("clock.watch")`` makes the function the handler of ``kind``;
    with ``store=True`` it is called with ``store=`` (the worker's file store) too; with
    ``together``, claimed jobs of the kind run together, up to ``batch`` of them claimed at
    once (see the module's text); the handler still runs a job alone (a retry)."""
    if store and together is not None:
        raise ValueError("a handler that writes files runs alone")

    def wrap(handler: AnyHandler) -> AnyHandler:
        HANDLERS[kind] = handler
        if store:
            WITH_STORE.add(kind)
        if together is not None:
            TOGETHER[kind] = (together, batch)
        return handler

    return wrap


def handler_of(kind: str) -> AnyHandler | None:
    return HANDLERS.get(kind)


def together_of(kind: str) -> Together | None:
    """How jobs of ``kind`` run together; None: each runs alone."""
    found = TOGETHER.get(kind)
    return found[0] if found else None


def batch_of(kind: str) -> int:
    """How many jobs of ``kind`` a worker claims at once (0: the worker's usual batch)."""
    found = TOGETHER.get(kind)
    return found[1] if found else 0


def takes_store(kind: str) -> bool:
    """Whether the handler of ``kind`` is given the file store."""
    return kind in WITH_STORE
