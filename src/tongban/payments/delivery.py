"""Result delivery beyond the screen (物流配套): collecting at the window with a pickup code
(取件码) given to the applicant when the case is decided and checked by the clerk before
the hand-over is recorded; by post, the courier's status callbacks (signed like payment
notifications: HMAC-SHA256 of the body) on the case's timeline, from the sandbox courier
by default; the case completes when the courier reports the result signed for, and a
failed delivery gives the department a new delivery task. Each step is audited with the case, so the timeline and the applicant's
messages show it.
"""

from __future__ import annotations

import hmac
import json
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.audit.service import SYSTEM, Actor
from tongban.cases import service as cases
from tongban.cases.models import Case
from tongban.errors import Conflict, InvalidInput, NotFound
from tongban.jobs import service as jobs
from tongban.payments.enums import COURIER_NAMES_EN, COURIER_NAMES_ZH, CourierStatus
from tongban.payments.models import CourierEvent, Pickup
from tongban.payments.provider import ForgedNotice, checked, hmac_key, sign, signature_ok

COURIER = "sandbox"
# the platform's own timeline texts (English beside them: ``payments.hooks``)
PICKUP_NOTE = "结果将在窗口领取：取件码已生成，请在办件页面查看，凭取件码和身份证件领取。"
PICKUP_NOTE_EN = (
    "The result is collected at the window: a pickup code was made; see it on the case page "
    "and bring it with your identity document."
)
COLLECTED = "凭取件码窗口领取"
COLLECTED_EN = "Collected at the window with the pickup code"
COURIER_JOB = "payments.courier_notify"
# The sandbox courier's route: each status, after the previous one
ROUTE = (
    (CourierStatus.collected, timedelta(hours=1), "快递员已揽收"),
    (CourierStatus.in_transit, timedelta(hours=6), "快件运输中"),
    (CourierStatus.out_for_delivery, timedelta(hours=20), "快件派送中"),
    (CourierStatus.delivered, timedelta(hours=24), "收件人已签收"),
)


def courier_key() -> bytes:
    return hmac_key("tongban.delivery.courier")


def get_pickup(session: Session, *, case: Case) -> Pickup | None:
    return session.scalar(select(Pickup).where(Pickup.case_id == case.id))


def issue_pickup_code(session: Session, *, case: Case, now: datetime) -> Pickup:
    """A 6-digit pickup code for a result collected at the window (once per case)."""
    pickup = get_pickup(session, case=case)
    if pickup is not None:
        return pickup
    pickup = Pickup(case_id=case.id, code=f"{secrets.randbelow(10**6):06d}", issued_at=now)
    session.add(pickup)
    cases.record_case(
        session,
        case=case,
        action="delivery.pickup_code",
        actor=SYSTEM,
        now=now,
        opinion=PICKUP_NOTE,
    )
    return pickup


def check_pickup(
    session: Session, *, case: Case, code: str | None, actor: Actor, now: datetime
) -> None:
    """Before a window hand-over is recorded (``cases`` asks): the applicant's pickup code
    must match; the hand-over is then recorded on the pickup. Cases without a code
    (decided before codes existed, or not collected at the window) pass."""
    pickup = get_pickup(session, case=case)
    if pickup is None or case.delivery != "window":
        return
    if pickup.collected_at is not None:
        raise Conflict("结果已经领取。", "The result was already collected.")
    if not code_matches(pickup, code):
        raise InvalidInput(
            "窗口领取须核验申请人出示的取件码：取件码不正确或未填写。",
            "A window hand-over needs the applicant's pickup code: it is wrong or missing.",
            field="pickup_code",
        )
    pickup.collected_at, pickup.collected_by = now, actor.name
    cases.record_case(session, case=case, action="delivery.picked_up", actor=actor, now=now)


