"""API bodies of proactive benefits: policies, runs and offers."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from tongban.audit.names import english_of
from tongban.benefits.finding import Policy
from tongban.benefits.models import BenefitOffer


class PolicyRead(BaseModel):
    """A proactive item's policy: whose profiles, how granted, the conditions as data."""

    code: str
    name: str
    name_en: str | None = Field(None, description="The item's name in English, if any")
    department: str
    subject: str
    grant: str
    how: str
    conditions: list[dict[str, Any]]

    @classmethod
    def of(cls, policy: Policy) -> PolicyRead:
        return cls(
            code=policy.code,
            name=policy.name,
            name_en=policy.name_en,
            department=policy.department,
            subject=policy.subject,
            grant=policy.grant,
            how=policy.how,
            conditions=policy.conditions,
        )


class RunCreate(BaseModel):
    """The period to run over, ``YYYY-MM`` (a month)."""

    model_config = ConfigDict(extra="forbid")
    period: str = Field(max_length=7, examples=["2026-11"])


class RunRead(BaseModel):
    """A run's counts: subjects searched, eligible, offers new in this run, people told,
    grants made, offers waiting for an account, subjects a source could not answer for."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    item_code: str
    period: str
    actor_name: str
    actor_name_en: ClassVar[Any] = english_of("actor_name")
    started_at: datetime
    searched: int
    eligible: int
    new_offers: int
    notified: int
    granted: int
    without_account: int
    texted: int  # of those without an account: sent a text at their register's mobile
    undetermined: int


class OfferRead(BaseModel):
    """An offer to the signed-in person or enterprise; ``case_number`` once granted."""

    id: int
    item_code: str
    item_name: str
    item_name_en: str | None = Field(None, description="The item's name in English, if any")
    period: str
    state: str
    grant_way: str
    found_at: datetime
    granted_at: datetime | None
    case_number: str | None

    @classmethod
    def of(cls, offer: BenefitOffer, *, policy: Policy, case_number: str | None) -> OfferRead:
        return cls(
            id=offer.id,
            item_code=offer.item_code,
            item_name=policy.name,
            item_name_en=policy.name_en,
            period=offer.period,
            state=offer.state,
            grant_way=offer.grant_way,
            found_at=offer.found_at,
            granted_at=offer.granted_at,
            case_number=case_number,
        )
