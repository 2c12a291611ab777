"""Handlers of job kinds, registered by the domains that own the work.

A low layer: domains above it register a handler per kind when they are imported
(``tongban.models.load_all``), as material providers register in
``cases.materials.registry``. A handler runs inside the transaction that marks its job
done, so what it writes to the database happens once with the job's completion; work
outside the database must be idempotent (delivery is at least once). A handler that
writes files (a licence PDF) is registered with ``store=True`` and is given the file
store as ``store``; the files it writes are content-addressed, so a retry after a crash
leaves at worst an orphan file.

A kind registered with ``prepare`` runs its claimed jobs together, in one transaction
(``jobs.run_claimed``): ``prepare`` loads in a few statements what the jobs' handlers will
read (the watch of a day's clocks: the clocks, their cases, pauses and tasks), and one
commit ends them all, where each job alone would pay its reads, its commit and the audit
seal. Only for kinds whose handlers write nothing outside the database.
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


# A Handler, or one that also takes ``store`` (registered with ``store=True``).
AnyHandler = Callable[..., datetime | None]
# Loads what the handlers of several jobs will read; returns the loaded rows, which the
# caller keeps while the handlers run (the session's identity map holds rows weakly).
Preparer = Callable[[Session, Sequence[dict[str, Any]]], object]
HANDLERS: dict[str, AnyHandler] = {}
WITH_STORE: set[str] = set()  # kinds whose handler takes the file store as ``store``
PREPARERS: dict[str, Preparer] = {}


def register(
    kind: str, *, store: bool = False, prepare: Preparer | None = None
) -> Callable[[AnyHandler], AnyHandler]:
    """Decorator: ``@register("clock.watch")`` makes the function the handler of ``kind``;
    with ``store=True`` it is called with ``store=`` (the worker's file store) too; with
    ``prepare``, claimed jobs of the kind run together (see the module's text)."""
    if store and prepare is not None:
        raise ValueError("a handler that writes files runs alone")

    def wrap(handler: AnyHandler) -> AnyHandler:
        HANDLERS[kind] = handler
        if store:
            WITH_STORE.add(kind)
        if prepare is not None:
            PREPARERS[kind] = prepare
        return handler

    return wrap


def handler_of(kind: str) -> AnyHandler | None:
    return HANDLERS.get(kind)


def preparer_of(kind: str) -> Preparer | None:
    """How jobs of ``kind`` are prepared to run together; None: each runs alone."""
    return PREPARERS.get(kind)


def takes_store(kind: str) -> bool:
    """Whether the handler of ``kind`` is given the file store."""
    return kind in WITH_STORE
