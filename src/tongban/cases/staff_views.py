"""Staff pages: the queue ordered by time left, one task with its case, and the actions
each stage allows (受理 / 补正 / 不予受理, 审查, 核准 / 不予许可 / 延期 / 暂停计时, 制证, 送达).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from tongban.accounts import service as accounts
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.cases import access, service, verification_views
from tongban.cases.enums import PauseReason, Stage, TaskOutcome, TaskState
from tongban.cases.models import Task
from tongban.cases.queries import STAGE_NAMES_ZH
from tongban.cases.views import case_context
from tongban.catalog import service as catalog
from tongban.catalog.views import departments
from tongban.errors import DomainError, NotFound
from tongban.files.store import FileStore
from tongban.ratings.card import case_rating
from tongban.web.deps import CheckedForm, CurrentStaff, NowDep, SessionDep, StoreDep, see_other
from tongban.web.i18n import locale_of
from tongban.web.templating import render, render_page_or_fragment

router = APIRouter()
# art. 45 procedures; a correction pauses the clock only through the correction notice
PAUSE_REASONS = [reason for reason in PauseReason if reason != PauseReason.correction]


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
    text, item = q.strip(), item.strip()
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
            "verifications": verification_views.workbench(session, user=user, now=now),
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
    context.update(case_rating(request, session, task.case, user, now))  # 好差评 card
    left = service.task_time_left(session, task=task, now=now)
    context.update(
        task=task,
        error=error,
        left=left,
        badge=left.urgency if left else "green",
        can_act=task.state == TaskState.open and access.can_act(user, task),
        paused=any(p.ended_at is None for p in task.case.pauses),
        pause_reasons=PAUSE_REASONS,
        verifications=verification_views.case_rows(session, task.case, now),
    )
    return render(request, "cases/staff_task.html", context, status_code=status_code)


@router.get("/staff/tasks/{task_id}")
def task_page(
    task_id: int, request: Request, session: SessionDep, user: CurrentStaff, now: NowDep
) -> Response:
    """One task: the case's form and materials, other departments' opinions, and the actions."""
    task = service.get_task(session, task_id=task_id, user=user)
    return _task_page(request, session, task, user, now)


@dataclass
class Act:
    """One posted action on a task: the unit of work, the task, who, the form, when, the file store."""

    session: Session
    task: Task
    user: User
    form: FormData
    now: datetime
    store: FileStore

    def text(self, name: str) -> str:
        value = self.form.get(name)
        return value.strip() if isinstance(value, str) else ""

    @property
    def opinion(self) -> str:
        return self.text("opinion")

    @property
    def version(self) -> int | None:
        """The task version the form was made from: a stale page gets a clear conflict."""
        value = self.text("version")
        return int(value) if value.isdigit() else None


def problems(act: Act) -> list[dict[str, str]]:
    """The ticked (or filled) rows of the correction checklist."""
    found = []
    rows = act.text("rows")
    for index in range(min(int(rows), 500) if rows.isdigit() else 0):
        target, problem = act.text(f"row-{index}-target"), act.text(f"row-{index}-problem")
        if act.form.get(f"row-{index}-check") or problem:
            found.append({"target": target, "problem": problem})
    return found


def _accept(a: Act) -> object:
    return service.accept_case(
        a.session, case_id=a.task.case_id, user=a.user, opinion=a.opinion or None, now=a.now
    )


def _reject(a: Act) -> object:
    return service.reject_case(
        a.session, case_id=a.task.case_id, user=a.user, opinion=a.opinion, now=a.now
    )


def _correction(a: Act) -> object:
    return service.request_correction(
        a.session,
        case_id=a.task.case_id,
        user=a.user,
        problems=problems(a),
        opinion=a.opinion or None,
        now=a.now,
    )


def _review(outcome: TaskOutcome) -> Callable[[Act], object]:
    def review(a: Act) -> object:
        return service.review_task(
            a.session,
            task_id=a.task.id,
            user=a.user,
            outcome=outcome,
            opinion=a.opinion,
            now=a.now,
            expected_version=a.version,
        )

    return review


def _approve(a: Act) -> object:
    return service.approve_case(
        a.session,
        task_id=a.task.id,
        user=a.user,
        opinion=a.opinion,
        now=a.now,
        expected_version=a.version,
    )


def _refuse(a: Act) -> object:
    return service.refuse_case(
        a.session,
        task_id=a.task.id,
        user=a.user,
        opinion=a.opinion,
        now=a.now,
        store=a.store,
        expected_version=a.version,
    )


def _extend(a: Act) -> object:
    return service.extend_limit(
        a.session, case_id=a.task.case_id, user=a.user, opinion=a.opinion, now=a.now
    )


def _pause(a: Act) -> object:
    reason = a.text("reason")
    return service.pause_clock(
        a.session,
        case_id=a.task.case_id,
        user=a.user,
        now=a.now,
        note=a.text("note"),
        reason=PauseReason(reason) if reason in PAUSE_REASONS else PauseReason.hearing,
    )


def _resume(a: Act) -> object:
    return service.resume_clock(a.session, case_id=a.task.case_id, user=a.user, now=a.now)


def _issue(a: Act) -> object:
    return service.issue_result(
        a.session,
        task_id=a.task.id,
        user=a.user,
        opinion=a.opinion or None,
        now=a.now,
        store=a.store,
        expected_version=a.version,
    )


def _deliver(a: Act) -> object:
    return service.deliver_result(
        a.session,
        task_id=a.task.id,
        user=a.user,
        opinion=a.opinion or None,
        now=a.now,
        expected_version=a.version,
    )


def _verify(a: Act) -> object:
    return service.ask_verification(
        a.session,
        task_id=a.task.id,
        user=a.user,
        to_department=a.text("to_department"),
        question=a.text("question"),
        now=a.now,
    )


QUEUE, TASK = "/staff", "/staff/tasks/{task_id}"
# action → (service call, where to go afterwards)
ACTIONS: dict[str, tuple[Callable[[Act], object], str]] = {
    "accept": (_accept, QUEUE),
    "reject": (_reject, QUEUE),
    "correction": (_correction, QUEUE),
    "agree": (_review(TaskOutcome.approved), QUEUE),
    "disagree": (_review(TaskOutcome.refused), QUEUE),
    "approve": (_approve, QUEUE),
    "refuse": (_refuse, QUEUE),
    "extend": (_extend, TASK),
    "pause": (_pause, TASK),
    "resume": (_resume, TASK),
    "issue": (_issue, QUEUE),
    "deliver": (_deliver, QUEUE),
    "verify": (_verify, TASK),
}


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
