"""The daily reconciliation (对账): the platform's payments and refunds of a day against
the provider's statement of that day, line by line. Each line is ``matched``,
``missing_on_platform`` (the provider took money the platform has not recorded: a lost
notification), ``missing_at_provider`` (the platform recorded what the provider does
not list) or ``amount_mismatch``. Made by the worker for the day before once
(``run_due_reconciliation``), by ``tongban payments reconcile --day``, and on the
finance page; exported as CSV.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.audit import service as audit
from tongban.audit.service import SYSTEM, Actor
from tongban.payments import fees
from tongban.payments.models import PaymentOrder, Reconciliation, Refund
from tongban.payments.provider import day_bounds, get_provider

KINDS = ("matched", "missing_on_platform", "missing_at_provider", "amount_mismatch")
COLUMNS = ("status", "kind", "order", "reference", "platform_yuan", "provider_yuan", "at")


def _platform(session: Session, provider: str, day: date) -> dict[tuple[str, str], Any]:
    start, end = day_bounds(day)
    found: dict[tuple[str, str], Any] = {}
    paid = select(PaymentOrder).where(
        PaymentOrder.provider == provider, PaymentOrder.paid_at >= start, PaymentOrder.paid_at < end
    )
    for order in session.scalars(paid):
        key = ("payment", order.provider_trade_no or order.number)
        found[key] = (order.number, order.paid_fen, order.paid_at)
    refunded = (
        select(Refund, PaymentOrder.number)
        .join(PaymentOrder, PaymentOrder.id == Refund.order_id)
        .where(
            PaymentOrder.provider == provider, Refund.settled_at >= start, Refund.settled_at < end
        )
    )
    for refund, number in session.execute(refunded):
        found[("refund", refund.provider_refund_no or refund.number)] = (
            number,
            refund.amount_fen,
            refund.settled_at,
        )
    return found


def compare(session: Session, *, provider: str, day: date) -> list[dict[str, Any]]:
    """Every line of the day, platform against statement, problems first."""
    ours = _platform(session, provider, day)
    theirs = {
        (line.kind, line.reference): line
        for line in get_provider(provider).statement(session, day=day)
    }
    lines = []
    for key in sorted(set(ours) | set(theirs)):
        mine, line = ours.get(key), theirs.get(key)
        if mine is None:
            status = "missing_on_platform"
        elif line is None:
            status = "missing_at_provider"
        else:
            status = "matched" if mine[1] == line.amount_fen else "amount_mismatch"
        at = mine[2] if mine else line.at  # type: ignore[union-attr]
        lines.append(
            {
                "status": status,
                "kind": key[0],
                "order": mine[0] if mine else line.out_trade_no,  # type: ignore[union-attr]
                "reference": key[1],
                "platform_fen": mine[1] if mine else None,
                "provider_fen": line.amount_fen if line else None,
                "at": at.isoformat(),
            }
        )
    lines.sort(key=lambda entry: (entry["status"] == "matched", entry["at"]))
    return lines


def reconcile(
    session: Session,
    *,
    day: date,
    now: datetime,
    provider: str | None = None,
    actor: Actor = SYSTEM,
) -> Reconciliation:
    """Make (or make again) the day's reconciliation of ``provider``, audited."""
    name = get_provider(provider).name
    lines = compare(session, provider=name, day=day)
    counts = {kind: sum(1 for line in lines if line["status"] == kind) for kind in KINDS}
    row = session.scalar(
        select(Reconciliation).where(Reconciliation.provider == name, Reconciliation.day == day)
    )
    if row is None:
        row = Reconciliation(provider=name, day=day, made_at=now, counts=counts, lines=lines)
        session.add(row)
    row.made_at, row.counts, row.lines = now, counts, lines
    session.flush()
    audit.record(
        session,
        at=now,
        action="payment.reconciled",
        actor=actor,
        object_type="reconciliation",
        object_id=f"{name}:{day.isoformat()}",
        data={"day": day.isoformat(), "provider": name, **counts},
    )
    return row


def get_reconciliation(
    session: Session, *, day: date, provider: str | None = None
) -> Reconciliation | None:
    """The stored reconciliation of a day, if made."""
    name = get_provider(provider).name
    return session.scalar(
        select(Reconciliation).where(Reconciliation.provider == name, Reconciliation.day == day)
    )


def run_due_reconciliation(session: Session, *, now: datetime) -> list[str]:
    """Reconcile yesterday (local) once; the day reconciled, if any."""
    yesterday = timefmt.local(now).date() - timedelta(days=1)
    if get_reconciliation(session, day=yesterday) is not None:
        return []
    reconcile(session, day=yesterday, now=now)
    return [yesterday.isoformat()]


def to_csv(row: Reconciliation) -> str:
    """The reconciliation as CSV (UTF-8 with BOM for spreadsheet programs), amounts in yuan."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for line in row.lines:
        writer.writerow(
            [
                line["status"],
                line["kind"],
                line["order"],
                line["reference"],
                "" if line["platform_fen"] is None else fees.yuan(line["platform_fen"]),
                "" if line["provider_fen"] is None else fees.yuan(line["provider_fen"]),
                line["at"],
            ]
        )
    return out.getvalue()
