"""The notices domain promises: where an item declares a public notice before its decision
(``public_notice``: 低保, 《最低生活保障审核确认办法》民发〔2021〕57号: the initial opinion is
shown to the public for 7 days before the county bureau decides), the notice opens when
the decision task opens after an approved review, runs for the declared calendar days
(the opening day not counted, a last day on a rest day moved to the next working day:
《民法典》第二百零一条、第二百零三条) and ends by itself (job ``notice.end``). The public page
shows only what was masked when it opened (name 张*, district, household size).

Anyone may object (异议) with a reason while it runs. Every objection must be examined by
the reviewing department (核查: founded or not, with the finding) before the decision; the
decision waits while the notice runs and while an objection is unexamined
(``hooks.DECIDE_HOLDS``). A founded objection ends the notice and sends the case back to a
new investigation by that department (重新组织调查核实, ``cases.review_again``), whose
approval opens a new decision task and a new 7-day notice; the other objections still
waiting are closed then (公示已终止). Whoever filed an objection follows it by its number
(the public page shows its state and outcome, never the case's data). Each step is audited on the case
(``notice.*``, ``case.recheck``). Functions flush but never commit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.audit.models import AuditEntry
from tongban.audit.service import SYSTEM, Actor
from tongban.cases import service as cases
from tongban.cases.core import access
from tongban.cases.core.transition import lock_case
from tongban.cases.enums import RoundOutcome, Stage, TaskOutcome, TaskState
from tongban.cases.models import Case, Task
from tongban.errors import Conflict, InvalidInput, NotAllowed, NotFound, TooManyAttempts
from tongban.jobs import service as jobs
from tongban.notices.enums import NoticeState, ObjectionState
from tongban.notices.models import Objection, PublicNotice
from tongban.pii.service import mask_name

END = "notice.end"  # the job ending a notice at its last moment (``tasks``)
REASON_MIN, TEXT_MAX, CONTACT_MAX = 5, 500, 60
PUBLIC = Actor(id=None, name="公众")  # an objection filed without signing in
FILED = "notice.objection_filed"
SOURCE_WINDOW = timedelta(hours=1)


def declared(session: Session, case: Case, item_code: str | None) -> dict[str, Any] | None:
    """The ``public_notice`` the item declares in the case's item version, or None."""
    items = cases.spec_of(session, case)["items"]
    item = next((i for i in items if i["code"] == item_code), items[0])
    found = item.get("public_notice")
    return dict(found) if found else None


def _shown(case: Case) -> dict[str, Any]:
    """What the public page shows of the case: masked when the notice opens."""
    form = case.form_data or {}
    members = form.get("family_members")
    return {
        "name": mask_name(str(form.get("applicant_name") or case.applicant.display_name)),
        "district": str(form.get("fuzhou_district") or ""),
        "household": 1 + (len(members) if isinstance(members, list) else 0),
    }


def _reviewing_department(case: Case, task: Task) -> str:
    """Who gave the initial opinion the notice shows: the last review of the decision's item
    (of any item when the decision is the case's), the township office for 低保."""
    reviews = [
        t for t in case.tasks if t.stage == Stage.review and task.item_code in (None, t.item_code)
    ]
    return reviews[-1].department_code if reviews else task.department_code


def open_notice(session: Session, task: Task, now: datetime) -> PublicNotice | None:
    """When a decision task opens after an approved review for an item declaring a notice:
    the notice opens, its end is scheduled. Any other task: nothing (None)."""
    case = task.case
    if task.stage != Stage.decide or case.review_outcome != RoundOutcome.approved:
        return None
    declaration = declared(session, case, task.item_code)
    if declaration is None:
        return None
    days = int(declaration["days"])
    notice = PublicNotice(
        case_id=case.id,
        task_id=task.id,
        item_code=task.item_code or case.catalog_code,
        department_code=_reviewing_department(case, task),
        shown=_shown(case),
        days=days,
        opened_at=now,
        ends_at=cases.calendar(session).add_calendar_days_checked(now, days).due_at,
        state=NoticeState.running,
    )
    session.add(notice)
    session.flush()
    key = f"{END}:{notice.id}"
    payload = {"id": notice.id}
    jobs.enqueue(
        session, kind=END, due_at=notice.ends_at, now=now, payload=payload, key=key, new_key=True
    )
    cases.record_case(
        session,
        case=case,
        action="notice.opened",
        actor=SYSTEM,
        now=now,
        opinion=f"公示 {days} 天，至 {timefmt.deadline(notice.ends_at)}",
        data={"notice_id": notice.id, "ends_at": notice.ends_at.isoformat()},
    )
    return notice


def end_notice(session: Session, *, notice: PublicNotice, now: datetime) -> None:
    """The notice's period is over (idempotent): the decision may follow once every
    objection is examined; the decision task's holder is told."""
    if notice.state != NoticeState.running:
        return
    notice.state, notice.ended_at = NoticeState.ended, now
    task = session.get_one(Task, notice.task_id)
    waiting = sum(o.state == ObjectionState.filed for o in objections(session, notice=notice))
    cases.record_case(
        session,
        case=task.case,
        action="notice.ended",
        actor=SYSTEM,
        now=now,
        opinion=f"公示期满，异议 {len(objections(session, notice=notice))} 件，待核查 {waiting} 件",
        data={
            "notice_id": notice.id,
            "recipients": [task.assignee_id] if task.assignee_id else [],
        },
    )


