"""Verification among departments (协查): instead of asking the applicant for a
certificate, the department working on a case asks the department that holds the fact.

A request is answered once, by the asked department, within a number of working days
(setting ``verification_working_days``); one the platform asks by itself, never later
than the asking task is due (``answer_due``). It does not pause the case's clocks: the
reviewing department's own time limit keeps running. Questions and answers are
internal; applicants do not see them. There is no message to a department's inbox:
the asked department's workbench lists its open requests, least time left first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.cases import service as cases
from tongban.cases.core import access, clocks
from tongban.cases.core.transition import locked_task
from tongban.cases.enums import FINAL_STATES, TaskState
from tongban.cases.models import Case, Clock, Task
from tongban.catalog import service as catalog
from tongban.config import get_settings
from tongban.errors import Conflict, InvalidInput, NotAllowed, NotFound
from tongban.files.store import FileStore
from tongban.verification import tasks
from tongban.verification.models import VerificationRequest

QUESTION_MAX = 1000
ANSWER_MAX = 2000


def _text(value: str, *, limit: int, field: str, zh: str, en: str) -> str:
    text = value.strip()
    if not text:
        raise InvalidInput(f"请填写{zh}。", f"Write the {en}.", field=field)
    if len(text) > limit:
        raise InvalidInput(
            f"{zh}不能超过 {limit} 个字。",
            f"The {en} may have at most {limit} characters.",
            field=field,
        )
    return text


def _record(
    session: Session, request: VerificationRequest, action: str, user: User, now: datetime
) -> None:
    cases.record_case(
        session,
        now=now,
        action=action,
        actor=actor_of(user),
        object_type="verification",
        object_id=request.id,
        case=request.case,
        opinion=request.answer if action == "verification.answer" else request.question,
        data={
            "task_id": request.task_id,
            "from_department": request.from_department,
            "to_department": request.to_department,
        },
    )


def answer_due(session: Session, task: Task, now: datetime) -> datetime:
    """When a request the platform asks by itself now for ``task`` (自动协查) is due:
    ``verification_working_days`` working days on, but no later than the task itself is
    due (协查 does not pause its clock, and no one chose to wait longer)."""
    due = clocks.calendar(session).add_working_days(now, get_settings().verification_working_days)
    if task.due_at is not None and now < task.due_at < due:
        return task.due_at
    return due


def ask(
    session: Session, *, task_id: int, user: User, to_department: str, question: str, now: datetime
) -> VerificationRequest:
    """The user who may act on an open task asks another department to verify a fact."""
    task = locked_task(session, task_id=task_id, user=user, now=now)
    if task.state != TaskState.open:
        raise Conflict(
            "任务已经办结，不能再请求协查。", "The task is finished; it can no longer ask."
        )
    if not to_department:
        raise InvalidInput(
            "请选择协查部门。", "Choose the department to ask.", field="to_department"
        )
    if to_department == task.department_code:
        raise InvalidInput(
            "请选择其他部门；本部门掌握的情况无需协查。",
            "Choose another department, not your own.",
            field="to_department",
        )
    if to_department not in {d.code for d in catalog.list_departments(session)}:
        raise InvalidInput(
            f"未知部门代码 {to_department}。",
            f"Unknown department code {to_department}.",
            field="to_department",
        )
    request = VerificationRequest(
        case=task.case,
        task_id=task.id,
        from_department=task.department_code,
        to_department=to_department,
        question=_text(
            question, limit=QUESTION_MAX, field="question", zh="协查事项", en="question"
        ),
        asked_by=user.display_name,
        asked_at=now,
        due_at=clocks.calendar(session).add_working_days(
            now, get_settings().verification_working_days
        ),
    )
    session.add(request)
    session.flush()
    _record(session, request, "verification.ask", user, now)
    tasks.schedule(session, request=request, now=now)
    return request


def may_see(user: User, request: VerificationRequest) -> bool:
    """Staff of the asking and of the asked department, and supervisors of the case."""
    if access.supervises(user, request.case):
        return True
    departments = {request.from_department, request.to_department}
    return user.has_role(*access.WORK_ROLES) and user.department_code in departments


def may_answer(user: User, request: VerificationRequest) -> bool:
    return user.has_role(*access.WORK_ROLES) and user.department_code == request.to_department


def get(session: Session, *, request_id: int, user: User) -> VerificationRequest:
    """A request the user may see (NotFound otherwise, not revealing that it exists)."""
    request = session.get(VerificationRequest, request_id)
    if request is None or not may_see(user, request):
        raise NotFound(f"没有找到协查请求 {request_id}。", f"No verification request {request_id}.")
    return request


def answer(
    session: Session,
    *,
    request_id: int,
    user: User,
    text: str,
    now: datetime,
    confirmed: bool = True,
    document: tuple[str, bytes] | None = None,
    store: FileStore | None = None,
) -> VerificationRequest:
    """Staff of the asked department answer, once; the row lock keeps a second answer out.

    A request the platform asked about a material (``material_code``) settles it: confirmed,
    the material is trusted (level A) and ``document`` (file name, bytes), the issuer's copy,
    joins the case as its file; not confirmed, the reviewers read why."""
    request = session.scalar(
        select(VerificationRequest)
        .where(VerificationRequest.id == request_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if request is None or not may_see(user, request):
        raise NotFound(f"没有找到协查请求 {request_id}。", f"No verification request {request_id}.")
    if not may_answer(user, request):
        raise NotAllowed("只有被请求协查的部门可以回复。", "Only the department asked may answer.")
    if request.answered_at is not None:
        raise Conflict(
            "该协查请求已经回复过。",
            "This request has already been answered.",
            code="already_answered",
        )
    if request.lapsed:
        raise Conflict(
            "该办件已经结束，协查无需再回复。",
            "The case has ended: the request needs no answer any more.",
            code="case_ended",
        )
    request.answer = _text(text, limit=ANSWER_MAX, field="answer", zh="协查结果", en="answer")
    request.answered_by, request.answered_at = user.display_name, now
    if request.material_code is not None:
        request.confirmed = confirmed
        _settle(session, request, document, store, now)
    elif document is not None:
        raise InvalidInput(
            "只有关于申请材料的协查可以附文书。",
            "Only a request about a material takes a document.",
            field="document",
        )
    _record(session, request, "verification.answer", user, now)
    tasks.answered(session, request=request, now=now)
    return request


def _settle(
    session: Session,
    request: VerificationRequest,
    document: tuple[str, bytes] | None,
    store: FileStore | None,
    now: datetime,
) -> None:
    """The material the request is about takes the answer (and the issuer's document)."""
    assert request.material_code is not None
    found = catalog.get_department(session, code=request.to_department)
    department, department_en = found.name, found.name_en or found.name
    if request.confirmed:
        zh, en = f"已由{department}协查核实", f"Verified by {department_en}"
    else:
        zh = f"{department}协查未能核实：{request.answer}"
        en = f"{department_en} could not verify it: {request.answer}"
    cases.settle_verified(
        session,
        case=request.case,
        material_code=request.material_code,
        confirmed=bool(request.confirmed),
        summary_zh=zh,
        summary_en=en,
        document=document,
        store=store,
        max_bytes=get_settings().max_upload_mb * 1024 * 1024,
        now=now,
    )


def list_open(session: Session, *, department: str) -> Sequence[VerificationRequest]:
    """Unanswered requests addressed to a department about cases still running, the
    soonest due first."""
    query = (
        select(VerificationRequest)
        .join(Case, Case.id == VerificationRequest.case_id)
        .options(contains_eager(VerificationRequest.case))  # each row's case read with it
        .where(
            VerificationRequest.to_department == department,
            VerificationRequest.answered_at.is_(None),
            Case.state.not_in(FINAL_STATES),
        )
    )
    return session.scalars(query.order_by(VerificationRequest.due_at, VerificationRequest.id)).all()


def list_addressed(
    session: Session, *, user: User, department: str | None = None, open_only: bool = True
) -> Sequence[VerificationRequest]:
    """Requests addressed to a department: staff read their own, supervisors any."""
    department = department or user.department_code
    if department is None or not (
        department == user.department_code or access.oversees_department(session, user, department)
    ):
        raise NotAllowed(
            "只能查看本部门收到的协查请求。", "Only your own department's requests can be listed."
        )
    if open_only:
        return list_open(session, department=department)
    query = select(VerificationRequest).where(VerificationRequest.to_department == department)
    return session.scalars(query.order_by(VerificationRequest.id.desc())).all()


def for_case(session: Session, *, case: Case) -> Sequence[VerificationRequest]:
    """Every request about a case, oldest first."""
    query = select(VerificationRequest).where(VerificationRequest.case_id == case.id)
    return session.scalars(query.order_by(VerificationRequest.id)).all()


def time_left(session: Session, *, request: VerificationRequest, now: datetime) -> clocks.TimeLeft:
    """Working days left to answer, with the queue's urgency (red / yellow / green)."""
    cal = clocks.calendar(session)
    begins = cal.working_start(request.asked_at)  # asked after hours: counted from the next day
    limit = cal.working_days_between(begins, request.due_at - timedelta(seconds=1))
    # Never added to the session: it only lends the request the counting of a task's clock.
    clock = Clock(
        unit="working_days",
        limit=limit,
        extension=0,
        started_at=request.asked_at,
        due_at=request.due_at,
        provisional=False,
    )
    return clocks.time_left(cal, clock, now=now)  # 协查 never pauses
