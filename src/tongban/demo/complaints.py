"""Demo complaints (12345): what the demo accounts find on first sign-in: 张三's online
complaint about one of his cases (routed to its lead department), a call answered and
waiting for the operator's call-back, and a call sent back (退单) waiting to be routed
again. Loaded once: nothing is added when the database already holds complaints."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.complaints import service as complaints
from tongban.complaints.models import Complaint


def _user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def load_complaints(session: Session, *, now: datetime) -> int:
    """Add the demo complaints; returns how many (0 when there were some already, or the
    demo accounts are missing)."""
    if session.scalar(select(func.count()).select_from(Complaint)):
        return 0
    operator, person, ga = (_user(session, n) for n in ("rexian", "zhangsan", "ga"))
    if operator is None or person is None or ga is None:
        return 0
    added = 0
    case = session.scalar(
        select(Case).where(Case.applicant_id == person.id, Case.state != "draft").limit(1)
    )
    if case is not None:
        complaints.file_online(
            session,
            user=person,
            kind="complaint",
            case_number=case.number,
            now=now,
            content="提交材料后一直没有收到受理通知，请尽快处理。",
        )
        added += 1
    answered = complaints.record_call(
        session,
        user=operator,
        caller_name="王先生",
        phone="13900001111",
        kind="consultation",
        content="办理居住证需要带哪些材料？",
        department="GA",
        now=now,
    )
    complaints.answer(
        session,
        complaint_id=answered.id,
        user=ga,
        now=now,
        text="请携带居民身份证、租赁合同或房产证明，到居住地派出所办理。",
    )
    returned = complaints.record_call(
        session,
        user=operator,
        caller_name="李女士",
        phone="0591-87654321",
        kind="suggestion",
        content="建议政务服务中心周六上午开放社保窗口。",
        department="GA",
        now=now,
    )
    complaints.send_back(
        session,
        complaint_id=returned.id,
        user=ga,
        now=now,
        reason="社保窗口由人社局负责，请改派人社局。",
    )
    return added + 2
