"""The inspection domain promises: an on-site inspection (现场踏勘) of a review task is
visited by two inspectors drawn at random (``drawing``); only they propose the visit,
take photos and record the findings; only the case's applicant (or the agent acting for
them) sees and answers the proposed time; the review may not be decided while the
inspection is open, nor approved once it failed or, where the item requires one, before
one passed (``hooks``).

The item declares the inspection in its catalog entry (``inspection``: ``when`` required
or on the reviewer's order, a ``checklist``, whether its time ``pauses_clock``, its own
time ``limit`` watched like a stage's: ``tasks``). Where it
pauses the clock (行政许可法 第四十五条: time of 检验、检测、鉴定 the item's rules require
does not count), the case's clocks stop from the order to the final result and every due
time moves by the working time it took (``cases.stages.limits``).

One drawn inspector records a visit's findings and result; the record counts once the
other drawn inspector co-signs it (会签; the other may return it with a reason, and the
visit is recorded again): both sign the record (《食品生产许可管理办法》第二十一条). A visit
ends passed (合格), failed (不合格) or rectify (限期整改): the applicant rectifies and the
same inspectors visit once more, which passes or fails. Every step is audited
(``inspection.*``): the applicant hears of a proposed time and of each result, the
inspectors of their drawing and of the applicant's answer (``tongban.outbox``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.cases import service as cases
from tongban.cases.core import access, hooks
from tongban.cases.core.transition import locked_task
from tongban.cases.enums import PauseReason, Stage, TaskState
from tongban.cases.models import Case, Task
from tongban.cases.stages.limits import pause_for_procedure
from tongban.config import get_settings
from tongban.errors import Conflict, InvalidInput, NotFound
from tongban.files.service import check_upload
from tongban.files.store import FileStore
from tongban.inspection import drawing, guards, tasks
from tongban.inspection.enums import InspectionState, VisitState
from tongban.inspection.guards import may_answer as may_answer  # the service's too
from tongban.inspection.guards import office_hours as office_hours
from tongban.inspection.models import Inspection, InspectionFinding, InspectionPhoto
from tongban.inspection.visits import MAX_ROUNDS as MAX_ROUNDS  # the service's too
from tongban.inspection.visits import Verdict as Verdict
from tongban.inspection.visits import conclude as conclude
from tongban.inspection.visits import cosign as cosign
from tongban.inspection.visits import refuse_before_agreed, refuse_while_unsigned
from tongban.inspection.visits import return_record as return_record
from tongban.inspection.visits import round_findings as round_findings

PAUSED = "现场踏勘期间不计入办理时限"
hooks.OPINIONS_EN[PAUSED] = "On-site inspection: its time does not count towards the time limit."
PHOTO_TYPES = ["jpg", "png"]
PHOTO_MAX_MB = 10  # a phone photo; the site-wide upload limit applies if lower


def _item(session: Session, task: Task) -> dict[str, Any]:
    """The task's item in the case's item version (a one-item case: its item)."""
    spec = cases.spec_of(session, task.case)
    found = next((i for i in spec["items"] if i["code"] == task.item_code), None)
    return dict(found or spec["items"][0])


def declared(session: Session, task: Task) -> dict[str, Any] | None:
    """The ``inspection`` the task's item declares in the case's item version, or None."""
    found = _item(session, task).get("inspection")
    return dict(found) if found else None


def of_task(session: Session, *, task_id: int) -> list[Inspection]:
    """The inspections of a review task, oldest first."""
    query = select(Inspection).where(Inspection.task_id == task_id).order_by(Inspection.id)
    return list(session.scalars(query))


def of_case(session: Session, *, case_id: int) -> list[Inspection]:
    """The inspections of a case, oldest first."""
    query = select(Inspection).where(Inspection.case_id == case_id).order_by(Inspection.id)
    return list(session.scalars(query))


def assigned_to(session: Session, *, user: User) -> list[Inspection]:
    """The inspections ``user`` was drawn for, open ones first, then the newest."""
    query = select(Inspection).where(
        or_(Inspection.first_inspector_id == user.id, Inspection.second_inspector_id == user.id)
    )
    found = list(session.scalars(query.order_by(Inspection.id.desc())))
    return sorted(found, key=lambda i: i.state != InspectionState.open)


def order_inspection(
    session: Session,
    *,
    task_id: int,
    user: User,
    reason: str,
    now: datetime,
    rng: random.Random | None = None,
) -> Inspection:
    """The reviewer of an open review task orders the inspection its item declares; two
    inspectors of the task's department are drawn at random (``rng`` for tests). Where the
    item says so the case's clock pauses (art. 45); where it sets a limit, the inspection is
    due then and watched (``tasks``). Raises Conflict when the item declares
    no inspection, one was already ordered, or fewer than two inspectors are present."""
    task = locked_task(session, task_id=task_id, user=user, now=now)
    if task.stage != Stage.review or task.state != TaskState.open:
        raise Conflict(
            "只有办理中的审查任务可以安排现场踏勘。",
            "Only an open review task orders an inspection.",
        )
    declaration = declared(session, task)
    if declaration is None:
        raise Conflict(
            "本事项未规定现场踏勘。",
            "This item declares no on-site inspection.",
            code="no_inspection",
        )
    if of_task(session, task_id=task.id):
        raise Conflict(
            "本任务已经安排了现场踏勘。",
            "An inspection was already ordered for this task.",
            code="already_ordered",
        )
    first, second = drawing.draw(session, department=task.department_code, rng=rng)
    actor = actor_of(user)
    inspection = Inspection(
        case_id=task.case_id,
        task_id=task.id,
        item_code=_item(session, task)["code"],
        department_code=task.department_code,
        first_inspector_id=first.id,
        second_inspector_id=second.id,
        state=InspectionState.open,
        round=1,
        checklist=list(declaration["checklist"]),
        pauses_clock=bool(declaration["pauses_clock"]),
        ordered_by=actor.name,
        ordered_at=now,
        reason=guards.text(reason, field="reason", what=("踏勘说明", "The note")) or None,
    )
    session.add(inspection)
    if inspection.pauses_clock:
        pause = pause_for_procedure(
            session,
            case=task.case,
            reason=PauseReason.inspection,
            note=PAUSED,
            actor=actor,
            now=now,
        )
        session.flush()
        inspection.pause_id = pause.id if pause is not None else None
    session.flush()
    tasks.start(session, inspection=inspection, limit=declaration.get("limit"))
    cases.record_case(
        session,
        case=task.case,
        action="inspection.order",
        actor=actor,
        now=now,
        opinion=inspection.reason,
        data={
            "inspection_id": inspection.id,
            "inspectors": [first.display_name, second.display_name],
            "recipients": [first.id, second.id],
        },
    )
    return inspection


def propose_visit(
    session: Session,
    *,
    inspection_id: int,
    user: User,
    visit_at: datetime,
    note: str,
    now: datetime,
) -> Inspection:
    """A drawn inspector proposes the time of the visit (预约); the applicant is told and
    accepts or asks for another. Raises InvalidInput for a time not in the future or not
    in office hours of a working day (``guards.refuse_outside_office_hours``), Conflict
    while the last visit's record awaits its co-signature."""
    inspection, case = guards.drawn(session, inspection_id, user)
    refuse_while_unsigned(inspection)
    if visit_at <= now:
        raise InvalidInput(
            "踏勘时间必须晚于现在，请重新选择。",
            "The visit must be in the future; choose another time.",
            field="visit_at",
        )
    guards.refuse_outside_office_hours(session, visit_at)
    inspection.visit_at = visit_at
    inspection.visit_state = VisitState.proposed
    inspection.visit_note = guards.text(note, field="note", what=("预约说明", "The note")) or None
    inspection.reply = None
    when = timefmt.moment(visit_at)
    cases.record_case(
        session,
        case=case,
        action="inspection.propose",
        actor=actor_of(user),
        now=now,
        opinion=f"{when} {inspection.visit_note or ''}".strip(),
        data={"inspection_id": inspection.id, "visit_at": visit_at.isoformat()},
    )
    return inspection


