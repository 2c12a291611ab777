"""Delivery by post (邮寄送达): the mailing address the applicant gives when choosing post,
checked before the case can be submitted, and the waybill number the clerk records when
the result is posted. A case delivered by post never completes without both.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tongban.audit.service import Actor
from tongban.cases.models import Case, PostalDelivery
from tongban.errors import InvalidInput

FIELDS = ("recipient", "phone", "address")
MAX_LENGTHS = {"recipient": 30, "phone": 20, "address": 200}
PHONE = re.compile(r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}")  # mobile, or landline with area code
WAYBILL = re.compile(r"[A-Z0-9-]{8,40}")
MESSAGES = {
    "recipient": (
        "选择邮寄送达时，请填写收件人姓名（2–30 个字）。",
        "For delivery by post, enter the recipient's name (2–30 characters).",
    ),
    "phone": (
        "请填写收件人的手机号码（11 位）或固定电话（区号-号码）。",
        "Enter the recipient's mobile number (11 digits) or landline (area code-number).",
    ),
    "address": (
        "请填写详细的邮寄地址：市、区、街道和门牌号（5–200 个字）。",
        "Enter the full mailing address: city, district, street and number (5–200 characters).",
    ),
}


def _clean(address: Mapping[str, Any]) -> dict[str, str]:
    values = {name: str(address.get(name) or "").strip() for name in FIELDS}
    values["phone"] = re.sub(r"\s", "", values["phone"])
    return values


def _valid(name: str, value: str) -> bool:
    if name == "recipient":
        return 2 <= len(value) <= 30
    if name == "phone":
        return PHONE.fullmatch(value) is not None
    return 5 <= len(value) <= 200


def problems(postal: PostalDelivery | None) -> list[dict[str, str]]:
    """What is missing or wrong in a case's mailing address, one detail per field."""
    values = _clean({name: getattr(postal, name) for name in FIELDS} if postal else {})
    return [
        {
            "field": f"postal.{name}",
            "message_zh": MESSAGES[name][0],
            "message_en": MESSAGES[name][1],
        }
        for name in FIELDS
        if not _valid(name, values[name])
    ]


def check_address(case: Case) -> None:
    """Raise ``InvalidInput`` naming each field to fix when the case is delivered by post
    and its mailing address is not complete (the rules of ``problems``)."""
    found = problems(case.postal) if case.delivery == "mail" else []
    if found:
        raise InvalidInput(
            "邮寄送达须填写完整的收件地址，请按提示修改："
            + "；".join(d["message_zh"] for d in found),
            "Delivery by post needs a complete mailing address: "
            + " ".join(d["message_en"] for d in found),
            field=found[0]["field"],
            details=found,
        )


def save_address(session: Session, *, case: Case, address: Mapping[str, Any]) -> PostalDelivery:
    """Keep the mailing address as entered (checked in full at submission); too long is refused."""
    values = _clean(address)
    too_long = [
        name
        for name, limit in (("recipient", 60), ("phone", 20), ("address", 200))
        if len(values[name]) > limit
    ]
    if too_long:
        raise InvalidInput(
            "邮寄地址的内容过长，请按提示修改。",
            "The mailing address is too long; see the fields listed.",
            details=[d for d in problems(None) if d["field"].split(".")[1] in too_long],
        )
    postal = case.postal or PostalDelivery(case_id=case.id)
    for name in FIELDS:
        setattr(postal, name, values[name])
    case.postal = postal
    session.add(postal)
    return postal


def record_posting(
    session: Session,
    *,
    case: Case,
    tracking_number: str | None,
    actor: Actor,
    now: datetime,
    address: Mapping[str, Any] | None = None,
) -> PostalDelivery:
    """Record that the result was posted: a complete address (the applicant's, or one the
    clerk enters, e.g. corrected by phone) and the waybill number. Refused without either."""
    if address is not None and any(str(address.get(name) or "").strip() for name in FIELDS):
        save_address(session, case=case, address=address)
    waybill = re.sub(r"\s", "", tracking_number or "").upper()
    found = problems(case.postal)
    if WAYBILL.fullmatch(waybill) is None:
        found.append(
            {
                "field": "tracking_number",
                "message_zh": "邮寄送达须填写快递运单号（8–40 位字母或数字）。",
                "message_en": "Delivery by post needs the waybill number (8–40 letters or digits).",
            }
        )
    if found:
        raise InvalidInput(
            "邮寄送达须有完整的收件地址和快递运单号，请补全后再确认送达。",
            "Delivery by post needs a complete address and the waybill number.",
            field=found[0]["field"],
            details=found,
        )
    postal = case.postal
    assert postal is not None
    postal.tracking_number, postal.posted_at, postal.posted_by = waybill, now, actor.name
    return postal
