"""The complaints domain promises (12345 政务服务便民热线 and the online form): a
complaint, suggestion or consultation is filed online by a signed-in person (about their
own case, if any) or recorded by a hotline operator from a call (the caller's name and
phone sealed at rest); the operator routes it (派单) to the responsible department,
suggested from the related case's lead department or the item; the department answers it
or sends it back (退单) with a reason for the operator to route again. It is due
``<kind>_response_working_days`` working days after filing (local settings) and watched
like a stage (``tasks.py``: warned, overdue, escalated through ``alerts``). The answer
reaches the person: an online complainant through the outbox (``complaint.answer``), a
caller by the operator's call-back (回访), recorded with the person's satisfaction.

Anonymous online filing is not offered: a person without an account calls 12345, where
the operator records a name and a phone number to call back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.audit import service as audit
from tongban.cases.models import Case
from tongban.cases.service import calendar
from tongban.catalog import service as catalog
from tongban.complaints import tasks
from tongban.complaints.access import get_locked, may_answer
from tongban.complaints.enums import Channel, Kind, Satisfaction, State
from tongban.complaints.models import Complaint
from tongban.config import get_settings
from tongban.errors import Conflict, InvalidInput, NotAllowed, NotFound, gather
from tongban.files.service import CheckedUpload, check_upload
from tongban.files.store import FileStore
from tongban.identifiers import IdentifierError, validate_mobile_phone
from tongban.identifiers.phone import normalise_phone

CONTENT_MAX = 2000  # characters
NAME_MAX = 60
REASON_MAX = 500
ATTACHMENT_TYPES = ["pdf", "png", "jpg", "ofd"]


@dataclass(frozen=True)
class Attachment:
    """An uploaded file: its name as the person gave it, and its bytes."""

    filename: str
    data: bytes


def limit_days(kind: Kind) -> int:
    """The response limit of a kind, in working days (settings; local rules)."""
    settings = get_settings()
    return {
        Kind.consultation: settings.consultation_response_working_days,
        Kind.complaint: settings.complaint_response_working_days,
        Kind.suggestion: settings.suggestion_response_working_days,
    }[kind]


def _text(value: str, *, limit: int, field: str, zh: str, en: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"请填写{zh}。", f"Write the {en}.", field=field)
    if len(text) > limit:
        raise InvalidInput(
            f"{zh}不能超过 {limit} 个字。",
            f"The {en} may have at most {limit} characters.",
            field=field,
        )
    return text


def _content(value: str) -> str:
    return _text(value, limit=CONTENT_MAX, field="content", zh="内容", en="content")


def _caller_name(value: str) -> str:
    return _text(value, limit=NAME_MAX, field="caller_name", zh="来电人姓名", en="caller's name")


def _attachment(attachment: Attachment | None) -> CheckedUpload | None:
    if attachment is None or not attachment.filename:
        return None
    return check_upload(
        filename=attachment.filename,
        data=attachment.data,
        allowed=ATTACHMENT_TYPES,
        max_bytes=get_settings().max_upload_mb * 1024 * 1024,
    )


def _kind(value: str) -> Kind:
    try:
        return Kind(value)
    except ValueError:
        raise InvalidInput(
            "请选择类别：咨询、投诉或建议。",
            "Choose the category: consultation, complaint or suggestion.",
            field="kind",
        ) from None


def _phone(value: str) -> str:
    """A mobile number (checked) or a fixed line of 7 to 12 digits with its area code."""
    number = normalise_phone(value or "")
    if not number:
        raise InvalidInput(
            "请填写来电人的联系电话，以便回访。", "Write the caller's phone number.", field="phone"
        )
    if number.startswith("1"):
        try:
            return validate_mobile_phone(number)
        except IdentifierError as error:
            raise InvalidInput(error.message_zh, error.message_en, field="phone") from None
    if number.isascii() and number.isdigit() and 7 <= len(number) <= 12:
        return number
    raise InvalidInput(
        "联系电话应为 11 位手机号码或带区号的固定电话（7 至 12 位数字）。",
        "The phone is an 11-digit mobile number or a fixed line of 7 to 12 digits.",
        field="phone",
    )


def _department(session: Session, code: str) -> str:
    if code not in {d.code for d in catalog.list_departments(session)}:
        raise InvalidInput(
            "请选择承办部门。", "Choose the department responsible.", field="department"
        )
    return code


def _related_case(session: Session, number: str, *, owner: User | None) -> Case | None:
    """The case a complaint is about, by number; an applicant names only their own."""
    number = (number or "").strip()
    if not number:
        return None
    case = session.scalar(select(Case).where(Case.number == number))
    if case is None or (owner is not None and case.applicant_id != owner.id):
        raise InvalidInput(
            f"没有找到办件 {number}" + ("（只能选择本人的办件）。" if owner else "。"),
            f"No case {number}" + (" among your own cases." if owner else "."),
            field="case_number",
        )
    return case


def suggest_department(session: Session, *, case: Case | None, item_code: str = "") -> str | None:
    """Where a complaint goes: the related case's lead department, else the item's."""
    if case is not None:
        return case.lead_department
    if item_code.strip():
        try:
            return catalog.get_any_entry(session, code=item_code.strip()).department_code
        except NotFound:
            return None
    return None


def _record(
    session: Session,
    complaint: Complaint,
    action: str,
    user: User | None,
    now: datetime,
    opinion: str | None = None,
) -> None:
    audit.record(
        session,
        at=now,
        action=action,
        actor=actor_of(user) if user is not None else audit.SYSTEM,
        object_type="complaint",
        object_id=complaint.id,
        case_id=complaint.case_id,
        subject_id=complaint.applicant_id,
        opinion=opinion,
        data={
            "department": complaint.department_code,
            "kind": complaint.kind,
            "channel": complaint.channel,
        },
    )


def _new(
    session: Session,
    *,
    kind: Kind,
    content: str,
    case: Case | None,
    now: datetime,
    **fields: object,
) -> Complaint:
    days = limit_days(kind)
    complaint = Complaint(
        kind=kind.value,
        state=State.new.value,
        content=content,
        case_id=case.id if case is not None else None,
        filed_at=now,
        limit_working_days=days,
        due_at=calendar(session).add_working_days(now, days),
        **fields,
    )
    session.add(complaint)
    session.flush()
    return complaint


def file_online(
    session: Session,
    *,
    user: User,
    kind: str,
    content: str,
    case_number: str = "",
    now: datetime,
    store: FileStore | None = None,
    attachment: Attachment | None = None,
) -> Complaint:
    """A signed-in person files a complaint, suggestion or consultation, about one of their
    own cases or none; about a case, it goes at once to the case's lead department.

    Raises InvalidInput for an unknown kind, an empty or long text (at most 2,000
    characters), a case that is not the person's, a bad attachment (PDF, PNG, JPG or OFD)."""
    if user.is_staff:
        raise NotAllowed("工作人员请通过 12345 热线登记。", "Staff record calls at the hotline.")
    found = gather(
        {
            "kind": lambda: _kind(kind),
            "case": lambda: _related_case(session, case_number, owner=user),
            "content": lambda: _content(content),
            "attachment": lambda: _attachment(attachment),
        }
    )
    case, checked = found["case"], found["attachment"]
    complaint = _new(
        session,
        kind=found["kind"],
        content=found["content"],
        case=case,
        now=now,
        channel=Channel.online.value,
        applicant_id=user.id,
    )
    if checked is not None and attachment is not None and store is not None:
        complaint.attachment_key = store.put(attachment.data)
        complaint.attachment_name = checked.filename
        complaint.attachment_type = checked.content_type
    _record(session, complaint, "complaint.file", user, now)
    if case is not None:
        _route(session, complaint, case.lead_department, user, now)
    return complaint


