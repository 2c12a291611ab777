"""Retention (保存期限): the personal data of cases closed longer ago than
``TONGBAN_RETENTION_YEARS`` is purged; what statistics and the audit trail need stays.

Purged (anonymised) per case: the form data; the files of its materials, result documents
and licences in the file store (a file is deleted once no remaining row names it: keys are
content addresses, so equal files are shared), their names, hashes and signature details;
the postal recipient, phone and address (kept masked); its messages (the outbox rows its
audit entries made); its screening marks and flag details; the facts of its instant
decision; the questions and answers of its verification requests; the face fields of its
licences, whose holder code is kept masked; the texts and attachments of the messages on
the case (在线沟通); the texts, attachment and caller's contact (kept masked) of the
complaints about the case (12345); the photos of its on-site inspections (现场踏勘) and the
texts of their appointments, replies, findings and rectifications; the reasons, contacts
and findings of the objections to its public notices (公示异议, anonymous ones included).
A complaint about no case has no retention period yet.

Kept: the case row (item, states, times, channel, department), its tasks and clocks,
materials as rows (which way each was satisfied), data-access logs (keyed hash of the
subject), and its audit entries untouched, so every figure and the hash chain still hold.
Audit entries never carry personal identifiers in clear (an applicant is named by
``subject_id``, and pulls by the keyed hash), which ``tests/privacy`` checks by grepping
the whole database after a purge.

The catalog declares no retention period per item (checked: no ``retention`` key in any
item), so one period applies to every case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from tongban.audit.models import AuditEntry
from tongban.audit.service import SYSTEM, Actor, record
from tongban.cases.models import Case, Material, PostalDelivery, ResultDocument
from tongban.complaints.models import Complaint
from tongban.inspection.models import Inspection, InspectionFinding, InspectionPhoto
from tongban.instant.models import InstantDecision
from tongban.licences.models import Licence
from tongban.messaging.models import CaseMessage, MessageAttachment
from tongban.notices.models import Objection, PublicNotice
from tongban.outbox.models import OutboxMessage
from tongban.pii.service import mask_address, mask_id, mask_phone
from tongban.risk.models import RiskFlag, RiskMark
from tongban.verification.models import VerificationRequest

PURGED = "（已按保存期限清除 / purged after the retention period）"


@dataclass
class Purged:
    """What one run purged: case numbers, and the file-store keys it freed."""

    numbers: list[str] = field(default_factory=list)
    files: set[str] = field(default_factory=set)


def cutoff(now: datetime, *, years: int) -> datetime:
    """Cases closed before this moment are due (the same day ``years`` earlier)."""
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def due_cases(session: Session, *, now: datetime, years: int, limit: int) -> Sequence[Case]:
    """Closed, not yet purged cases closed before ``cutoff``, oldest first."""
    query = select(Case).where(
        Case.closed_at.is_not(None),
        Case.closed_at < cutoff(now, years=years),
        Case.purged_at.is_(None),
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.scalars(query.order_by(Case.closed_at, Case.id).limit(limit)).all()


def purge_case(session: Session, *, case: Case, now: datetime, actor: Actor = SYSTEM) -> set[str]:
    """Anonymise one case (see the module docstring); returns the file keys it let go."""
    keys: set[str] = set()
    case.form_data = {}
    case.purged_at = now
    for material in session.scalars(select(Material).where(Material.case_id == case.id)):
        if material.storage_key:
            keys.add(material.storage_key)
        material.storage_key = material.filename = material.sha256 = None
        material.detail, material.reference = None, None
    for document in session.scalars(
        select(ResultDocument).where(ResultDocument.case_id == case.id)
    ):
        keys.add(document.storage_key)
        document.storage_key, document.content = "", None
    for licence in session.scalars(select(Licence).where(Licence.case_id == case.id)):
        keys.add(licence.storage_key)
        licence.storage_key, licence.fields = "", {}
        licence.holder_code = mask_id(licence.holder_code)
    postal = session.scalar(select(PostalDelivery).where(PostalDelivery.case_id == case.id))
    if postal is not None:
        postal.recipient = postal.recipient[:1] + "**"
        postal.phone, postal.address = mask_phone(postal.phone), mask_address(postal.address)
    for request in session.scalars(
        select(VerificationRequest).where(VerificationRequest.case_id == case.id)
    ):
        request.question = PURGED
        request.answer = PURGED if request.answer else None
    for message in session.scalars(select(CaseMessage).where(CaseMessage.case_id == case.id)):
        keys.update(attachment.key for attachment in message.attachments)
        message.body = PURGED
        message.attachments.clear()  # the files' names may name a person
    for complaint in session.scalars(select(Complaint).where(Complaint.case_id == case.id)):
        _purge_complaint(complaint, keys)
    _purge_inspections(session, case_id=case.id, keys=keys)
    _purge_objections(session, case_id=case.id)
    _purge_messages(session, case_id=case.id)
    session.execute(delete(RiskMark).where(RiskMark.case_id == case.id))
    session.execute(update(RiskFlag).where(RiskFlag.case_id == case.id).values(data={}))
    session.execute(  # no session sync: it compares columns with ==, which sealed ones refuse
        update(InstantDecision).where(InstantDecision.case_id == case.id).values(facts={}),
        execution_options={"synchronize_session": False},
    )
    record(
        session,
        at=now,
        action="case.purged",
        actor=actor,
        object_type="case",
        object_id=case.number,
        case_id=case.id,
        data={"files": len(keys)},
    )
    return keys


def _purge_complaint(complaint: Complaint, keys: set[str]) -> None:
    """A complaint about the case (12345): its texts and the caller's contact; kind, state,
    department and times stay for the figures."""
    if complaint.attachment_key:
        keys.add(complaint.attachment_key)
    complaint.content = PURGED
    complaint.answer = PURGED if complaint.answer else None
    complaint.return_reason = PURGED if complaint.return_reason else None
    complaint.callback_note = PURGED if complaint.callback_note else None
    complaint.caller_name = complaint.caller_name[:1] + "**" if complaint.caller_name else None
    complaint.phone = mask_phone(complaint.phone) if complaint.phone else None
    complaint.attachment_key = complaint.attachment_name = None


def _purge_inspections(session: Session, *, case_id: int, keys: set[str]) -> None:
    """The on-site inspections of the case (现场踏勘): the photos taken on the premises, the
    texts of the appointment, the applicant's reply, the findings' notes and the
    rectification; the checklist, verdicts, inspectors and times stay for the figures."""
    for inspection in session.scalars(select(Inspection).where(Inspection.case_id == case_id)):
        inspection.visit_note = PURGED if inspection.visit_note else None
        inspection.reply = PURGED if inspection.reply else None
        inspection.rectification = PURGED if inspection.rectification else None
        inspection.unsigned_rectification = None
        inspection.reason = PURGED if inspection.reason else None
    ids = select(Inspection.id).where(Inspection.case_id == case_id)
    for photo in session.scalars(
        select(InspectionPhoto).where(InspectionPhoto.inspection_id.in_(ids))
    ):
        keys.add(photo.key)
        photo.key, photo.name = "", PURGED
    session.execute(
        update(InspectionFinding)
        .where(InspectionFinding.inspection_id.in_(ids), InspectionFinding.note.is_not(None))
        .values(note=PURGED),
        execution_options={"synchronize_session": False},
    )


def _purge_objections(session: Session, *, case_id: int) -> None:
    """The objections to the case's public notices (公示异议), filed with or without signing
    in: the reason, the contact and the finding; their states and times stay."""
    notices = select(PublicNotice.id).where(PublicNotice.case_id == case_id)
    for objection in session.scalars(select(Objection).where(Objection.notice_id.in_(notices))):
        objection.reason, objection.contact = PURGED, None
        objection.finding = PURGED if objection.finding else None


def _purge_messages(session: Session, *, case_id: int) -> None:
    entries = select(AuditEntry.id).where(AuditEntry.case_id == case_id)
    ours = select(OutboxMessage.id).where(OutboxMessage.audit_entry_id.in_(entries))
    session.execute(delete(OutboxMessage).where(OutboxMessage.parent_id.in_(ours)))
    session.execute(delete(OutboxMessage).where(OutboxMessage.audit_entry_id.in_(entries)))


def still_named(session: Session, keys: set[str]) -> set[str]:
    """The keys some remaining row still names (their files stay)."""
    if not keys:
        return set()
    named: set[str] = set()
    columns = (
        Material.storage_key,
        ResultDocument.storage_key,
        Licence.storage_key,
        MessageAttachment.key,
        Complaint.attachment_key,
        InspectionPhoto.key,
    )
    for column in columns:
        named.update(session.scalars(select(column).where(column.in_(keys))))
    return named


def count_due(session: Session, *, now: datetime, years: int) -> int:
    """How many cases are due for purging."""
    query = (
        select(func.count())
        .select_from(Case)
        .where(
            Case.closed_at.is_not(None),
            Case.closed_at < cutoff(now, years=years),
            Case.purged_at.is_(None),
        )
    )
    return int(session.scalar(query) or 0)
