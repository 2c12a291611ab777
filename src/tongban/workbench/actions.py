"""The actions a staff member takes on a task page (受理 / 补正 / 不予受理, 审查, 核准 / 不予许可 /
延期 / 暂停计时, 制证, 送达, 接手 / 改派): each reads the posted form and calls one service function.
Other domains add their own actions to ``ACTIONS`` (协查 adds ``verify``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from tongban.accounts.models import User
from tongban.cases import service
from tongban.cases.enums import APPLICANT_PAUSES, PauseReason, TaskOutcome
from tongban.cases.http import postal_form
from tongban.cases.models import Task
from tongban.errors import not_a_choice
from tongban.files.store import FileStore

# art. 45 procedures; a correction pauses the clock only through the correction notice
PAUSE_REASONS = [reason for reason in PauseReason if reason not in APPLICANT_PAUSES]
PAUSE_NAMES = {  # as the task page names them (templates/_macros.html pause_reason)
    PauseReason.hearing.value: ("听证", "hearing"),
    PauseReason.inspection.value: ("现场核查、检验", "inspection"),
    PauseReason.testing.value: ("检测、检疫", "testing"),
    PauseReason.expert_review.value: ("专家评审", "expert review"),
}


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
        a.session,
        case_id=a.task.case_id,
        user=a.user,
        opinion=a.opinion or None,
        now=a.now,
        store=a.store,
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
            store=a.store,
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
        store=a.store,
        expected_version=a.version,
    )


def _refuse(a: Act) -> object:
    return service.refuse_case(
        a.session,
        task_id=a.task.id,
        user=a.user,
        opinion=a.opinion,
        now=a.now,
        expected_version=a.version,
    )


def _extend(a: Act) -> object:
    return service.extend_limit(
        a.session, case_id=a.task.case_id, user=a.user, opinion=a.opinion, now=a.now
    )


def _pause(a: Act) -> object:
    reason = a.text("reason")
    if reason not in PAUSE_REASONS:
        raise not_a_choice(
            what=("暂停原因", "pause reason"), value=reason, choices=PAUSE_NAMES, field="reason"
        )
    try:
        last_day = date.fromisoformat(a.text("until")) if a.text("until") else None
    except ValueError:
        last_day = None  # refused by pause_clock, naming the field
    return service.pause_clock(
        a.session,
        case_id=a.task.case_id,
        user=a.user,
        now=a.now,
        note=a.text("note"),
        reason=PauseReason(reason),
        until=service.needed_until(a.session, last_day),
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
        tracking_number=a.text("tracking_number") or None,
        postal_address=postal_form.from_form(a.form),
        pickup_code=a.text("pickup_code") or None,
        expected_version=a.version,
    )


def _check(a: Act) -> object:
    """已核验原件: the clerk saw the original of an uploaded material."""
    material_id = a.text("material_id")
    return service.check_original(
        a.session,
        material_id=int(material_id) if material_id.isdigit() else 0,
        user=a.user,
        now=a.now,
    )


def _take(a: Act) -> object:
    return service.take_task(a.session, task_id=a.task.id, user=a.user, now=a.now)


def _reassign(a: Act) -> object:
    chosen = a.text("assignee")
    return service.reassign_task(
        a.session,
        task_id=a.task.id,
        to_user_id=int(chosen) if chosen.isdigit() else 0,
        reason=a.text("reason"),
        user=a.user,
        now=a.now,
    )


QUEUE, TASK = "/staff", "/staff/tasks/{task_id}"
# action → (service call, where to go afterwards)
TaskAction = Callable[["Act"], object]
ACTIONS: dict[str, tuple[TaskAction, str]] = {
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
    "check": (_check, TASK),
    "take": (_take, TASK),
    "reassign": (_reassign, TASK),
}
