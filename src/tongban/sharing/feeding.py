"""What the government issues on the platform flows into the shared source it belongs to
(数据最多采一次: the next application pulls it instead of asking for it again):

- a 营业执照 puts the enterprise it registers into the enterprise register (市场主体登记库),
  under its new credit code, with what the form registered, status 存续, and uses up the
  name reservations of its name (名称自主申报库: 已使用, never filled into a form again);
  a later one of the same enterprise (换发) changes what it registers, never its 成立日期
  (``KEPT``);
- a 准予注销登记通知书 strikes it off (status 注销) and cancels its licences still in force
  (《行政许可法》第七十条第（三）项: a legal person that ended holds no permit), a 清税证明
  marks its taxes cleared;
- a 道路运输经营许可证 goes into the road transport register, a 建设工程规划许可证 into the
  planning permits, a transferred 不动产权证书 into the real estate registers under its new
  owner, a 出生医学证明 into the birth certificate register (by the mother's ID);
- every e-licence of a person adds its type to the e-licence library's list (电子证照库).

Only own-database sources are written (a department's REST service keeps its own data).
Runs when the results are issued (``cases/core/hooks.ISSUED``), in the same unit of work;
the claimed facts of the case (``once``) are marked used at the same time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.cases.core import hooks
from tongban.cases.models import Case, ResultDocument
from tongban.licences import service as licences
from tongban.licences.models import Licence
from tongban.sharing import once
from tongban.sharing.casefacts import sources_of
from tongban.sharing.connectors import typed
from tongban.sharing.models import SourceRecord

Row = tuple[str, str, dict[str, Any]]  # (source, key, fields to set)
Feed = Callable[[dict[str, Any], Licence | None], Iterator[Row]]
# Fields a record keeps from the licence that first registered it: a later licence of the
# same subject (换发 under the same number, a 变更登记, a simulated issue) changes what it
# registers (住所, 注册资本, 经营范围 …) but never the day the enterprise came into being
# (成立日期: 《市场主体登记管理条例》, 营业执照签发日期为市场主体的成立日期, the first one).
KEPT: dict[str, frozenset[str]] = {"enterprise_register": frozenset({"established_on"})}


def _text(form: dict[str, Any], *names: str) -> str | None:
    return next((str(form[n]) for n in names if form.get(n) not in (None, "")), None)


def _number(form: dict[str, Any], name: str) -> float | None:
    value = form.get(name)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _business(form: dict[str, Any], licence: Licence | None) -> Iterator[Row]:
    assert licence is not None
    sole = "trade_name" in form and "enterprise_name" not in form
    scope = form.get("business_scope")
    yield (
        "enterprise_register",
        licence.holder_code,
        {
            "credit_code": licence.holder_code,
            "name": licence.holder_name,
            "enterprise_type": "个体工商户" if sole else _text(form, "enterprise_type"),
            "legal_rep_name": _text(form, "legal_rep_name", "applicant_name"),
            "legal_rep_id_number": _text(form, "legal_rep_id_number", "applicant_id_number"),
            "registered_address": _text(form, "registered_address", "premises_address"),
            "division_code": licence.holder_code[2:8],
            "registered_capital": _number(form, "funding_amount" if sole else "registered_capital"),
            "established_on": licence.issued_on.isoformat(),
            "business_scope": "、".join(scope) if isinstance(scope, list) else scope,
            "status": "存续",
        },
    )


def _struck_off(form: dict[str, Any], licence: Licence | None) -> Iterator[Row]:
    if form.get("credit_code"):
        yield "enterprise_register", str(form["credit_code"]), {"status": "注销"}


def _tax_cleared(form: dict[str, Any], licence: Licence | None) -> Iterator[Row]:
    if form.get("credit_code"):
        yield "tax", str(form["credit_code"]), {"tax_cleared": True}


def _transport(form: dict[str, Any], licence: Licence | None) -> Iterator[Row]:
    assert licence is not None
    count = form.get("freight_vehicle_count")
    yield (
        "transport",
        licence.holder_code,
        {"permit_number": licence.number, "vehicle_count": count},
    )


def _planning(form: dict[str, Any], licence: Licence | None) -> Iterator[Row]:
    assert licence is not None
    if form.get("project_code"):
        fields = {
            "permit_number": licence.number,
            "project_name": _text(form, "project_name"),
            "builder_credit_code": licence.holder_code,
        }
        yield "planning_permit", str(form["project_code"]), fields


def _property(form: dict[str, Any], licence: Licence | None) -> Iterator[Row]:
    assert licence is not None
    held = {
        "property_cert_number": licence.number,
        "property_location": _text(form, "property_location"),
        "property_unit_number": _text(form, "property_unit_number"),
        "building_area": _number(form, "building_area"),
    }
    planned = _text(form, "property_use")
    yield "real_estate", licence.holder_code, held
    yield (
        "real_estate_certificate",
        licence.number,
        {
            **held,
            "planned_use": planned,
            "owner_name": licence.holder_name,
            "owner_id_number": licence.holder_code,
        },
    )


def _birth(form: dict[str, Any], licence: Licence | None) -> Iterator[Row]:
    assert licence is not None
    if form.get("mother_id_number"):
        fields = {
            "certificate_number": licence.number,
            "child_name": _text(form, "child_name"),
            "child_birth_date": _text(form, "child_birth_date"),
        }
        yield "birth_certificate", str(form["mother_id_number"]), fields


# result name (证照、文书名称) -> what it puts into which source
FEEDS: dict[str, Feed] = {
    "营业执照": _business,
    "准予注销登记通知书": _struck_off,
    "清税证明": _tax_cleared,
    "道路运输经营许可证": _transport,
    "建设工程规划许可证": _planning,
    "不动产权证书": _property,
    "出生医学证明": _birth,
}


def put_record(
    session: Session, *, code: str, key: str, fields: dict[str, Any], now: datetime
) -> bool:
    """Set ``fields`` (None: left as they were) of the record ``key`` of the own-database
    source ``code``, creating it; a field of ``KEPT`` only where the record has none yet.
    False for a source this database does not hold."""
    source = sources_of(session).get(code)
    if source is None or source["connector"]["kind"] != "database":
        return False
    given = typed(source["fields"], {k: v for k, v in fields.items() if v is not None})
    query = select(SourceRecord).where(SourceRecord.source == code, SourceRecord.key == key)
    record = session.scalars(query).first()
    if record is None:
        record = SourceRecord(source=code, key=key, data={})
        session.add(record)
    held = record.data or {}
    kept = {name for name in KEPT.get(code, frozenset()) if held.get(name) not in (None, "")}
    record.data = {**held, **{k: v for k, v in given.items() if k not in kept}}
    record.updated_at = now
    return True


def _library(session: Session, licence: Licence, now: datetime) -> None:
    """电子证照库: the person's list of licence types held."""
    if licence.holder_code_type != "resident_id" or not licence.holder_code:
        return
    query = select(SourceRecord.data).where(
        SourceRecord.source == "e_licence", SourceRecord.key == licence.holder_code
    )
    held = session.scalar(query) or {}
    names = [n for n in str(held.get("licence_types") or "").split("、") if n]
    if licence.name not in names:
        names.append(licence.name)
    fields = {"licence_types": "、".join(names)}
    put_record(session, code="e_licence", key=licence.holder_code, fields=fields, now=now)


