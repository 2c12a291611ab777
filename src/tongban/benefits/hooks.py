"""What the benefits add to other domains' work:

- to a case's life (``cases/core/hooks.py``): a grant's case is judged at its run's
  reference day, the last day of the offer's period (ages are reached by then:
  ``rules.holds``), so a dry run of the item's table over past grants asks what the run
  asked;
- to delivery (``notifications.delivery.ADDRESS_BOOKS``): the text to a subject with no
  account goes to the mobile number their register holds as it leaves (``register_mobile``).

Imported by ``tongban.models.load_all``."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.benefits.finding import MOBILE
from tongban.benefits.granting import get_policy
from tongban.benefits.models import BenefitOffer
from tongban.benefits.rules import Period
from tongban.cases.core import hooks
from tongban.cases.enums import Channel
from tongban.cases.models import Case
from tongban.errors import NotFound
from tongban.notifications import delivery
from tongban.outbox.models import OutboxMessage
from tongban.outbox.service import REGISTER_SMS_TOPICS
from tongban.sharing import service as sharing


def period_end(session: Session, case: Case) -> date | None:
    """The last day of the period of the offer ``case`` granted; None for other cases."""
    if case.channel != Channel.proactive:
        return None
    period = session.scalar(select(BenefitOffer.period).where(BenefitOffer.case_id == case.id))
    return Period.parse(period).last_day if period else None


def register_mobile(session: Session, message: OutboxMessage) -> str | None:
    """The mobile number the register of the offer's subject holds now (the message of
    ``benefit.sms_offered``: its ``object_id`` is the offer); None when it holds none.
    NotFound for an offer or policy that is gone, RuntimeError while the register cannot
    answer: the text waits for its next attempt."""
    offer = session.get(BenefitOffer, int(message.payload["object_id"]))
    if offer is None:
        raise NotFound("没有找到该待遇。", "No such benefit offer.")
    policy = get_policy(session, code=offer.item_code)
    found = sharing.lookup(session, code=policy.base_source, key=offer.subject_key)
    if found.unavailable:
        raise RuntimeError(found.unavailable)
    mobile = (found.record or {}).get(MOBILE)
    return str(mobile) if mobile else None


hooks.REFERENCE_DAYS.append(period_end)
delivery.ADDRESS_BOOKS[REGISTER_SMS_TOPICS["benefit.sms_offered"]] = register_mobile
