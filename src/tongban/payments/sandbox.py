"""The sandbox provider (沙箱支付): behaves like a real aggregator. A trade has its own
number and pay page (``/sandbox/pay/{trade_no}``, where the applicant "pays"); paying
records it in the sandbox's own books and sends a signed notification (HMAC-SHA256 of
the body, header ``Tongban-Signature``) asynchronously through a job, and once more a
minute later as real gateways do until acknowledged; trades can be queried, closed and
refunded; its statement lists the day's payments and refunds.

Its books (``sandbox_trades``, ``sandbox_entries``) are never the platform's orders: the
two are compared by reconciliation as with any provider.
"""

from __future__ import annotations

import json
import secrets
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.errors import Conflict, NotFound
from tongban.jobs import service as jobs
from tongban.payments.enums import TradeState
from tongban.payments.models import SandboxEntry, SandboxTrade
from tongban.payments.provider import (
    Checkout,
    ForgedNotice,
    Notice,
    StatementLine,
    TradeStatus,
    checked,
    day_bounds,
    hmac_key,
    register,
    sign,
    signature_ok,
)
from tongban.timeutil import as_utc

NAME = "sandbox"
NOTIFY_JOB = "payments.sandbox_notify"
RESEND_AFTER = timedelta(minutes=1)  # the gateway's second delivery of the same notice


def key() -> bytes:
    """The secret the sandbox shares with the platform."""
    return hmac_key("tongban.payments.sandbox")


def signed(fields: dict[str, object]) -> tuple[bytes, str]:
    """A notification body as the sandbox sends it, and its signature."""
    body = json.dumps(fields, ensure_ascii=False, sort_keys=True).encode()
    return body, sign(key(), body)


def _trade(session: Session, **where: str) -> SandboxTrade:
    column = next(iter(where))
    trade = session.scalar(
        select(SandboxTrade).where(getattr(SandboxTrade, column) == where[column])
    )
    if trade is None:
        raise NotFound("沙箱中没有这笔交易。", "The sandbox has no such trade.")
    return trade


def _notify(session: Session, fields: dict[str, object], now: datetime) -> None:
    """Send ``fields`` signed, now and once more after ``RESEND_AFTER`` (at least once)."""
    body, signature = signed(fields)
    payload = {"body": body.decode(), "signature": signature}
    for delay in (timedelta(0), RESEND_AFTER):
        jobs.enqueue(session, kind=NOTIFY_JOB, due_at=now + delay, now=now, payload=payload)


class SandboxProvider:
    """The default provider; every call is answered from the sandbox's own tables."""

    name = NAME

    def create_trade(
        self,
        session: Session,
        *,
        out_trade_no: str,
        subject: str,
        amount_fen: int,
        expires_at: datetime,
        now: datetime,
    ) -> Checkout:
        trade = SandboxTrade(
            trade_no=f"SBX{now:%Y%m%d}{secrets.token_hex(6).upper()}",
            out_trade_no=out_trade_no,
            subject=subject,
            amount_fen=amount_fen,
            state=TradeState.created,
            created_at=now,
            expires_at=expires_at,
        )
        session.add(trade)
        return Checkout(trade_no=trade.trade_no, pay_url=f"/sandbox/pay/{trade.trade_no}")

    def query_trade(self, session: Session, *, out_trade_no: str) -> TradeStatus:
        trade = session.scalar(
            select(SandboxTrade).where(SandboxTrade.out_trade_no == out_trade_no)
        )
        if trade is None:
            return TradeStatus(out_trade_no, None, "unknown", 0, None)
        return TradeStatus(
            out_trade_no, trade.trade_no, trade.state.value, trade.amount_fen, trade.paid_at
        )

    def close_trade(self, session: Session, *, out_trade_no: str, now: datetime) -> None:
        trade = session.scalar(
            select(SandboxTrade).where(SandboxTrade.out_trade_no == out_trade_no)
        )
        if trade is not None and trade.state == TradeState.created:
            trade.state = TradeState.closed

    def refund(
        self,
        session: Session,
        *,
        out_trade_no: str,
        out_refund_no: str,
        amount_fen: int,
        now: datetime,
    ) -> str:
        trade = _trade(session, out_trade_no=out_trade_no)
        refunded = sum(
            entry.amount_fen
            for entry in session.scalars(
                select(SandboxEntry).where(
                    SandboxEntry.trade_no == trade.trade_no, SandboxEntry.kind == "refund"
                )
            )
        )
        if trade.state != TradeState.paid or refunded + amount_fen > trade.amount_fen:
            raise Conflict("退款金额超过可退金额。", "The refund exceeds what can be refunded.")
        reference = f"R{secrets.token_hex(8).upper()}"
        session.add(
            SandboxEntry(
                trade_no=trade.trade_no,
                out_trade_no=out_trade_no,
                kind="refund",
                reference=reference,
                amount_fen=amount_fen,
                at=now,
            )
        )
        return reference

    def statement(self, session: Session, *, day: date) -> list[StatementLine]:
        start, end = day_bounds(day)
        query = select(SandboxEntry).where(SandboxEntry.at >= start, SandboxEntry.at < end)
        return [
            StatementLine(e.kind, e.out_trade_no, e.trade_no, e.reference, e.amount_fen, e.at)
            for e in session.scalars(query.order_by(SandboxEntry.id))
        ]

    def verify(self, *, body: bytes, signature: str) -> Notice:
        if not signature_ok(key(), body, signature):
            raise ForgedNotice("回调签名无效，已拒绝。", "The notification's signature is invalid.")
        found = json.loads(body)
        checked(found, "notify_id", "kind", "out_trade_no", "trade_no", "amount_fen", "at")
        return Notice(
            notify_id=str(found["notify_id"]),
            kind=str(found["kind"]),
            out_trade_no=str(found["out_trade_no"]),
            trade_no=str(found["trade_no"]),
            amount_fen=int(found["amount_fen"]),
            at=as_utc(datetime.fromisoformat(str(found["at"]))),
            body=found,
        )


def pay(session: Session, *, trade_no: str, now: datetime) -> SandboxTrade:
    """The applicant pays on the sandbox's page: the trade is paid in the sandbox's books
    and the platform is told asynchronously. A trade past its time or closed still takes
    the money if the page was open (as a real gateway may): the platform must handle the
    late notification."""
    trade = _trade(session, trade_no=trade_no)
    if trade.state == TradeState.paid:
        raise Conflict("这笔交易已经支付。", "This trade is already paid.", code="already_paid")
    trade.state, trade.paid_at = TradeState.paid, now
    session.add(
        SandboxEntry(
            trade_no=trade.trade_no,
            out_trade_no=trade.out_trade_no,
            kind="payment",
            reference=trade.trade_no,
            amount_fen=trade.amount_fen,
            at=now,
        )
    )
    fields: dict[str, object] = {
        "notify_id": f"N{secrets.token_hex(8).upper()}",
        "kind": "payment",
        "out_trade_no": trade.out_trade_no,
        "trade_no": trade.trade_no,
        "amount_fen": trade.amount_fen,
        "at": now.isoformat(),
    }
    _notify(session, fields, now)
    return trade


def get_trade(session: Session, *, trade_no: str) -> SandboxTrade:
    """A trade of the sandbox by its number (its pay page)."""
    return _trade(session, trade_no=trade_no)


register(NAME, SandboxProvider)
