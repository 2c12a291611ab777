"""Handlers of job kinds, registered by the domains that own the work.

A low layer: domains above it register a handler per kind when they are imported
(``tongban.models.load_all``), as material providers register in
``cases.materials.registry``. A handler runs inside the transaction that marks its job
done, so what it writes to the database happens once with the job's completion; work
outside the database must be idempotent (delivery is at least once).
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


HANDLERS: dict[str, Handler] = {}


def register(kind: str) -> Callable[[Handler], Handler]:
    """Decorator: ``@register("clock.watch")`` makes the function the handler of ``kind``."""

    def wrap(handler: Handler) -> Handler:
        HANDLERS[kind] = handler
        return handler

    return wrap


def handler_of(kind: str) -> Handler | None:
    return HANDLERS.get(kind)