def answer_visit(
    session: Session, *, inspection_id: int, user: User, accept: bool, reply: str, now: datetime
) -> Inspection:
    """The applicant accepts the proposed time, or asks for another (``reply`` says when
    suits them). Raises NotFound for anyone but the case's applicant, Conflict when no
    time waits for an answer, InvalidInput for a request without a time."""
    inspection, case = guards.locked(session, inspection_id)
    if not may_answer(user, case):
        raise NotFound("没有找到该现场踏勘。", "No such inspection.")
    if inspection.state != InspectionState.open or inspection.visit_state != VisitState.proposed:
        raise Conflict(
            "没有等待您确认的踏勘预约。", "No visit waits for your answer.", code="no_proposal"
        )
    text = guards.text(reply, field="reply", what=("您的答复", "The answer"))
    if not accept and not text:
        raise InvalidInput(
            "请写明您方便接受踏勘的时间。",
            "Say when the visit would suit you.",
            field="reply",
        )
    inspection.visit_state = VisitState.agreed if accept else VisitState.other_asked
    inspection.reply = text or None
    cases.record_case(
        session,
        case=case,
        action="inspection.accept_visit" if accept else "inspection.ask_other_time",
        actor=actor_of(user),
        now=now,
        opinion=inspection.reply,
        data={"inspection_id": inspection.id, "recipients": list(inspection.inspector_ids)},
    )
    return inspection