def feed_sources(
    session: Session, case: Case, documents: list[ResultDocument], now: datetime
) -> None:
    """Put what ``documents`` (just issued on ``case``) establish into their sources."""
    issued = {
        licence.result_document_id: licence
        for licence in licences.issued_on_case(session, case_id=case.id)
    }
    for document in documents:
        licence = issued.get(document.id)
        feed = FEEDS.get(document.title)
        if feed is not None:
            for code, key, fields in feed(case.form_data, licence):
                put_record(session, code=code, key=key, fields=fields, now=now)
        if licence is not None:
            _library(session, licence, now)
        if licence is not None and document.title == "营业执照":
            _spend_reservations(session, licence.holder_name, now)
        if document.title == "准予注销登记通知书" and case.form_data.get("credit_code"):
            _end_licences(session, case, str(case.form_data["credit_code"]), now)
    once.mark_used(session, case=case, now=now)


def _end_licences(session: Session, case: Case, code: str, now: datetime) -> None:
    reason = (
        f"企业已注销登记（办件 {case.number}，准予注销登记通知书），"
        "依《行政许可法》第七十条第（三）项注销其行政许可"
    )
    reason_en = (
        f"The enterprise's registration was cancelled (case {case.number}, notice of "
        "approval of deregistration): its administrative licences are cancelled under "
        "art. 70(3) of the Administrative Licensing Law"
    )
    licences.cancel_for_ended_holder(
        session, holder_code=code, reason=reason, reason_en=reason_en, now=now
    )


def _spend_reservations(session: Session, name: str, now: datetime) -> None:
    """The name a 营业执照 registers uses up its reservations (名称自主申报: one company per
    reservation): marked 已使用, so no later founding is filled with it."""
    query = select(SourceRecord).where(
        SourceRecord.source == "name_reservation", SourceRecord.name_key == name
    )
    for reservation in session.scalars(query):
        if (reservation.data or {}).get("name") == name:
            reservation.data = {**reservation.data, "status": "已使用"}
            reservation.updated_at = now


hooks.ISSUED.append(feed_sources)
