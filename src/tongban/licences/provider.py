"""The "held e-licence" way of satisfying a material (材料获取方式: 电子证照): a licence of
the material's ``licence_type`` that the applicant holds and that is in force satisfies it,
trust level A, and the applicant reads "已有电子证照，无需上传".

The applicant holds a licence issued under the ID number or credit code of their account,
or on one of their own earlier cases (a 营业执照 of an enterprise they registered). A code
typed into the form proves nothing by itself. And the licence must belong to the case's
own subject (``subject_codes``): a 营业执照 of one company never satisfies the material
of a case filed under another company's credit code, even when the applicant holds both.
Each use is audited (``licence.used``) at submission, so the holder can see where a
licence served.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.accounts.models import User
from tongban.audit.service import SYSTEM, record
from tongban.cases.enums import TrustLevel
from tongban.cases.materials import registry
from tongban.cases.materials.registry import Provided, Unavailable
from tongban.cases.models import Case, Material
from tongban.catalog.enums import MaterialWay
from tongban.licences import holders, service


def subject_codes(material: dict[str, Any], form: dict[str, Any], applicant: User) -> set[str]:
    """The codes a licence satisfying ``material`` may name as its holder: the people the
    material's ``shared_keys`` fields name (the legal representative, the parents); else,
    by the holder rule of its licence type (``holders.holder_kind``), the operator's
    credit code on the form (the account's own when the form has none), the newborn's
    parents, or the person the form names (the account's own identity when it has none)."""
    named = [form.get(path) for path in material.get("shared_keys") or [] if "[]" not in path]
    if named:
        return {str(value) for value in named if value}
    kind = holders.holder_kind(str(material.get("licence_type")), form)
    if kind == "operator":
        wanted = form.get("credit_code") or applicant.credit_code
    elif kind == "newborn":
        return {str(form[n]) for n in ("mother_id_number", "father_id_number") if form.get(n)}
    else:
        wanted = form.get("applicant_id_number") or applicant.id_number
    return {str(wanted)} if wanted else set()


def provide(
    session: Session, *, case: Case, material: dict[str, Any], now: datetime
) -> Provided | Unavailable:
    """The applicant's licence of the material's type in force today, if any (reads only)."""
    name = material.get("licence_type")
    if not name:
        return Unavailable("该材料未指明证照种类", "The material names no licence type")
    applicant = session.get_one(User, case.applicant_id)
    today = timefmt.local(now).date()
    subjects = subject_codes(material, case.form_data or {}, applicant)
    licence = service.held_licence(
        session, name=str(name), holder=applicant, subjects=subjects, today=today
    )
    if licence is None:
        return Unavailable(
            f"您名下没有有效的{name}电子证照",
            f"You hold no valid e-licence of this kind ({name})",
        )
    return Provided(
        reference=licence.identifier,
        trust=TrustLevel.a,
        summary_zh=f"已有电子证照，无需上传（{licence.name} {licence.number}）",
        summary_en=f"E-licence held, no upload needed ({licence.number})",
        detail={"licence_id": licence.id, "number": licence.number, "name": licence.name},
    )


def recorded(
    session: Session, *, case: Case, material: Material, entry: dict[str, Any], now: datetime
) -> None:
    """Audit the use of the licence for this case (``licence.used``)."""
    licence = service.find(session, text=str(material.reference or ""))
    if licence is None:
        return
    record(
        session,
        at=now,
        action="licence.used",
        actor=SYSTEM,
        object_type="licence",
        object_id=licence.id,
        case_id=case.id,
        subject_id=case.applicant_id,
        data={"material": str(entry["code"]), "number": licence.number},
    )


registry.register(MaterialWay.licence, provide, recorded=recorded)
