"""The registers' answer to real-name verification (``accounts.realname``): the population
register for the person's name and ID number, the enterprise register for the enterprise's
name, credit code and legal representative. A register that holds the number under other
names refuses the registration, saying what to fix; one that holds no record or does not
answer leaves the account unverified."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tongban.accounts import realname
from tongban.accounts.enums import UserKind
from tongban.errors import InvalidInput
from tongban.pii.service import same_identifier
from tongban.sharing.casefacts import sources_of
from tongban.sharing.connectors import connector_for


def _record(session: Session, code: str, key: str | None) -> dict[str, Any] | None:
    source = sources_of(session).get(code)
    if source is None or not key:
        return None
    found = connector_for(source).lookup(session, key=key)
    return None if found.unavailable else found.record


def _person_mismatch() -> InvalidInput:
    return InvalidInput(
        "姓名与公民身份号码不一致（与公安人口库核对），请按身份证件填写本人的姓名和号码。",
        "The name does not match the ID number in the population register; enter your own "
        "name and ID number as on your ID card.",
        field="id_number",
    )


def _enterprise_mismatch() -> InvalidInput:
    return InvalidInput(
        "企业名称、统一社会信用代码与法定代表人不一致（与市场主体登记库核对）：法人账号须由"
        "登记的法定代表人本人注册，企业名称按营业执照填写。",
        "The enterprise name, credit code and legal representative do not match the "
        "enterprise register: the legal representative registered for the enterprise "
        "registers its account, with the name as on the business licence.",
        field="credit_code",
    )


def check(session: Session, claim: realname.Claim) -> realname.Verdict:
    """``match`` where the registers hold the claim, ``unknown`` where they hold nothing;
    InvalidInput where they hold the numbers under other names."""
    person = _record(session, "population", claim.id_number)
    if person is not None and person.get("name") != claim.display_name:
        raise _person_mismatch()
    if claim.kind != UserKind.enterprise:
        return "match" if person is not None else "unknown"
    firm = _record(session, "enterprise_register", claim.credit_code)
    if firm is None:
        return "unknown"
    rep = str(firm.get("legal_rep_id_number") or "")
    if firm.get("name") != claim.enterprise_name or not same_identifier(claim.id_number, rep):
        raise _enterprise_mismatch()
    return "match" if person is not None else "unknown"


realname.CHECKS.append(check)
