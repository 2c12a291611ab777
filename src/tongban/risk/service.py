"""The risk domain promises (风险筛查): every case the platform receives (submitted, or
resubmitted after a correction) is screened before a person or a rule looks at it; each
anomaly found (``checks.py``) is a flag on the case that explains itself in Chinese and
English, shown to staff on the task page and audited ``risk.flagged``; a flagged case of
an instant item always goes to a person (``instant``). Thresholds are settings.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tongban.audit.service import SYSTEM, record
from tongban.cases.models import Case
from tongban.risk import checks
from tongban.risk.checks import Thresholds
from tongban.risk.enums import FlagKind, MarkKind
from tongban.risk.models import RiskFlag, RiskMark

__all__ = ["FlagKind", "Thresholds", "flags_of", "screen_case", "screened_values"]


def screened_values(session: Session) -> Iterator[str]:
    """The plain values behind every case's screening marks (its subject and the values
    ``checks.marks_of`` takes), recomputed from the case: what a re-keying of the lookup
    hashes translates the marks by (``privacy.lookup_rotation``)."""
    marked = select(RiskMark.case_id).distinct()
    query = select(Case).where(Case.id.in_(marked)).order_by(Case.id)
    for case in session.scalars(query, execution_options={"yield_per": 500}):
        yield checks.subject_of(case, case.applicant)
        yield from (value for _kind, value in checks.marks_of(session, case))


def screen_case(
    session: Session, *, case: Case, now: datetime, limits: Thresholds
) -> list[RiskFlag]:
    """Screen a case just received: its flags (replacing those of an earlier receipt),
    and its marks for screening later cases."""
    session.execute(delete(RiskFlag).where(RiskFlag.case_id == case.id))
    session.execute(delete(RiskMark).where(RiskMark.case_id == case.id))
    applicant = case.applicant
    subject = checks.subject_of(case, applicant)
    marks = checks.marks_of(session, case)
    since = now - timedelta(days=limits.window_days)
    others = checks.other_subjects(
        session, marks=marks, subject=subject, since=since, case_id=case.id
    )
    found = (
        checks.refusals_before(session, case, subject, now, limits)
        + checks.shared_contacts(limits, others)
        + checks.reused_files(session, case, limits, others)
        + checks.contradictions(session, case, now)
    )
    for kind, value in [(MarkKind.subject, subject), *marks]:
        session.add(RiskMark(case_id=case.id, kind=kind, value=value, subject=subject, at=now))
    flags = [
        RiskFlag(
            case_id=case.id, kind=f.kind, message_zh=f.zh, message_en=f.en, data=f.data, at=now
        )
        for f in found
    ]
    session.add_all(flags)
    if flags:
        record(
            session,
            at=now,
            action="risk.flagged",
            actor=SYSTEM,
            object_type="case",
            object_id=case.number,
            case_id=case.id,
            opinion="；".join(flag.message_zh for flag in flags),
            data={
                "flags": [flag.kind for flag in flags],
                "opinion_en": "; ".join(flag.message_en for flag in flags),
            },
        )
    session.flush()
    return flags


def flags_of(session: Session, *, case_id: int) -> Sequence[RiskFlag]:
    """The flags of a case's latest receipt."""
    query = select(RiskFlag).where(RiskFlag.case_id == case_id).order_by(RiskFlag.id)
    return session.scalars(query).all()