@dataclass(frozen=True)
class Photo:
    """A photo as uploaded: the name the phone gave it, its bytes, the checklist item."""

    filename: str
    data: bytes
    check_code: str = ""


def add_photo(
    session: Session,
    *,
    inspection_id: int,
    user: User,
    photo: Photo,
    now: datetime,
    store: FileStore,
) -> InspectionPhoto:
    """A drawn inspector adds a photo of the visit (JPG or PNG, at most ``PHOTO_MAX_MB``
    megabytes and the site's upload limit) once the applicant agreed the visit (Conflict
    before: ``visits.refuse_before_agreed``). Raises InvalidInput saying what to fix."""
    inspection, case = guards.drawn(session, inspection_id, user)
    refuse_before_agreed(inspection)
    codes = {check["code"] for check in inspection.checklist}
    if photo.check_code and photo.check_code not in codes:
        raise InvalidInput("没有这个检查项。", "No such checklist item.", field="check_code")
    limit_mb = min(PHOTO_MAX_MB, get_settings().max_upload_mb)
    checked = check_upload(
        filename=photo.filename,
        data=photo.data,
        allowed=PHOTO_TYPES,
        max_bytes=limit_mb * 1024 * 1024,
    )
    row = InspectionPhoto(
        inspection_id=inspection.id,
        round=inspection.round,
        check_code=photo.check_code or None,
        key=store.put(photo.data),
        name=checked.filename,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=user.id,
        uploaded_at=now,
    )
    session.add(row)
    session.flush()
    cases.record_case(
        session,
        case=case,
        action="inspection.photo",
        actor=actor_of(user),
        now=now,
        data={"inspection_id": inspection.id, "photo_id": row.id, "round": inspection.round},
    )
    return row


def findings(
    session: Session, *, inspection: Inspection
) -> dict[int, dict[str, InspectionFinding]]:
    """Visit (round) → checklist code → what was found."""
    query = select(InspectionFinding).where(InspectionFinding.inspection_id == inspection.id)
    found: dict[int, dict[str, InspectionFinding]] = {}
    for row in session.scalars(query.order_by(InspectionFinding.id)):
        found.setdefault(row.round, {})[row.check_code] = row
    return found


def photos(session: Session, *, inspection: Inspection) -> list[InspectionPhoto]:
    """The photos of an inspection still held, oldest first (the retention sweep purges
    a closed case's photos after ``TONGBAN_RETENTION_YEARS``: ``privacy.retention``)."""
    query = select(InspectionPhoto).where(
        InspectionPhoto.inspection_id == inspection.id, InspectionPhoto.key != ""
    )
    return list(session.scalars(query.order_by(InspectionPhoto.id)))


def may_read(user: User, inspection: Inspection, case: Case) -> bool:
    """The drawn inspectors, and whoever may see the case (its applicant, its departments'
    staff, supervisors)."""
    return user.id in inspection.inspector_ids or access.can_view_case(user, case)


def get_inspection(session: Session, *, inspection_id: int, user: User) -> Inspection:
    """An inspection ``user`` may read (NotFound otherwise: its existence is not revealed)."""
    inspection = session.get(Inspection, inspection_id)
    if inspection is None or not may_read(
        user, inspection, session.get_one(Case, inspection.case_id)
    ):
        raise NotFound("没有找到该现场踏勘。", "No such inspection.")
    return inspection


def get_photo(session: Session, *, photo_id: int, user: User) -> InspectionPhoto:
    """A photo of an inspection ``user`` may read (NotFound otherwise, and for a photo
    purged after the retention period)."""
    photo = session.get(InspectionPhoto, photo_id)
    if photo is None:
        raise NotFound("没有找到该照片。", "No such photo.")
    if not photo.key:
        raise NotFound(
            "该照片已按保存期限清除。", "This photo was purged after the retention period."
        )
    get_inspection(session, inspection_id=photo.inspection_id, user=user)
    return photo


def inspectors(session: Session, inspections: list[Inspection]) -> dict[int, str]:
    """Display names of the inspectors of ``inspections``, by user id."""
    ids = {i for inspection in inspections for i in inspection.inspector_ids}
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.display_name).where(User.id.in_(ids)))
    return {row.id: row.display_name for row in rows}
