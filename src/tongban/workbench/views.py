"""Staff pages: the queue ordered by time left, one task with its case, and the actions
each stage allows (受理 / 补正 / 不予受理, 审查, 核准 / 不予许可 / 延期 / 暂停计时, 制证, 送达).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tongban import textutil
from tongban.accounts import service as accounts
from tongban.accounts.deps import CurrentStaff
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.alerts import service as alerts
from tongban.cases import service
from tongban.cases.core import access, clocks
from tongban.cases.core.queries import STAGE_NAMES_ZH
from tongban.cases.enums import Stage, TaskState
from tongban.cases.http import panels
from tongban.cases.http.casepage import case_context
from tongban.cases.models import Task
from tongban.catalog import service as catalog
from tongban.catalog.views import departments
from tongban.errors import DomainError, NotFound
from tongban.web.deps import CheckedForm, NowDep, SessionDep, StoreDep, see_other
from tongban.web.i18n import locale_of
from tongban.web.templating import render, render_page_or_fragment
from tongban.workbench.actions import ACTIONS, PAUSE_REASONS, Act

router = APIRouter()

URGENCIES = ("red", "yellow", "green")  # overdue, due soon, on time: the badge colours


def _queue_rows(
    session: Session, user: User, now: datetime, stage: Stage | None, text: str
) -> list[dict[str, Any]]:
    rows = []
    for task in service.queue(session, user=user, now=now, stage=stage, text=text or None):
        left = service.task_time_left(session, task=task, now=now)
        applicant = accounts.get_user(session, user_id=task.case.applicant_id)
        rows.append(
            {
                "task": task,
                "left": left,
                "badge": left.urgency if left else "green",
                "applicant": applicant.display_name if applicant else "",
            }
        )
    return rows


def _keeps(row: dict[str, Any], urgency: str, item: str) -> bool:
    """Urgency is known only once time left is counted; an item is the task's own or the
    case's (an item, or a bundle)."""
    task: Task = row["task"]
    return (not urgency or row["badge"] == urgency) and (
        not item or item in (task.item_code, task.case.catalog_code)
    )


@router.get("/staff")
def queue(
    request: Request,
    session: SessionDep,
    user: CurrentStaff,
    now: NowDep,
    q: str = "",
    stage: str = "",
    urgency: str = "",
    item: str = "",
) -> Response:
    """The user's open tasks, least time left first, with a traffic-light badge; filterable
    by stage, urgency, item and words. htmx, changing a filter, gets only the table."""
    chosen = Stage(stage) if stage in set(Stage) else None
    text, item = q.strip(), textutil.code(item)  # the text is folded where it is matched
    urgency = urgency if urgency in URGENCIES else ""
    rows = _queue_rows(session, user, now, chosen, text)
    rows = [row for row in rows if _keeps(row, urgency, item)]
    context = {
        "rows": rows,
        "departments": departments(session),
        "stage_names": STAGE_NAMES_ZH,
        "filtered": bool(text or chosen or urgency or item),
    }
    return render_page_or_fragment(
        request,
        "cases/staff_queue.html",
        "cases/_queue_table.html",
        context,
        lambda: {
            "q": text,
            "stage": chosen,
            "urgency": urgency,
            "item": item,
            "urgencies": URGENCIES,
            "items": (
                catalog.list_entries(session, department=user.department_code)
                if user.department_code
                else []
            ),
            "may_intake": user.has_role(Role.clerk),
            **panels.queue_context(session, user, now),
            **alerts.list_context(session, department=user.department_code or "-"),
        },
    )


def _task_page(
    request: Request,
    session: Session,
    task: Task,
    user: User,
    now: datetime,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    context = case_context(request, session, task.case, user, now)
    context.update(
        panels.panels_context(panels.CASE_PANELS, request, session, task.case, user, now)
    )
    context.update(
        panels.panels_context(panels.TASK_PANELS, request, session, task.case, user, now)
    )
    left = service.task_time_left(session, task=task, now=now)
    context.update(
        task=task,
        error=error,
        left=left,
        badge=left.urgency if left else "green",
        can_act=task.state == TaskState.open and access.can_act(user, task),
        paused=clocks.open_pause(task.case) is not None,
        pause_reasons=PAUSE_REASONS,
    )
    return render(request, "cases/staff_task.html", context, status_code=status_code)


@router.get("/staff/tasks/{task_id}")
def task_page(
    task_id: int, request: Request, session: SessionDep, user: CurrentStaff, now: NowDep
) -> Response:
    """One task: the case's form and materials, other departments' opinions, and the actions."""
    task = service.get_task(session, task_id=task_id, user=user)
    return _task_page(request, session, task, user, now)


@router.post("/staff/tasks/{task_id}/{action}")
def act(
    task_id: int,
    action: str,
    request: Request,
    session: SessionDep,
    user: CurrentStaff,
    now: NowDep,
    store: StoreDep,
    form: CheckedForm,
) -> Response:
    """Carry out one action on the task; a refused action shows the task again with the reason."""
    if action not in ACTIONS:
        raise NotFound("没有这个操作。", f"No action '{action}'.")
    call, then = ACTIONS[action]
    task = service.get_task(session, task_id=task_id, user=user)
    try:
        call(Act(session, task, user, form, now, store))
    except DomainError as error:
        session.rollback()  # nothing half-done is kept; the page is shown again with the reason
        task = service.get_task(session, task_id=task_id, user=user)
        message = error.message(
            locale_of(request, request.app.state.runtime.settings.default_locale)
        )
        return _task_page(request, session, task, user, now, message, error.status)
    return see_other(f"{then.format(task_id=task_id)}?done={action}")
