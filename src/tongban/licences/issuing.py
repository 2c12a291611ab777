"""Issuing (制证): at the issuing stage every result of kind ``licence`` becomes a signed
e-licence; registered with the case engine as its licence maker.

A licence is made in one unit of work with its case's issuing: the row (numbers from its
id, taken before its one INSERT: ``db.next_ids``), the rows its face prints, the
signature over that record (what makes it valid and verifiable), the audit entry
``licence.issued`` and the job ``licence.print``. The PDF face and its PAdES signature
take about a second of CPU, so they are not made here: the worker's job prints them right
after the commit (``printing``), and until then the licence is issued with its PDF "being
prepared" (生成中). One path for every licence: instant approval, the issuing stage,
proactive grants.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from jsonschema import Draft202012Validator
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.audit.service import SYSTEM, record
from tongban.cases.core import hooks
from tongban.cases.enums import Stage, TaskOutcome
from tongban.cases.models import Case, ResultDocument
from tongban.cases.service import spec_of
from tongban.cases.stages.documents import MadeLicence, licence_maker
from tongban.catalog.models import Department
from tongban.db import next_ids
from tongban.errors import Conflict
from tongban.files.store import FileStore
from tongban.licences import envelope, face, issued, numbers, printing
from tongban.licences.enums import HolderCodeType
from tongban.licences.holders import founds_sole_trader, holder_of, register_record
from tongban.licences.models import RECORD_FACE_APART, Licence
from tongban.licences.record import record_of
from tongban.licences.setup import current
from tongban.licences.types import LicenceType, department_credit_code, licence_type

IDENTIFY_ATTEMPTS = 5  # re-issues of one number at once that one issue waits out
# what an issued licence fills into its case's form, where the form has the field (the
# catalog's "由登记结果自动回填"): licence name -> (form field, the licence's attribute).
# The later items of a bundle and the case's pages then carry the registered value.
BACKFILLS: dict[str, tuple[str, str]] = {
    "营业执照": ("credit_code", "holder_code"),
    "出生医学证明": ("birth_certificate_number", "number"),
}


@licence_maker
def make_licence(
    session: Session,
    case: Case,
    item: dict[str, Any],
    document: ResultDocument,
    store: FileStore,
    now: datetime,
) -> MadeLicence:
    """The licence of ``item``'s result for ``case``: its number; its PDF is printed by
    the worker right after the commit (the storage key is empty until then)."""
    licence = issue_licence(session, case=case, item=item, document=document, now=now)
    return MadeLicence(number=licence.number, storage_key=licence.storage_key)


def _local_day(moment: datetime) -> date:
    return timefmt.local(moment).date()


def _signer(session: Session, case: Case, issuer_name: str) -> str:
    """签发人: the approving official (核准人) who decided the case; the issuing authority
    ``issuer_name`` where no approver decided it (告知承诺: decided on the signed
    commitment by the accepting officer, a reviewer, whom 审核与审批分离 lets approve
    nothing); who issued it where the item has no decision stage."""
    for stage in (Stage.decide, Stage.issue):
        for task in reversed(case.tasks):
            if task.stage == stage and task.outcome == TaskOutcome.approved and task.actor_name:
                actor = session.get(User, task.actor_id) if task.actor_id else None
                approver = actor is not None and actor.has_role(Role.approver)
                return task.actor_name if approver or stage == Stage.issue else issuer_name
    return "—"


def _issuer(case: Case, item: dict[str, Any], department: Department) -> tuple[str, str]:
    """Name and unified social credit code of who signs the result: the institution the
    form names where the law makes it the issuer (``result.issued_by``: 母婴保健法 第二十三条
    the 助产机构 for a 出生医学证明, 疫苗管理法 第四十七条 the 接种单位 for a 预防接种证: a
    事业单位; the demo credit code is built from the name), else the item's department (for
    低保 the county bureau of the applicant's place: ``catalog.locality``). The catalog no
    longer takes ``issued_by.name`` and ``body``; they are read for the cases still running
    on a 低保 version stored before its bureau became the item's department (a 机关 named
    ``"{}民政局"`` after the district)."""
    division = department.division_code
    issued_by = item["result"].get("issued_by")
    answer = str(case.form_data.get(issued_by["field"]) or "").strip() if issued_by else ""
    if issued_by and answer:
        pattern = issued_by.get("name")
        named = pattern.replace("{}", answer) if pattern else answer
        entity = "1" if issued_by.get("body") == "agency" else "2"
        return named, department_credit_code(named, division, entity=entity)
    return department.name, department_credit_code(department.code, division)


def issue_licence(
    session: Session,
    *,
    case: Case,
    item: dict[str, Any],
    document: ResultDocument | None,
    now: datetime,
) -> Licence:
    """Issue and sign the e-licence of ``item``'s result for ``case``, and ask the worker
    to print its PDF (``licence.print``, due at once).

    Validity: ``result.validity_years`` years from the issue date (GB/T 36903 有效期),
    None for a licence without end (长期).
    """
    kind = licence_type(item["result"]["name"])
    department = session.get_one(Department, item["department"])
    division = department.division_code
    issuer_name, issuer_code = _issuer(case, item, department)
    issued_on = _local_day(now)
    years = item["result"].get("validity_years")
    licence = Licence(
        id=next_ids(session, Licence.__table__)[0],  # its serial, before the INSERT
        case_id=case.id,
        result_document_id=document.id if document else None,
        item_code=item["code"],
        name=kind.name,
        type_code=kind.type_code,
        issuer_name=issuer_name,
        issuer_code=issuer_code,
        issuer_department=department.code,
        issued_on=issued_on,
        valid_from=issued_on,
        valid_until=timefmt.validity_end(now, years) if years else None,
        division_code=division,
        storage_key="",
        pdf_sha256="",
        record_format=RECORD_FACE_APART,
        issued_at=now,
    )
    holder = holder_of(session, case=case, item=item, serial=licence.id, division=division)
    licence.holder_name, licence.holder_code = holder.name, holder.code
    licence.holder_code_type = holder.code_type
    credit = holder.code if holder.code_type == HolderCodeType.credit_code else None
    licence.number = numbers.licence_number(
        kind,
        division=division,
        serial=licence.id,
        issued_on=issued_on,
        form=case.form_data,
        credit=credit,
    )
    condition = hooks.condition_of(session, case)
    if condition is not None:  # 附条件: signed with the record, printed on the face
        until = condition.until.isoformat()
        licence.condition = {"zh": condition.text_zh, "en": condition.text_en, "until": until}
    _identify(
        session,
        licence,
        kind,
        lambda: _sign_record(session, licence, case, item, kind.layout, holder.code_label),
    )
    issued.note(session, licence)
    printing.ask(session, licence=licence, now=now)
    backfilled = backfill(session, case=case, licence=licence)
    record(
        session,
        at=now,
        action="licence.issued",
        actor=SYSTEM,
        object_type="licence",
        object_id=licence.id,
        case_id=case.id,
        subject_id=case.applicant_id,
        to_state="valid",
        data={
            "number": licence.number,
            "licence_name": licence.name,  # a bundle's messages name each licence
            "identifier": licence.identifier,
            "key_id": licence.key_id,
            "backfilled": backfilled,
        },
    )
    return licence


def backfill(session: Session, *, case: Case, licence: Licence) -> list[str]:
    """Fill the form field that ``licence`` establishes (``BACKFILLS``) into ``case``'s
    answers where the case's form has it and the value fits the field; returns the
    names of the fields filled (none: the form has no such field, or holds the value)."""
    field, attribute = BACKFILLS.get(licence.name, ("", ""))
    prop = spec_of(session, case)["form"]["properties"].get(field)
    value = getattr(licence, attribute, None) if field else None
    if prop is None or value is None or case.form_data.get(field) == value:
        return []
    if not Draft202012Validator(prop).is_valid(value):
        return []
    case.form_data = {**case.form_data, field: value}
    return [field]


def _identify(
    session: Session, licence: Licence, kind: LicenceType, sign: Callable[[], None]
) -> None:
    """Give ``licence`` the next GB/T 36904 version under its number (换发: 2, 3 …), sign
    its record (``sign``: the identifier is part of it) and write it: one INSERT.

    Two re-issues of one number at once both count the same earlier licences; the
    identifier's unique key lets only one keep that version. The other (on PostgreSQL it
    waits for the first's commit, then fails on the key) counts again, its INSERT in a
    savepoint, and takes the next version, up to ``IDENTIFY_ATTEMPTS`` times; Conflict
    after that.
    """
    session.flush()  # what the licence refers to, outside the savepoint
    earlier = select(func.count(Licence.id)).where(
        Licence.type_code == licence.type_code,
        Licence.issuer_code == licence.issuer_code,
        Licence.number == licence.number,
    )
    for _attempt in range(IDENTIFY_ATTEMPTS):
        version = (session.scalar(earlier) or 0) + 1
        licence.identifier = str(
            numbers.identifier(
                kind, issuer_code=licence.issuer_code, number=licence.number, version=version
            )
        )
        sign()
        try:
            with session.begin_nested():
                session.add(licence)
                session.flush()
            return
        except IntegrityError:
            continue  # another re-issue took this version: count again
    raise Conflict(
        f"证照 {licence.number} 正在同时换发，请稍后重试。",
        f"Licence {licence.number} is being re-issued at the same time; try again shortly.",
    )


def domicile(session: Session, licence: Licence, form: dict[str, Any]) -> str:
    """The holder's registered domicile (住所): the form's registered address (the 营业执照
    of the same case registers it), else the enterprise register's record of the holder's
    credit code; "—" when neither holds one (never the premises: that is 经营场所)."""
    if form.get("registered_address"):
        return str(form["registered_address"])
    if licence.holder_code_type == HolderCodeType.credit_code:
        record = register_record(session, licence.holder_code) or {}
        if record.get("registered_address"):
            return str(record["registered_address"])
    return "—"


def _sign_record(
    session: Session,
    licence: Licence,
    case: Case,
    item: dict[str, Any],
    layout: str,
    code_label: str,
) -> None:
    """Sign the record: the metadata and the rows the face will print (the face's own
    hash is signed when the worker prints it)."""
    setup = current()
    signer = _signer(session, case, licence.issuer_name)
    shown = replace(printing.face_of(licence, signer=signer), holder_code_label=code_label)
    form = case.form_data
    if layout == "business":
        rows = face.business(shown, form, sole_trader=founds_sole_trader(item))
    elif layout == "food":
        rows = face.food(shown, form, domicile(session, licence, form))
    else:
        rows = face.general(shown, form, item.get("form") or {})
    if licence.condition:
        rows.append(("附条件", str(licence.condition["zh"])))
    key = setup.keyring.active()
    licence.fields = {"rows": [list(row) for row in rows], "signer": shown.signer, "layout": layout}
    licence.algorithm, licence.key_id = key.algorithm, key.key_id
    licence.signature = setup.keyring.sign(envelope.canonical(record_of(licence))).value