def _text(value: str, *, field: str, least: int, most: int, what: tuple[str, str]) -> str:
    text = value.strip()
    if not least <= len(text) <= most:
        raise InvalidInput(
            f"{what[0]}须为 {least} 至 {most} 个字。",
            f"{what[1]} must have {least} to {most} characters.",
            field=field,
        )
    return text


@dataclass(frozen=True)
class Caller:
    """Who files an objection: a signed-in ``user``, or else the network address
    (``source``) counted against ``per_hour`` objections an hour."""

    user: User | None = None
    source: str | None = None
    per_hour: int = 5


def _refuse_busy_source(session: Session, caller: Caller, now: datetime) -> None:
    """TooManyAttempts (429) once the caller's address, not signed in, filed
    ``caller.per_hour`` objections within the hour (anti-automation, as 办件查询)."""
    if caller.user is not None or caller.source is None:
        return
    recent = list(
        session.scalars(
            select(AuditEntry.at)
            .where(
                AuditEntry.action == FILED,
                AuditEntry.source_address == caller.source,
                AuditEntry.at > now - SOURCE_WINDOW,
            )
            .order_by(AuditEntry.at)
        )
    )
    if len(recent) >= caller.per_hour:
        wait = recent[0] + SOURCE_WINDOW - now
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        raise TooManyAttempts(
            f"本网络提出异议过于频繁，请 {minutes} 分钟后再试，或登录后提出。",
            f"Too many objections from this network; try again in {minutes} minutes, or "
            "sign in to object.",
            retry_after=math.ceil(wait.total_seconds()),
        )


def file_objection(
    session: Session,
    *,
    notice_id: int,
    reason: str,
    contact: str,
    now: datetime,
    caller: Caller,
) -> Objection:
    """Anyone (signed in or not) objects to a running notice with a reason (5 to 500
    characters) and, if they wish, a way to reach them. Raises NotFound for an unknown
    notice, Conflict once it ended, InvalidInput saying what to fix, TooManyAttempts for
    an address not signed in past its objections of the hour."""
    _refuse_busy_source(session, caller, now)
    notice = session.get(PublicNotice, notice_id)
    if notice is None:
        raise NotFound("没有找到该公示。", "No such public notice.")
    case = lock_case(session, case_id=notice.case_id)
    session.refresh(notice)
    if notice.state != NoticeState.running or now >= notice.ends_at:
        raise Conflict(
            "该公示已经结束，不能再提出异议。",
            "This notice has ended; objections are closed.",
            code="notice_ended",
        )
    objection = Objection(
        notice_id=notice.id,
        filed_at=now,
        reason=_text(reason, field="reason", least=REASON_MIN, most=TEXT_MAX, what=REASON),
        contact=_text(contact, field="contact", least=0, most=CONTACT_MAX, what=CONTACT) or None,
        state=ObjectionState.filed,
    )
    session.add(objection)
    session.flush()
    cases.record_case(
        session,
        case=case,
        action=FILED,
        actor=actor_of(caller.user) if caller.user is not None else PUBLIC,
        now=now,
        # the reviewing department hears of it (``outbox.DEPARTMENT_TOPICS``)
        data={
            "notice_id": notice.id,
            "objection_id": objection.id,
            "department": notice.department_code,
        },
        object_type="objection",
        object_id=objection.id,
        source_address=caller.source if caller.user is None else None,
    )
    return objection


REASON = ("异议理由", "The reason")
CONTACT = ("联系方式", "The contact")
FINDING = ("核查情况", "The finding")


def may_examine(user: User, notice: PublicNotice) -> bool:
    """A reviewer of the department that gave the initial opinion."""
    return user.has_role(Role.reviewer) and user.department_code == notice.department_code


def examine(
    session: Session, *, objection_id: int, user: User, founded: bool, finding: str, now: datetime
) -> Objection:
    """The reviewing department's examination of an objection (核查): founded or not, and
    what it found (2 to 500 characters); a founded one sends the case back to a new
    investigation and notice. Raises NotFound for one who may not see it, NotAllowed for
    staff of the case who are not its reviewers, Conflict once examined."""
    objection = session.get(Objection, objection_id)
    if objection is None:
        raise NotFound("没有找到该异议。", "No such objection.")
    notice = session.get_one(PublicNotice, objection.notice_id)
    case = lock_case(session, case_id=notice.case_id)
    session.refresh(objection)
    if not may_examine(user, notice):
        if user.is_staff and access.can_view_case(user, case):
            raise NotAllowed(
                "只有作出初审意见的部门的审查人员可以核查异议。",
                "Only reviewers of the department that gave the initial opinion examine it.",
                code="not_reviewer",
            )
        raise NotFound("没有找到该异议。", "No such objection.")
    if objection.state != ObjectionState.filed:
        raise Conflict("该异议已经核查。", "This objection was examined already.", code="examined")
    objection.finding = _text(finding, field="finding", least=2, most=TEXT_MAX, what=FINDING)
    objection.state = ObjectionState.founded if founded else ObjectionState.unfounded
    actor = actor_of(user)
    objection.examined_by_id, objection.examined_by, objection.examined_at = (
        user.id,
        actor.name,
        now,
    )
    cases.record_case(
        session,
        case=case,
        action="notice.objection_examined",
        actor=actor,
        now=now,
        opinion=objection.finding,
        data={"objection_id": objection.id, "founded": founded},
        object_type="objection",
        object_id=objection.id,
    )
    if founded:
        _investigate_again(session, case, notice, actor, now)
    return objection


