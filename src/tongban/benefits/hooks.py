"""What the benefits add to a case's life (``cases/core/hooks.py``): a grant's case is
judged at its run's reference day, the last day of the offer's period (ages are reached by
then: ``rules.holds``), so a dry run of the item's table over past grants asks what the
run asked. Imported by ``tongban.models.load_all``."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.benefits.models import BenefitOffer
from tongban.benefits.rules import Period
from tongban.cases.core import hooks
from tongban.cases.enums import Channel
from tongban.cases.models import Case


def period_end(session: Session, case: Case) -> date | None:
    """The last day of the period of the offer ``case`` granted; None for other cases."""
    if case.channel != Channel.proactive:
        return None
    period = session.scalar(select(BenefitOffer.period).where(BenefitOffer.case_id == case.id))
    return Period.parse(period).last_day if period else None


hooks.REFERENCE_DAYS.append(period_end)
