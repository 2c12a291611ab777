"""API bodies of payments and delivery. Amounts are decimal strings in yuan ("80.00")."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from tongban.payments.fees import yuan
from tongban.payments.models import PaymentOrder
from tongban.web.validation import shaped

AMOUNT = shaped(
    r"^\d{1,10}(\.\d{1,2})?$",
    "以元为单位的金额，整数或最多两位小数，如 20 或 12.50（不带“元”或“¥”）",
    "an amount in yuan, a whole number or with at most 2 decimals such as 20 or 12.50 "
    "(without 元 or ¥)",
)


class FeeLineRead(BaseModel):
    name: str
    name_en: str | None = Field(
        None, description="The fee's name in English, if the catalog gives one"
    )
    basis: str
    basis_en: str | None = Field(None, description="Its basis in English, if any")
    unit_amount: str = Field(description="Yuan per unit")
    quantity: int
    amount: str = Field(description="Yuan")
    exempt_reason: str | None
    exempt_reason_en: str | None = Field(None, description="Why it is waived, in English, if any")


class PaymentOrderRead(BaseModel):
    number: str = Field(description="The order number (out_trade_no)")
    payment_code: str = Field(description="20-digit 非税收入 payment code (缴款码)")
    payee: str = Field(description="The collecting unit (执收单位)")
    when: str = Field(description="before_acceptance or before_issue")
    state: str = Field(description="pending, paid, expired, cancelled or refunded")
    amount: str = Field(description="Yuan")
    refunded: str = Field(description="Yuan refunded so far")
    lines: list[FeeLineRead]
    pay_url: str | None = Field(description="The provider's pay page, while payable")
    created_at: datetime
    expires_at: datetime
    paid_at: datetime | None
    flag: str | None = Field(description="late_payment or amount_mismatch: finance looks at it")

    @classmethod
    def of(cls, order: PaymentOrder) -> PaymentOrderRead:
        payable = order.state == "pending" and order.provider_trade_no
        return cls(
            number=order.number,
            payment_code=order.payment_code,
            payee=order.payee,
            when=order.when.value,
            state=order.state.value,
            amount=yuan(order.amount_fen),
            refunded=yuan(order.refunded_fen),
            lines=[
                FeeLineRead(
                    name=line["name"],
                    name_en=line.get("name_en"),
                    basis=line["basis"],
                    basis_en=line.get("basis_en"),
                    unit_amount=yuan(line["unit_fen"]),
                    quantity=line["quantity"],
                    amount=yuan(line["amount_fen"]),
                    exempt_reason=line.get("exempt_reason"),
                    exempt_reason_en=line.get("exempt_reason_en"),
                )
                for line in order.lines
            ],
            pay_url=f"/sandbox/pay/{order.provider_trade_no}" if payable else None,
            created_at=order.created_at,
            expires_at=order.expires_at,
            paid_at=order.paid_at,
            flag=order.flag,
        )


class RefundCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount: str = Field(pattern=AMOUNT, description="Yuan, e.g. 20 or 12.50")
    reason: str = Field(min_length=1, max_length=500)


class RefundRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    number: str
    amount: str
    reason: str
    state: str
    settled_at: datetime | None


class NotifyAnswer(BaseModel):
    """What a provider or courier is answered: SUCCESS stops its retries."""

    code: str = Field(description="SUCCESS or FAIL")
    message: str


class ReconciliationLine(BaseModel):
    status: str = Field(
        description="matched, missing_on_platform, missing_at_provider or amount_mismatch"
    )
    kind: str
    order: str
    reference: str
    platform_amount: str | None
    provider_amount: str | None
    at: str


class ReconciliationRead(BaseModel):
    provider: str
    day: str
    made_at: datetime
    counts: dict[str, int]
    lines: list[ReconciliationLine]


class PickupCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=12, description="The applicant's pickup code")


class CourierEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    status: str = Field(description="collected, in_transit, out_for_delivery, delivered, failed")
    detail: str | None
    tracking_number: str
    at: datetime


class DeliveryRead(BaseModel):
    """How the result reaches the applicant (送达): online, at the window, by post."""

    delivery: str = Field(description="online, window or mail")
    pickup_code: str | None = Field(
        description="The 6-digit pickup code (取件码): shown to the applicant only"
    )
    collected_at: datetime | None
    tracking_number: str | None
    courier_events: list[CourierEventRead]