def _investigate_again(
    session: Session, case: Case, notice: PublicNotice, actor: Actor, now: datetime
) -> None:
    """A founded objection: the notice stops being shown and, while its decision is still
    to be made, the case goes back to a new review (调查核实) by the department that gave
    the initial opinion, within the notice's ``recheck_limit`` working days where the item
    declares one (低保: 15, 《最低生活保障审核确认办法》民发〔2021〕57号: 对公示有异议的，重新
    组织调查核实，在15个工作日内提出初审意见); its approval opens a new decision and a new
    notice (``cases.review_again``)."""
    if notice.state == NoticeState.running:
        notice.state, notice.ended_at = NoticeState.ended, now
    _close_the_others(session, case, notice, actor, now)
    task = session.get_one(Task, notice.task_id)
    if task.state == TaskState.open:
        opinion = "公示异议经核查成立，重新组织调查核实，提出初审意见后重新公示。"
        declaration = declared(session, case, task.item_code) or {}
        cases.review_again(
            session,
            case=case,
            actor=actor,
            opinion=opinion,
            now=now,
            working_days=declaration.get("recheck_limit"),
        )


CLOSED = "公示已终止：另一异议经核查成立，已重新组织调查核实。"


def _close_the_others(
    session: Session, case: Case, notice: PublicNotice, actor: Actor, now: datetime
) -> None:
    """The objections to ``notice`` still waiting when a founded one stopped it are closed
    with that outcome (``CLOSED``): the notice they object to is no longer shown, and the new
    investigation and notice answer them (anyone may object to the new notice)."""
    for objection in objections(session, notice=notice):
        if objection.state != ObjectionState.filed:
            continue
        objection.state, objection.finding, objection.examined_at = (
            ObjectionState.closed,
            CLOSED,
            now,
        )
        cases.record_case(
            session,
            case=case,
            action="notice.objection_closed",
            actor=actor,
            now=now,
            opinion=CLOSED,
            data={"objection_id": objection.id},
            object_type="objection",
            object_id=objection.id,
        )


def get_objection(session: Session, *, objection_id: int) -> Objection:
    """An objection by its number, for whoever filed it to follow; NotFound otherwise."""
    found = session.get(Objection, objection_id)
    if found is None:
        raise NotFound(
            f"没有找到编号为 {objection_id} 的异议，请核对编号。",
            f"No objection numbered {objection_id}; check the number.",
            field="number",
        )
    return found


def objections(session: Session, *, notice: PublicNotice) -> list[Objection]:
    """The objections to a notice, oldest first."""
    query = select(Objection).where(Objection.notice_id == notice.id).order_by(Objection.id)
    return list(session.scalars(query))


def of_case(session: Session, *, case_id: int) -> list[PublicNotice]:
    """The notices of a case, oldest first."""
    query = select(PublicNotice).where(PublicNotice.case_id == case_id)
    return list(session.scalars(query.order_by(PublicNotice.id)))


def running(session: Session, *, now: datetime) -> list[PublicNotice]:
    """The notices the public page shows: running, ending soonest first."""
    query = select(PublicNotice).where(
        PublicNotice.state == NoticeState.running, PublicNotice.ends_at > now
    )
    return list(session.scalars(query.order_by(PublicNotice.ends_at, PublicNotice.id)))


def decide_hold(session: Session, task: Task, outcome: TaskOutcome) -> tuple[str, str] | None:
    """(zh, en) why the decision may not give ``outcome`` (approval or refusal) yet: its
    notice still runs, or an objection to it is not examined. (A founded objection sends
    the case back to review and cancels this task: ``examine``.)"""
    notices = [n for n in of_case(session, case_id=task.case_id) if n.task_id == task.id]
    if not notices or task.state != TaskState.open:
        return None
    notice = notices[-1]
    if notice.state == NoticeState.running:
        until = timefmt.deadline(notice.ends_at)
        return (
            f"公示期至 {until}，公示期满前不能作出决定。",
            f"The public notice runs until {until}; the decision waits for its end.",
        )
    states = [o.state for o in objections(session, notice=notice)]
    if ObjectionState.filed in states:
        count = states.count(ObjectionState.filed)
        return (
            f"公示期间收到的异议还有 {count} 件未核查；请审查人员核查后再作决定。",
            f"{count} objection(s) to the notice are not examined yet; the reviewers "
            "examine them first.",
        )
    return None
