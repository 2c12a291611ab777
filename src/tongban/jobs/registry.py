"""Handlers of job kinds, registered by the domains that own the work.

A low layer: domains above it register a handler per kind when they are imported
(``tongban.models.load_all``), as material providers register in
``cases.materials.registry``. A handler runs inside the transaction that marks its job
done, so what it writes to the database happens once with the job's completion; work
outside the database must be idempotent (delivery is at least once). A handler that
writes files (a licence PDF) is registered with ``store=True`` and is given the file
store as ``store``; the files it writes are content-addressed, so a retry after a crash
leaves at worst an orphan file.
"""

from __future__ import annotations

from collections.abc import Callable
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
HANDLERS: dict[str, AnyHandler] = {}
WITH_STORE: set[str] = set()  # kinds whose handler takes the file store as ``store``


def register(kind: str, *, store: bool = False) -> Callable[[AnyHandler], AnyHandler]:
    """Decorator: ``@register("clock.watch")`` makes the function the handler of ``kind``;
    with ``store=True`` it is called with ``store=`` (the worker's file store) too."""

    def wrap(handler: AnyHandler) -> AnyHandler:
        HANDLERS[kind] = handler
        if store:
            WITH_STORE.add(kind)
        return handler

    return wrap


def handler_of(kind: str) -> AnyHandler | None:
    return HANDLERS.get(kind)


def takes_store(kind: str) -> bool:
    """Whether the handler of ``kind`` is given the file store."""
    return kind in WITH_STORE
