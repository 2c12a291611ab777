"""What payments and delivery add to a case's life (``cases/core/hooks.py`` and the
received hooks): orders made when the case is received (fees paid before acceptance) or
decided (before issue), acceptance and issue withheld while unpaid, the pickup code of a
window result made at the decision and checked at the hand-over, and a posted result
handed to the courier. Imported by ``tongban.models.load_all``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tongban.audit.service import Actor
from tongban.cases import service as cases
from tongban.cases.core import hooks
from tongban.cases.enums import CaseState
from tongban.cases.models import Case
from tongban.files.store import FileStore
from tongban.payments import delivery, notices, orders
from tongban.payments import tasks as _tasks  # noqa: F401  (the job handlers)
from tongban.payments.enums import PaymentWhen

ORDER = 5  # before risk screening and the rules of instant approval


@cases.on_received(ORDER)
def on_received(session: Session, case: Case, now: datetime, store: FileStore) -> None:
    """Fees paid before acceptance: the order is out and the case waits for it."""
    orders.open_orders(session, case=case, when=PaymentWhen.before_acceptance, now=now)


def on_decided(session: Session, case: Case, actor: Actor, now: datetime, store: FileStore) -> None:
    """Approved: fees paid before issue are ordered; a window result gets its pickup code."""
    if case.state not in (CaseState.issuing, CaseState.delivering, CaseState.completed):
        return
    if case.state == CaseState.issuing:
        orders.open_orders(session, case=case, when=PaymentWhen.before_issue, now=now)
    if case.delivery == "window":
        delivery.issue_pickup_code(session, case=case, now=now)


def on_delivered(session: Session, case: Case, actor: Actor, now: datetime) -> None:
    """A posted result goes to the (sandbox) courier, whose status callbacks follow."""
    if case.delivery == "mail" and case.postal and case.postal.tracking_number:
        delivery.ship(session, case=case, tracking_number=case.postal.tracking_number, now=now)


hooks.DECIDED.append(on_decided)
hooks.HOLDS.append(orders.hold_issue)
hooks.ACCEPT_HOLDS.append(orders.hold_acceptance)
hooks.HANDOVERS.append(
    lambda session, case, code, actor, now: delivery.check_pickup(
        session, case=case, code=code, actor=actor, now=now
    )
)
hooks.DELIVERED.append(on_delivered)
hooks.OPINIONS_EN.update(
    {
        notices.PAID_RESUMED: notices.PAID_RESUMED_EN,
        delivery.PICKUP_NOTE: delivery.PICKUP_NOTE_EN,
        delivery.COLLECTED: delivery.COLLECTED_EN,
    }
)