def code_matches(pickup: Pickup, code: str | None) -> bool:
    """Constant-time comparison of a typed code with the pickup's."""
    given = "".join((code or "").split())
    return hmac.compare_digest(given.encode(), pickup.code.encode())


def refuse_code(session: Session, *, case: Case, actor: Actor, now: datetime) -> int:
    """Record a wrong code typed at the window (kept: the clerk's page commits it);
    returns the wrong attempts so far."""
    pickup = get_pickup(session, case=case)
    assert pickup is not None
    pickup.failed_attempts += 1
    cases.record_case(session, case=case, action="delivery.pickup_refused", actor=actor, now=now)
    return pickup.failed_attempts


def ship(session: Session, *, case: Case, tracking_number: str, now: datetime) -> None:
    """Hand a posted result to the sandbox courier: its status callbacks follow."""
    at = now
    for status, delay, detail in ROUTE:
        at += delay
        fields = {
            "notify_id": f"C{secrets.token_hex(8).upper()}",
            "tracking_number": tracking_number,
            "case": case.number,
            "status": status.value,
            "detail": detail,
            "at": at.isoformat(),
        }
        body = json.dumps(fields, ensure_ascii=False, sort_keys=True).encode()
        payload = {"body": body.decode(), "signature": sign(courier_key(), body)}
        jobs.enqueue(session, kind=COURIER_JOB, due_at=at, now=now, payload=payload)


def receive_status(
    session: Session, *, body: bytes, signature: str, now: datetime, courier: str = COURIER
) -> CourierEvent | None:
    """A courier's status callback: verified (ForgedNotice), recorded once, audited on the
    case (``delivery.status``). None for a duplicate."""
    if not signature_ok(courier_key(), body, signature):
        raise ForgedNotice(
            "物流回调签名无效，已拒绝。", "The courier callback's signature is invalid."
        )
    found = json.loads(body)
    checked(found, "notify_id", "tracking_number", "case", "status", "at")
    seen = session.scalar(
        select(CourierEvent).where(
            CourierEvent.courier == courier, CourierEvent.notify_id == found["notify_id"]
        )
    )
    if seen is not None:
        return None
    case = session.scalar(select(Case).where(Case.number == found["case"]))
    if (
        case is None
        or case.postal is None
        or case.postal.tracking_number != found["tracking_number"]
    ):
        raise NotFound("没有这个运单的办件。", "No case posted with this waybill.")
    status = CourierStatus(found["status"])
    event = CourierEvent(
        case_id=case.id,
        courier=courier,
        notify_id=str(found["notify_id"]),
        tracking_number=str(found["tracking_number"]),
        status=status,
        detail=found.get("detail"),
        at=datetime.fromisoformat(str(found["at"])),
    )
    session.add(event)
    when = timefmt.moment(event.at)  # the courier's time: a callback may arrive late
    opinion = f"{COURIER_NAMES_ZH[status]}（{when}，运单号 {event.tracking_number}）"
    opinion_en = f"{COURIER_NAMES_EN[status]} ({when}, waybill {event.tracking_number})"
    cases.record_case(
        session,
        case=case,
        action="delivery.status",
        actor=SYSTEM,
        now=now,
        opinion=opinion,
        data={"status": status.value, "opinion_en": opinion_en},
    )
    if status == CourierStatus.delivered:
        cases.confirm_delivery(
            session, case=case, actor=SYSTEM, now=now, opinion=opinion, opinion_en=opinion_en
        )
    elif status == CourierStatus.failed:
        detail = f"{opinion}：{event.detail}" if event.detail else opinion
        detail_en = f"{opinion_en}: {event.detail}" if event.detail else opinion_en
        cases.delivery_failed(session, case=case, now=now, opinion=detail, opinion_en=detail_en)
    return event


def courier_events(session: Session, *, case: Case) -> list[CourierEvent]:
    query = select(CourierEvent).where(CourierEvent.case_id == case.id)
    return list(session.scalars(query.order_by(CourierEvent.at)))
