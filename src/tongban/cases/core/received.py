"""What runs when the platform receives a case (at submission and at resubmission after a
correction), in the same unit of work: risk screening, then the rules of instant approval.

``cases`` sits below the domains that do this (``risk``, ``instant``), so it only owns this
registry; they register at start-up (``tongban.models.load_all``). Hooks run in ``order``
(lower first), so screening has flagged a case before any rule looks at it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from tongban.cases.models import Case
from tongban.files.store import FileStore

ReceivedHook = Callable[[Session, Case, datetime, FileStore], None]
HOOKS: list[tuple[int, ReceivedHook]] = []


def on_received(order: int) -> Callable[[ReceivedHook], ReceivedHook]:
    """Register ``hook(session, case, now, store)`` to run when a case is received."""

    def register(hook: ReceivedHook) -> ReceivedHook:
        if all(known is not hook for _, known in HOOKS):
            HOOKS.append((order, hook))
            HOOKS.sort(key=lambda entry: entry[0])
        return hook

    return register


def run_received(session: Session, *, case: Case, now: datetime, store: FileStore) -> None:
    """Run every registered hook on a case just received."""
    for _order, hook in HOOKS:
        hook(session, case, now, store)
