"""Background job of the e-licence library: a licence whose validity has ended is marked
expired (过期), audited ``licence.expired``. Idempotent: only valid licences past their
last day are touched. Until the job runs, pages and verification already answer expired
(``verify.effective_status``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.audit.service import SYSTEM, record
from tongban.cases.models import Case
from tongban.licences.enums import LicenceStatus
from tongban.licences.models import Licence


def expire_licences(session: Session, *, now: datetime) -> list[str]:
    """Mark the licences whose validity ended before today (local); returns their numbers."""
    today = timefmt.local(now).date()
    query = select(Licence).where(
        Licence.status == LicenceStatus.valid, Licence.valid_until < today
    )
    expired = []
    for licence in session.scalars(query.order_by(Licence.id)):
        licence.status, licence.status_changed_at = LicenceStatus.expired, now
        case = session.get(Case, licence.case_id) if licence.case_id else None
        record(
            session,
            at=now,
            action="licence.expired",
            actor=SYSTEM,
            object_type="licence",
            object_id=licence.id,
            case_id=licence.case_id,
            subject_id=case.applicant_id if case else None,
            from_state=str(LicenceStatus.valid),
            to_state=str(LicenceStatus.expired),
            data={"number": licence.number, "valid_until": str(licence.valid_until)},
        )
        expired.append(licence.number)
    return expired