def record_call(
    session: Session,
    *,
    user: User,
    caller_name: str,
    phone: str,
    kind: str,
    content: str,
    case_number: str = "",
    item_code: str = "",
    department: str = "",
    now: datetime,
) -> Complaint:
    """A hotline operator records a call (caller, phone, content, category, related case)
    and routes it to ``department``, or to the suggested one when none is chosen; with
    neither, it waits in the console to be routed."""
    if not user.has_role(Role.hotline_operator):
        raise NotAllowed("只有 12345 话务员可以登记来电。", "Only hotline operators record calls.")
    found = gather(
        {
            "caller_name": lambda: _caller_name(caller_name),
            "phone": lambda: _phone(phone),
            "kind": lambda: _kind(kind),
            "content": lambda: _content(content),
            "case": lambda: _related_case(session, case_number, owner=None),
            "department": lambda: _department(session, department) if department else None,
        }
    )
    case = found["case"]
    target = found["department"] or suggest_department(session, case=case, item_code=item_code)
    complaint = _new(
        session,
        kind=found["kind"],
        content=found["content"],
        case=case,
        now=now,
        channel=Channel.hotline.value,
        recorded_by=user.id,
        caller_name=found["caller_name"],
        phone=found["phone"],
    )
    _record(session, complaint, "complaint.record", user, now)
    if target:
        _route(session, complaint, target, user, now)
    return complaint


