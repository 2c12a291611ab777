"""The load per person (人员工作量): open tasks each member of staff holds, per
department, and the absences that keep new tasks from them. Supervisors see every
department; a department's head (its approvers) their own. Every member of staff records
their own absence and hands their open tasks to a deputy (不在岗委托, ``/staff/absence``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts.deps import CurrentStaff, require_roles
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.cases import service
from tongban.cases.core.access import ROLE_NAMES_ZH
from tongban.cases.core.queries import STAGE_NAMES_ZH
from tongban.catalog.views import departments
from tongban.errors import DomainError, InvalidInput
from tongban.web.deps import CheckedForm, NowDep, SessionDep, see_other
from tongban.web.i18n import locale_of
from tongban.web.refusals import Refusal, page_again, shown, status_of
from tongban.web.templating import render

router = APIRouter()
Overseer = Annotated[User, Depends(require_roles(Role.supervisor, Role.approver))]


def _scope(user: User) -> str | None:
    """The department whose load ``user`` sees: all (None) for a supervisor."""
    return None if user.has_role(Role.supervisor) else user.department_code or "-"


def _page(
    request: Request,
    session: Session,
    user: User,
    now: datetime,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    day = service.calendar(session).local_date(now)
    context = {
        "loads": service.load_by_department(session, day=day, department=_scope(user)),
        "departments": departments(session),
        "role_names": ROLE_NAMES_ZH,
        "stage_names": STAGE_NAMES_ZH,
        "error": error,
    }
    return render(request, "cases/staff_load.html", context, status_code=status_code)


@router.get("/staff/load")
def load_page(request: Request, session: SessionDep, user: Overseer, now: NowDep) -> Response:
    """Open tasks per person and per department, with who is absent."""
    return _page(request, session, user, now)


def _day(value: object, label: tuple[str, str], field: str) -> date | None:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{label[0]}不是有效日期，请按“年-月-日”填写，如 2026-12-01。",
            f"The {label[1]} is not a date: write it as year-month-day, e.g. 2026-12-01.",
            field=field,
        ) from None


@router.post("/staff/load/{user_id}/absence")
def record_absence(
    user_id: int,
    request: Request,
    session: SessionDep,
    user: Overseer,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    """Mark a person absent from–until, or back at work (both dates left empty)."""
    try:
        first = _day(form.get("absent_from"), ("开始日期", "first day"), "absent_from")
        last = _day(form.get("absent_until"), ("结束日期", "last day"), "absent_until")
        service.set_absence(
            session, user_id=user_id, absent_from=first, absent_until=last, actor=user, now=now
        )
    except DomainError as error:
        session.rollback()
        language = locale_of(request, request.app.state.runtime.settings.default_locale)
        return _page(request, session, user, now, error.message(language), error.status)
    return see_other("/staff/load?done=absence")


def _colleagues(session: Session, user: User) -> list[User]:
    """Who may be chosen as ``user``'s deputy: the active colleagues of the department
    who take tasks (whether they are at work is checked when chosen)."""
    rows = session.scalars(
        select(User)
        .where(
            User.department_code == user.department_code,
            User.id != user.id,
            User.active.is_(True),
            User.takes_tasks.is_(True),
        )
        .order_by(User.id)
    )
    return [colleague for colleague in rows if colleague.is_staff]


def _absence_page(
    request: Request, session: Session, user: User, refusal: Refusal | None = None
) -> Response:
    held = service.held_tasks(session, user=user)
    context = {
        "me": user,
        "held": held,
        "colleagues": _colleagues(session, user),
        "handed": request.query_params.get("handed"),
        "kept": request.query_params.get("kept"),
        **shown(refusal),
    }
    return render(request, "cases/staff_absence.html", context, status_code=status_of(refusal))


@router.get("/staff/absence")
def absence_page(request: Request, session: SessionDep, user: CurrentStaff) -> Response:
    """One's own absence (请假, 出差) and the deputy one's open tasks go to."""
    return _absence_page(request, session, user)


@router.post("/staff/absence")
def record_own_absence(
    request: Request, session: SessionDep, user: CurrentStaff, now: NowDep, form: CheckedForm
) -> Response:
    """Record one's own absence from–until (or back at work: both empty) and, with a
    deputy chosen, hand them the open tasks they may hold (the rest a colleague takes over)."""
    try:
        first = _day(form.get("absent_from"), ("开始日期", "first day"), "absent_from")
        last = _day(form.get("absent_until"), ("结束日期", "last day"), "absent_until")
        deputy = str(form.get("deputy") or "").strip()
        service.set_absence(
            session, user_id=user.id, absent_from=first, absent_until=last, actor=user, now=now
        )
        if first is None or not deputy:
            return see_other("/staff/absence?done=absence")
        if not deputy.isdigit():
            raise InvalidInput("请选择代办人。", "Choose your deputy.", field="deputy")
        handed, kept = service.delegate_tasks(session, user=user, deputy_id=int(deputy), now=now)
    except DomainError as error:
        return page_again(
            request,
            session,
            error,
            form,
            lambda refusal: _absence_page(request, session, user, refusal),
        )
    return see_other(f"/staff/absence?handed={len(handed)}&kept={len(kept)}")
