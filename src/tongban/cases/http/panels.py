"""What other domains add to the case pages, without the case pages importing them.

The applicant's case page and the staff task page show more than the case: the 好差评
card (ratings), the 协查 requests (verification), and later licences and messages. Those
domains sit above ``cases`` and register here when their views are imported; the case
pages only ask this registry. Each panel returns the context its template part needs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.cases.models import Case

CasePanel = Callable[[Request, Session, Case, User, datetime], dict[str, Any]]
QueuePanel = Callable[[Session, User, datetime], dict[str, Any]]

CASE_PANELS: list[CasePanel] = []  # on both case pages (applicant's and staff task page)
TASK_PANELS: list[CasePanel] = []  # on the staff task page only
QUEUE_PANELS: list[QueuePanel] = []  # on the staff workbench (queue) page
RECEIPT_PANELS: list[CasePanel] = []  # on the review page and the receipts (online, window)


def case_panel(panel: CasePanel) -> CasePanel:
    """Register a panel shown on both case pages."""
    CASE_PANELS.append(panel)
    return panel


def task_panel(panel: CasePanel) -> CasePanel:
    """Register a panel shown to staff on the task page."""
    TASK_PANELS.append(panel)
    return panel


def receipt_panel(panel: CasePanel) -> CasePanel:
    """Register a panel shown on the review page before submitting and on the receipts."""
    RECEIPT_PANELS.append(panel)
    return panel


def queue_panel(panel: QueuePanel) -> QueuePanel:
    """Register a panel shown on the staff workbench."""
    QUEUE_PANELS.append(panel)
    return panel


def panels_context(
    panels: list[CasePanel],
    request: Request,
    session: Session,
    case: Case,
    user: User,
    now: datetime,
) -> dict[str, Any]:
    """The merged context of ``panels`` for one case page."""
    context: dict[str, Any] = {}
    for panel in panels:
        context.update(panel(request, session, case, user, now))
    return context


def queue_context(session: Session, user: User, now: datetime) -> dict[str, Any]:
    """The merged context of the workbench panels."""
    context: dict[str, Any] = {}
    for panel in QUEUE_PANELS:
        context.update(panel(session, user, now))
    return context