def _route(
    session: Session, complaint: Complaint, department: str, user: User, now: datetime
) -> None:
    complaint.department_code = department
    complaint.state, complaint.routed_at = State.routed.value, now
    _record(session, complaint, "complaint.route", user, now)
    tasks.schedule(session, complaint=complaint, now=now)


def route(
    session: Session, *, complaint_id: int, user: User, department: str, now: datetime
) -> Complaint:
    """The operator routes (派单) a new or sent-back complaint to a department."""
    if not user.has_role(Role.hotline_operator):
        raise NotAllowed("只有 12345 话务员可以派单。", "Only hotline operators route.")
    complaint = get_locked(session, complaint_id=complaint_id, user=user)
    if complaint.state not in (State.new, State.returned):
        raise Conflict("该件已派单。", "This one has already been routed.", code="already_routed")
    _route(session, complaint, _department(session, department), user, now)
    return complaint


def send_back(
    session: Session, *, complaint_id: int, user: User, reason: str, now: datetime
) -> Complaint:
    """The department sends a complaint back (退单) with the reason it is not theirs."""
    complaint = _open_for_department(session, complaint_id, user)
    complaint.return_reason = _text(
        reason, limit=REASON_MAX, field="reason", zh="退单理由", en="reason"
    )
    complaint.returned_by_department = complaint.department_code
    complaint.state = State.returned.value
    _record(session, complaint, "complaint.send_back", user, now, complaint.return_reason)
    return complaint


def answer(
    session: Session, *, complaint_id: int, user: User, text: str, now: datetime
) -> Complaint:
    """The department answers, once; the online complainant is told (outbox), the
    operator calls a caller back. The alerts of the complaint are resolved."""
    complaint = _open_for_department(session, complaint_id, user)
    complaint.answer = _text(text, limit=CONTENT_MAX, field="answer", zh="答复", en="answer")
    complaint.answered_by, complaint.answered_at = user.display_name, now
    complaint.state = State.answered.value
    _record(session, complaint, "complaint.answer", user, now, complaint.answer)
    tasks.answered(session, complaint=complaint, now=now)
    return complaint


def _open_for_department(session: Session, complaint_id: int, user: User) -> Complaint:
    complaint = get_locked(session, complaint_id=complaint_id, user=user)
    if not may_answer(user, complaint):
        raise NotAllowed("只有承办部门可以办理。", "Only the department responsible may act.")
    if complaint.state != State.routed:
        raise Conflict(
            "该件已答复或已退单。", "This one was answered or sent back.", code="not_open"
        )
    return complaint


def call_back(
    session: Session,
    *,
    complaint_id: int,
    user: User,
    satisfaction: str,
    note: str = "",
    now: datetime,
) -> Complaint:
    """回访: the operator records a caller's satisfaction with the answer (an online
    complainant gives their own); the complaint is closed."""
    complaint = get_locked(session, complaint_id=complaint_id, user=user)
    own = complaint.channel == Channel.online and complaint.applicant_id == user.id
    if not (own or user.has_role(Role.hotline_operator)):
        raise NotAllowed(
            "只有话务员或投诉人可以记录回访。",
            "Only the operator or the person records the call-back.",
        )
    if complaint.state != State.answered:
        raise Conflict("答复后才能回访。", "Call back once it is answered.", code="not_answered")
    try:
        complaint.satisfaction = Satisfaction(satisfaction).value
    except ValueError:
        raise InvalidInput(
            "请选择满意度。", "Choose how satisfied the person is.", field="satisfaction"
        ) from None
    complaint.callback_note = (note or "").strip()[:REASON_MAX] or None
    complaint.state, complaint.closed_at = State.closed.value, now
    _record(session, complaint, "complaint.call_back", user, now, complaint.callback_note)
    return complaint
