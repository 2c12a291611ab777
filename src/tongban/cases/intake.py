"""From draft to acceptance: create, fill, upload, submit, correct, accept or reject."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.audit import service as audit
from tongban.audit.service import SYSTEM, Actor
from tongban.cases import access, clocks, definition, formcheck
from tongban.cases.enums import CaseState, ClockKind, PauseReason, Stage, TaskOutcome, TaskState
from tongban.cases.machine import Event
from tongban.cases.models import Case, CasePause, CorrectionRequest, Material, Task
from tongban.cases.rounds import join_review_round
from tongban.cases.transition import cancel_open_tasks, change_state, finish_task, lock_case
from tongban.catalog import service as catalog
from tongban.errors import Conflict, InvalidInput, NotAllowed
from tongban.files import service as files
from tongban.files.store import FileStore
from tongban.workdays.calendar import WorkCalendar


def case_number(case: Case, cal: WorkCalendar, division: str) -> str:
    local = case.created_at.astimezone(cal.tz)
    return f"{division}{local:%Y%m%d}{case.id:07d}"


def _check_creator(applicant: User, created_by: User | None) -> None:
    """Staff never apply for themselves; only window clerks take in for a walk-in (代办)."""
    if applicant.is_staff:
        raise NotAllowed(
            "工作人员请使用窗口代办功能。", "Staff apply on behalf through the window."
        )
    if created_by not in (None, applicant) and not created_by.has_role(Role.clerk):
        raise NotAllowed("只有窗口受理人员可以代办申请。", "Only window clerks take in on behalf.")


def create_case(
    session: Session,
    *,
    applicant: User,
    code: str,
    form_data: dict[str, Any],
    now: datetime,
    created_by: User | None = None,
) -> Case:
    """Start a draft case of an item or bundle for an applicant, or by a clerk on their behalf."""
    _check_creator(applicant, created_by)
    creator = created_by or applicant
    entry = catalog.get_entry(session, code=code)
    version = entry.current_version
    assert version is not None
    spec = version.definition
    if applicant.kind not in definition.subjects(spec):
        who = "企业（法人）" if applicant.kind == "person" else "自然人"
        raise InvalidInput(
            f"“{spec['name']}”只能由{who}申请，请使用相应账号。",
            f"'{spec.get('name_en') or spec['name']}' is for another kind of applicant.",
            field="code",
        )
    case = Case(
        number=f"draft-{now.timestamp()}-{applicant.id}",
        applicant_id=applicant.id,
        created_by_id=creator.id,
        catalog_version_id=version.id,
        catalog_code=entry.code,
        title=spec["name"],
        lead_department=spec["department"],
        state=CaseState.draft,
        form_data=form_data,
        delivery=definition.delivery_options(spec)[0],
        joint=len(definition.departments(spec)) > 1,
        join_rule=definition.join_rule(spec),
        created_at=now,
    )
    session.add(case)
    session.flush()
    division = catalog.get_department(session, code=case.lead_department).division_code
    case.number = case_number(case, clocks.calendar(session), division)
    audit.record(
        session,
        at=now,
        action="case.create",
        actor=actor_of(creator),
        object_type="case",
        object_id=case.number,
        case_id=case.id,
        subject_id=applicant.id,
        to_state=case.state,
        data={"on_behalf_of": applicant.id} if creator is not applicant else None,
    )
    return case


def update_form(
    session: Session, *, case: Case, user: User, form_data: dict[str, Any], delivery: str | None
) -> Case:
    """Save form answers of a draft or of a case in correction."""
    access.check_owner(user, case)
    if case.state not in (CaseState.draft, CaseState.correction_requested):
        raise Conflict(
            "只有草稿或补正中的办件可以修改。", "Only drafts or cases in correction can change."
        )
    case.form_data = form_data
    if delivery is not None:
        if delivery not in definition.delivery_options(definition.spec_of(session, case)):
            raise InvalidInput(
                "不支持该送达方式。", "Unsupported delivery method.", field="delivery"
            )
        case.delivery = delivery
    return case


def add_material(
    session: Session,
    *,
    case: Case,
    user: User,
    material_code: str,
    filename: str,
    data: bytes,
    store: FileStore,
    max_bytes: int,
    now: datetime,
) -> Material:
    """Attach an uploaded file to a material of the case, replacing an earlier one."""
    access.check_owner(user, case)
    if case.state not in (CaseState.draft, CaseState.correction_requested):
        raise Conflict(
            "办件已提交，不能再上传材料。", "The case was submitted; uploads are closed."
        )
    wanted = definition.material(definition.spec_of(session, case), material_code)
    if wanted is None:
        raise InvalidInput(
            f"本事项没有材料“{material_code}”。",
            f"No material '{material_code}'.",
            field="material_code",
        )
    checked = files.check_upload(
        filename=filename, data=data, allowed=wanted.get("formats"), max_bytes=max_bytes
    )
    for old in current_materials(session, case=case):
        if old.material_code == material_code:
            old.replaced_at = now
    material = Material(
        case_id=case.id,
        material_code=material_code,
        filename=checked.filename,
        content_type=checked.content_type,
        size=checked.size,
        sha256=store.put(data),
        uploaded_by_id=user.id,
        uploaded_at=now,
    )
    material.storage_key = material.sha256
    session.add(material)
    session.flush()
    return material


def current_materials(session: Session, *, case: Case) -> list[Material]:
    query = select(Material).where(Material.case_id == case.id, Material.replaced_at.is_(None))
    return list(session.scalars(query.order_by(Material.id)))


def _check_complete(session: Session, case: Case) -> None:
    spec = definition.spec_of(session, case)
    found = formcheck.problems(spec["form"], case.form_data)
    present = {material.material_code for material in current_materials(session, case=case)}
    for wanted in spec["materials"]:
        if (
            wanted["required"]
            and not wanted.get("deficiency_allowed")
            and wanted["code"] not in present
        ):
            found.append(
                {
                    "field": f"materials.{wanted['code']}",
                    "message_zh": f"请上传“{wanted['name']}”",
                    "message_en": f"Upload '{wanted.get('name_en') or wanted['code']}'",
                }
            )
    if found:
        raise InvalidInput(
            "申请还有需要完善的地方，请按提示修改后再提交。",
            "The application is incomplete; fix the fields listed.",
            details=found,
        )


def _start_acceptance(session: Session, case: Case, now: datetime) -> None:
    spec = definition.spec_of(session, case)
    accept_task = next((t for t in case.tasks if t.stage == Stage.accept), None)
    if accept_task is None:
        accept_task = Task(
            case=case, stage=Stage.accept, department_code=case.lead_department, started_at=now
        )
        session.add(accept_task)
        session.flush()
        unit, limit = definition.stage_limit(spec, Stage.accept)
        clocks.start_clock(
            session,
            case=case,
            kind=ClockKind.stage,
            unit=unit,
            limit=limit,
            now=now,
            task=accept_task,
        )
    clocks.start_clock(
        session,
        case=case,
        kind=ClockKind.acceptance,
        unit="working_days",
        limit=definition.ACCEPTANCE_LEGAL_DAYS,
        now=now,
    )


def submit_case(session: Session, *, case_id: int, user: User, now: datetime) -> Case:
    """Submit a draft: all fields valid, required materials present; the clock starts."""
    case = lock_case(session, case_id=case_id)
    access.check_owner(user, case)
    if case.state == CaseState.draft:
        _check_complete(session, case)
    change_state(session, now=now, case=case, event=Event.submit, actor=actor_of(user))
    case.received_at = now
    _start_acceptance(session, case, now)
    return case


def _open_accept_task(case: Case, user: User) -> Task:
    for task in case.tasks:
        if task.stage == Stage.accept and task.state == TaskState.open:
            access.check_act(user, task)
            return task
    raise Conflict("该办件没有待受理的任务。", "This case has no acceptance task open.")


def request_correction(
    session: Session,
    *,
    case_id: int,
    user: User,
    problems: list[dict[str, str]],
    opinion: str | None,
    now: datetime,
) -> CorrectionRequest:
    """Send the one correction notice listing every problem; the clock pauses."""
    case = lock_case(session, case_id=case_id)
    _open_accept_task(case, user)
    if not problems or any(not p.get("problem", "").strip() for p in problems):
        raise InvalidInput(
            "请逐条列出需要补正的内容。", "List every problem to fix.", field="problems"
        )
    earlier = session.scalar(
        select(CorrectionRequest.id).where(CorrectionRequest.case_id == case.id)
    )
    if earlier is not None:
        raise Conflict(
            "已经发出过一次性补正告知，不能再次要求补正；请受理或不予受理。",
            "The one-time correction notice was already sent; accept or reject.",
            code="correction_already_sent",
        )
    actor = actor_of(user)
    change_state(
        session,
        now=now,
        case=case,
        event=Event.request_correction,
        actor=actor,
        opinion=opinion,
        data={"problems": problems},
    )
    clocks.stop_clocks(case, now=now, kinds=[ClockKind.acceptance])
    session.add(
        CasePause(
            case_id=case.id,
            reason=PauseReason.correction,
            note=opinion,
            started_at=now,
            started_by=actor.name,
        )
    )
    request = CorrectionRequest(
        case_id=case.id, problems=problems, opinion=opinion, issued_by=actor.name, issued_at=now
    )
    session.add(request)
    session.flush()
    return request


def resubmit_case(session: Session, *, case_id: int, user: User, now: datetime) -> Case:
    """Send the corrected case back; the clock resumes where it stopped."""
    case = lock_case(session, case_id=case_id)
    access.check_owner(user, case)
    if case.state == CaseState.correction_requested:
        _check_complete(session, case)
    change_state(session, now=now, case=case, event=Event.resubmit, actor=actor_of(user))
    for pause in case.pauses:
        if pause.ended_at is None:
            pause.ended_at = now
    for request in session.scalars(
        select(CorrectionRequest).where(CorrectionRequest.case_id == case.id)
    ):
        request.resolved_at = request.resolved_at or now
    case.received_at = now
    clocks.recompute(session, case=case)
    _start_acceptance(session, case, now)
    return case


def _fan_out(session: Session, case: Case, now: datetime) -> None:
    """Open one review task per (item, department): they run in parallel."""
    spec = definition.spec_of(session, case)
    for item, dept in definition.review_assignments(spec):
        task = Task(
            case=case,
            stage=Stage.review,
            department_code=dept,
            item_code=item["code"],
            started_at=now,
        )
        session.add(task)
        session.flush()
        unit, limit = definition.item_stage_limit(item, Stage.review)
        clocks.start_clock(
            session, case=case, kind=ClockKind.stage, unit=unit, limit=limit, now=now, task=task
        )
    limits = spec["time_limit"]
    unit = limits["unit"]
    clocks.start_clock(
        session, case=case, kind=ClockKind.promised, unit=unit, limit=limits["promised"], now=now
    )
    clocks.start_clock(
        session, case=case, kind=ClockKind.legal, unit=unit, limit=limits["legal"], now=now
    )
    join_review_round(session, case, now)  # without a review stage: straight to decision


def _accept(
    session: Session,
    case: Case,
    event: Event,
    actor: Actor,
    opinion: str | None,
    since: datetime,
    now: datetime,
) -> None:
    change_state(session, now=now, case=case, event=event, actor=actor, opinion=opinion)
    clocks.stop_clocks(case, now=now, kinds=[ClockKind.acceptance])
    case.accepted_at = since
    _fan_out(session, case, since)


def accept_case(
    session: Session, *, case_id: int, user: User, opinion: str | None, now: datetime
) -> Case:
    """Accept (受理): the case fans out to the reviewing departments."""
    case = lock_case(session, case_id=case_id)
    task = _open_accept_task(case, user)
    actor = actor_of(user)
    finish_task(
        session, task=task, outcome=TaskOutcome.approved, actor=actor, opinion=opinion, now=now
    )
    _accept(session, case, Event.accept, actor, opinion, now, now)
    return case


def deem_accepted(session: Session, *, case_id: int, now: datetime) -> Case:
    """Art. 32: no notice within 5 working days means accepted from the day of receipt."""
    case = lock_case(session, case_id=case_id)
    opinion = (
        "自收到申请材料之日起五个工作日内未告知补正，依法视为受理（《行政许可法》第三十二条）。"
    )
    for task in case.tasks:
        if task.stage == Stage.accept and task.state == TaskState.open:
            finish_task(
                session,
                task=task,
                outcome=TaskOutcome.approved,
                actor=SYSTEM,
                opinion=opinion,
                now=now,
            )
    assert case.received_at is not None
    _accept(session, case, Event.deem_accept, SYSTEM, opinion, case.received_at, now)
    return case


def reject_case(session: Session, *, case_id: int, user: User, opinion: str, now: datetime) -> Case:
    """Reject (不予受理) with the reason the law requires."""
    if not opinion.strip():
        raise InvalidInput("不予受理必须说明理由。", "A rejection needs a reason.", field="opinion")
    case = lock_case(session, case_id=case_id)
    task = _open_accept_task(case, user)
    actor = actor_of(user)
    finish_task(
        session, task=task, outcome=TaskOutcome.refused, actor=actor, opinion=opinion, now=now
    )
    change_state(session, now=now, case=case, event=Event.reject, actor=actor, opinion=opinion)
    clocks.stop_clocks(case, now=now)
    case.closed_at = now
    return case


def withdraw_case(session: Session, *, case_id: int, user: User, now: datetime) -> Case:
    """The applicant withdraws a case that has not been accepted yet."""
    case = lock_case(session, case_id=case_id)
    access.check_owner(user, case)
    actor = actor_of(user)
    change_state(session, now=now, case=case, event=Event.withdraw, actor=actor)
    cancel_open_tasks(session, case=case, actor=actor, now=now)
    clocks.stop_clocks(case, now=now)
    case.closed_at = now
    return case
