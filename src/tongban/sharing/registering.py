"""A registration (营业执照) and the credit code its form carries, checked against the
enterprise register (市场主体登记库) when the case is received.

The rule itself is ``licences.holders.carried_code``: a carried code is kept only where the
register holds it for the company the form names and the account is that company's or its
legal representative's (换发, re-issue under the same number); a founding with any other
code gets a new one when its licence is issued. A form that names the company a code is
registered to, from an account that is not that company's, is refused here
(``credit_code_not_held``), before anything of that company can change; and a case that
would issue an operator licence to an enterprise it names without that enterprise's
credit code is refused too (``company_without_code``): any enterprise but a 个体工商户, by
its kind (市场主体类型) as the register or the name reservations record it
(``market_kind``, ``holders.uncoded_operator``); and so is any case that would issue a
licence or document to an enterprise the register holds as struck off (``struck_off``:
注销登记 ends it; it is neither deregistered again nor granted anything). This module also
answers the holders rule's register lookups and tells the used-once check which register
record is the case's own company (``own_record``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.cases import service as cases
from tongban.cases.models import Case
from tongban.errors import Conflict, InvalidInput
from tongban.files.store import FileStore
from tongban.licences import holders
from tongban.sharing.casefacts import sources_of
from tongban.sharing.models import SourceRecord

REGISTER = "enterprise_register"
RESERVATIONS = "name_reservation"  # 企业名称自主申报: the kind a name was reserved as
ORDER = -1  # before the used-once facts are claimed (``once.ORDER``)


def register_record(session: Session, code: str) -> dict[str, Any] | None:
    """The enterprise register's record of the credit code ``code`` (own-database source;
    None when not held or the register is a department's service)."""
    source = sources_of(session).get(REGISTER)
    if source is None or source["connector"]["kind"] != "database" or not code:
        return None
    query = select(SourceRecord.data).where(
        SourceRecord.source == REGISTER, SourceRecord.key == code
    )
    return session.scalar(query)


def carried(session: Session, case: Case) -> tuple[str, holders.Carried] | None:
    """(the carried credit code, what its registration does with it), None when the case
    registers no operator or carries no code."""
    spec = cases.spec_of(session, case)
    code = str(case.form_data.get("credit_code") or "").strip()
    if not code or not any(holders.founds_operator(item) for item in spec["items"]):
        return None
    applicant = session.get_one(User, case.applicant_id)
    record = register_record(session, code)
    return code, holders.carried_code(case.form_data, applicant, record)


def own_record(session: Session, case: Case) -> str | None:
    """The credit code of the register record that is the case's own company (换发 under
    it), else None: a name that record holds is not used by another holder."""
    found = carried(session, case)
    return found[0] if found is not None and found[1] == "keep" else None


def _refuse(code: str, name: str) -> Conflict:
    return Conflict(
        f"统一社会信用代码 {code} 在市场主体登记库中登记为“{name}”，当前账号不是该企业或其"
        "法定代表人，不能以此代码办理登记（换发、变更）。设立新企业请不要填写统一社会信用代码。",
        f"The unified social credit code {code} is registered to '{name}', and this account "
        "is neither that enterprise nor its legal representative, so it cannot register "
        "(re-issue or change) under it. To found a new company, leave the credit code empty.",
        code="credit_code_not_held",
        field="credit_code",
    )


def market_kind(session: Session, name: str) -> str | None:
    """The kind of market entity (市场主体类型) of the enterprise named ``name``, as the
    enterprise register records it, else the name reservations (None: neither holds it)."""
    for source in (REGISTER, RESERVATIONS):
        query = select(SourceRecord.data).where(
            SourceRecord.source == source, SourceRecord.name_key == name
        )
        for data in session.scalars(query):
            if (data or {}).get("name") == name and data.get("enterprise_type"):
                return str(data["enterprise_type"])
    return None


def _uncoded(name: str, kind: str) -> InvalidInput:
    return InvalidInput(
        f"“{name}”是{kind}，不是个体工商户，许可证须载明其统一社会信用代码：请填写该企业的"
        "统一社会信用代码（18位）。企业尚未登记的，请先办理设立登记（或在“我要开餐馆”等一件事中"
        "一并办理），取得营业执照后再申请；个体经营的，请填写个体工商户名称。",
        f"'{name}' is registered as {kind}, not as an individual business, and the licence "
        "must carry its unified social credit code: enter the enterprise's code (18 "
        "characters). If it is not registered yet, register it first (or apply for a bundle "
        "such as 'Open a restaurant' that registers it) and apply once it holds its business "
        "licence; a sole trader enters the name of the individual business.",
        code="company_without_code",
        field="credit_code",
    )


def struck_off(session: Session, case: Case) -> tuple[str, str] | None:
    """(credit code, name) of the enterprise a case would issue an operator licence or
    document to when the enterprise register holds it as struck off (status 注销), else
    None. A founding is about a new company (any code it carries is replaced)."""
    spec = cases.spec_of(session, case)
    items = spec["items"]
    if any(holders.founds_operator(item) for item in items) or not any(
        (item.get("result") or {}).get("name") in holders.OPERATOR_LICENCES for item in items
    ):
        return None
    applicant = session.get_one(User, case.applicant_id)
    code = holders.operator_code(case.form_data, applicant)
    record = register_record(session, code) if code else None
    if record is None or record.get("status") != "注销":
        return None
    return code, str(record.get("name") or "")


def _ended(code: str, name: str) -> Conflict:
    return Conflict(
        f"“{name}”（统一社会信用代码 {code}）已在市场主体登记库中注销登记，不能再以该企业名义办理"
        "许可、备案或注销。如需继续经营，请先办理企业设立登记，以新企业的名义申请。",
        f"'{name}' (unified social credit code {code}) is deregistered in the market entity "
        "register: nothing more can be granted, filed or deregistered in its name. To carry "
        "on the business, register a new enterprise first and apply in its name.",
        code="struck_off",
        field="credit_code",
    )


@cases.on_received(ORDER)
def _on_received(session: Session, case: Case, now: datetime, store: FileStore) -> None:
    found = carried(session, case)
    if found is not None and found[1] == "refuse":
        name = str(case.form_data.get("enterprise_name") or case.form_data.get("trade_name"))
        raise _refuse(found[0], name)
    ended = struck_off(session, case)
    if ended is not None:
        raise _ended(*ended)
    applicant = session.get_one(User, case.applicant_id)
    form = case.form_data
    named = str(form.get("enterprise_name") or form.get("trade_name") or "").strip()
    kind = market_kind(session, named) if named else None
    name, kind = holders.uncoded_operator(cases.spec_of(session, case), form, applicant, kind)
    if name:
        raise _uncoded(name, kind)


holders.REGISTER.append(register_record)
