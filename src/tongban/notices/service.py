"""The notices domain promises: where an item declares a public notice before its decision
(``public_notice``: 低保, 《最低生活保障审核确认办法》民发〔2021〕57号: the initial opinion is
shown to the public for 7 days before the county bureau decides), the notice opens when
the decision task opens after an approved review, runs for the declared calendar days
(the opening day not counted, a last day on a rest day moved to the next working day:
《民法典》第二百零一条、第二百零三条) and ends by itself (job ``notice.end``). The public page
shows only what was masked when it opened (name 张*, district, household size).

Anyone may object (异议) while it runs (``objections``: filing, examination, a founded
objection's new investigation). The decision waits while the notice runs and while an
objection is unexamined (``decide_hold``, ``hooks.DECIDE_HOLDS``). Each step is audited on
the case (``notice.*``). Functions flush but never commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.audit.service import SYSTEM
from tongban.cases import service as cases
from tongban.cases.enums import RoundOutcome, Stage, TaskOutcome, TaskState
from tongban.cases.models import Case, Task
from tongban.jobs import service as jobs
from tongban.notices.enums import NoticeState, ObjectionState
from tongban.notices.models import Objection, PublicNotice
from tongban.pii.service import mask_name
from tongban.textutil import counted

END = "notice.end"  # the job ending a notice at its last moment (``tasks``)


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
        data={
            "notice_id": notice.id,
            "ends_at": notice.ends_at.isoformat(),
            "opinion_en": f"Public notice for {counted(days, 'day')}, "
            f"until {timefmt.deadline(notice.ends_at)}",
        },
    )
    return notice


def end_notice(session: Session, *, notice: PublicNotice, now: datetime) -> None:
    """The notice's period is over (idempotent): the decision may follow once every
    objection is examined; the decision task's holder is told."""
    if notice.state != NoticeState.running:
        return
    notice.state, notice.ended_at = NoticeState.ended, now
    task = session.get_one(Task, notice.task_id)
    filed = len(objections(session, notice=notice))
    waiting = sum(o.state == ObjectionState.filed for o in objections(session, notice=notice))
    cases.record_case(
        session,
        case=task.case,
        action="notice.ended",
        actor=SYSTEM,
        now=now,
        opinion=f"公示期满，异议 {filed} 件，待核查 {waiting} 件",
        data={
            "opinion_en": f"Public notice period over: {counted(filed, 'objection')}, "
            f"{waiting} still to examine",
            "notice_id": notice.id,
            "recipients": [task.assignee_id] if task.assignee_id else [],
        },
    )


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
