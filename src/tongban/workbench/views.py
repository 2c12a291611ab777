"""Staff pages: the queue ordered by time left, one task with its case, and the actions
each stage allows (受理 / 补正 / 不予受理, 审查, 核准 / 不予许可 / 延期 / 暂停计时, 制证, 送达).
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tongban import textutil
from tongban.accounts.deps import CurrentStaff
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.alerts import service as alerts
from tongban.cases import service
from tongban.cases.core import clocks
from tongban.cases.core.queries import STAGE_NAMES_ZH
from tongban.cases.enums import Stage, TaskState
from tongban.cases.http import panels
from tongban.cases.http.casepage import case_context
from tongban.cases.models import Task
from tongban.cases.service import URGENCIES, PageCursor
from tongban.catalog import service as catalog
from tongban.catalog.enums import PROVIDED_WAYS
from tongban.catalog.views import departments
from tongban.errors import DomainError, NotFound
from tongban.web.deps import CheckedForm, NowDep, SessionDep, StoreDep, see_other
from tongban.web.i18n import locale_of
from tongban.web.templating import render, render_page_or_fragment
from tongban.workbench.actions import ACTIONS, PAUSE_REASONS, Act

router = APIRouter()


def _link(filters: dict[str, str], **cursor: str) -> str:
    """The queue's address with the same filters, at another page."""
    return "/staff?" + urlencode({k: v for k, v in {**filters, **cursor}.items() if v})


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
    after: str = "",
    before: str = "",
    view: str = "mine",
) -> Response:
    """The user's open tasks, least time left first, with a traffic-light badge: those
    they hold or no one holds (我的待办), or the whole department's (本部门: a head sees
    every stage's, those nobody present may hold marked 无人可办); filterable
    by stage, urgency, item and words, a page at a time (上一页 / 下一页 carry the
    filters). htmx, changing a filter, gets only the table."""
    view = "department" if view == "department" else "mine"
    chosen = Stage(stage) if stage in set(Stage) else None
    text, item = q.strip(), textutil.code(item)  # the text is folded where it is matched
    urgency = urgency if urgency in URGENCIES else ""
    found = service.queue_page(
        session,
        user=user,
        now=now,
        stage=chosen,
        text=text or None,
        urgency=urgency,
        item=item,
        after=PageCursor.parse(after) if after else None,
        before=PageCursor.parse(before) if before else None,
        mine=view == "mine",
    )
    filters = {"q": text, "stage": chosen or "", "urgency": urgency, "item": item}
    filters["view"] = "" if view == "mine" else view
    context = {
        "rows": found.rows,
        "paged": bool(found.next or found.previous or after or before),
        "next_link": _link(filters, after=found.next.token()) if found.next else "",
        "previous_link": (_link(filters, before=found.previous.token()) if found.previous else ""),
        "departments": departments(session),
        "stage_names": STAGE_NAMES_ZH,
        "filtered": bool(text or chosen or urgency or item),
        "view": view,
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
            "may_see_load": user.has_role(Role.approver, Role.supervisor),
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
    refusal = (
        service.refusal_to_act(session, user=user, task=task, now=now)
        if task.state == TaskState.open
        else None
    )
    context.update(_holding_context(session, task, user, now))
    context.update(
        task=task,
        error=error,
        left=left,
        badge=left.urgency if left else "green",
        can_act=task.state == TaskState.open and refusal is None,
        refusal=refusal,
        paused=clocks.open_pause(task.case) is not None,
        pause_reasons=PAUSE_REASONS,
        provided_ways=PROVIDED_WAYS,  # materials the correction notice cannot ask for
    )
    return render(request, "cases/staff_task.html", context, status_code=status_code)


def _holding_context(session: Session, task: Task, user: User, now: datetime) -> dict[str, object]:
    """Who holds the task, and whether ``user`` may take it over (接手) or reassign it (改派)."""
    held = task.state == TaskState.open and task.stage not in service.COUNTER_STAGES
    if not held:
        return {"assigned_stage": False, "may_take": False, "reassign_to": []}
    day = clocks.calendar(session).local_date(now)
    away = service.holder_away(task.assignee, task, day)
    may_take = service.refusal_to_take(session, user=user, task=task, now=now) is None
    reassign_to = (
        service.candidates(session, task=task, now=now)
        if service.may_reassign(user, task.department_code)
        else []
    )
    return {
        "assigned_stage": True,
        "holder_away": task.assignee_id is not None and away,
        "may_take": may_take,
        "may_reassign": service.may_reassign(user, task.department_code),
        "reassign_to": reassign_to,
    }


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
