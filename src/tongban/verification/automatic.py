"""协查 the platform asks by itself (way ``verified``): a material that is a certificate
issued by another department (the catalog names its ``issuer``) is not asked of the
applicant; when the case is accepted, the department handling the item asks the issuer
about the record the case names (the form's answers that identify it: a newborn's name,
birth date, certificate number and mother's ID number), and the answer (with the issuer's document, if it sends one) joins the case as that
material, trust level A.

Registered with the cases domain's provider registry on import (``tongban.models``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.audit.service import SYSTEM, platform_actor
from tongban.cases import service as cases
from tongban.cases.enums import TaskState
from tongban.cases.models import Case, Material, Task
from tongban.catalog import service as catalog
from tongban.catalog.enums import MaterialWay
from tongban.catalog.sources import key_fields, source_refs
from tongban.pii.service import mask_id
from tongban.verification import service, tasks
from tongban.verification.models import VerificationRequest

# who asked a request the platform asked by itself
ASKED_BY = platform_actor("系统（自动协查）").name


def _issuer_names(session: Session, code: str) -> tuple[str, str]:
    """The issuing department's name in Chinese and English (its Chinese name when it
    has no English one)."""
    found = catalog.get_department(session, code=code)
    return found.name, found.name_en or found.name


def _asking_task(case: Case, entry: dict[str, Any], issuer: str) -> Task | None:
    """The open task of a department that handles an item listing the material, other
    than the issuer: a review task of that item first, else any open task."""
    open_tasks = [
        t for t in case.tasks if t.state == TaskState.open and t.department_code != issuer
    ]
    items = set(entry.get("items") or [])
    listed = [t for t in open_tasks if t.item_code in items]
    return next(iter(listed or open_tasks), None)


def _asking_departments(session: Session, case: Case, material: dict[str, Any]) -> set[str]:
    """Departments of the items that list the material: they ask the issuer."""
    listed = set(material.get("items") or [])
    items = cases.spec_of(session, case)["items"]
    return {item["department"] for item in items if item["code"] in listed}


def _identifying_fields(
    source: dict[str, Any], entry: dict[str, Any], form: dict[str, Any]
) -> list[str]:
    """The form fields that say which record of ``source`` the material is: the fields its
    key is taken from (the mother's ID number), the fields pulled from the source, and
    those named like one of its fields (``child_name``, ``birth_certificate_number`` for
    the register's ``certificate_number``)."""
    names = [key.partition("[].")[0] for key in key_fields(source, entry)]
    held = tuple(source.get("fields", {}))
    for name, prop in form.get("properties", {}).items():
        pulled = any(code == source["code"] for code, _f in source_refs(prop))
        if pulled or any(name == f or name.endswith(f"_{f}") for f in held):
            names.append(name)
    return list(dict.fromkeys(names))


def _record_described(session: Session, case: Case, entry: dict[str, Any], english: bool) -> str:
    """What the issuer is asked about, as "（新生儿姓名：…；出生日期：…）" from the case's
    answers (``english``: " (Newborn's name: …; …)", by the fields' English titles);
    empty when the material names no source (the applicant is the record)."""
    source = catalog.list_sources(session).get(str(entry.get("shared_source")))
    if source is None:
        return ""
    form = cases.spec_of(session, case)["form"]
    answers = case.form_data or {}
    parts = []
    for name in _identifying_fields(source, entry, form):
        if isinstance(answers.get(name), str | int | float) and answers.get(name) != "":
            prop = form["properties"][name]
            title = (prop.get("title_en") if english else None) or prop.get("title", name)
            parts.append(f"{title}{': ' if english else '：'}{answers[name]}")
    if not parts:
        return ""
    return f" ({'; '.join(parts)})" if english else f"（{'；'.join(parts)}）"


def question(session: Session, case: Case, entry: dict[str, Any], english: bool = False) -> str:
    """The question the platform asks the issuer about the material ``entry`` of ``case``
    (in English with ``english``, for pages in English): who applied, with the ID number
    masked as on every staff page (the issuer finds the record by the case's materials; a
    credit code is public, GB 32100, and stays whole), and which record."""
    applicant = session.get_one(User, case.applicant_id)
    number = mask_id(applicant.id_number) if applicant.id_number else applicant.credit_code
    described = _record_described(session, case, entry, english)
    if english:
        name = entry.get("name_en") or entry["name"]
        return (
            f"Please verify whether the applicant {applicant.display_name} ({number or ''})'s "
            f"'{name}'{described} is genuine and valid; if so, attach the electronic document."
        )
    who = f"{applicant.display_name}（{number or ''}）"
    return f"请核验申请人{who}的“{entry['name']}”{described}是否真实有效；如有，请附电子文书。"


def provide(
    session: Session, *, case: Case, material: dict[str, Any], now: datetime
) -> cases.Provided | cases.Unavailable:
    """A certificate the issuer is asked to verify at acceptance: nothing to submit."""
    issuer = material.get("issuer")
    if not issuer:
        return cases.Unavailable("目录未写明签发部门，无法协查", "No issuing department to ask")
    if _asking_departments(session, case, material) <= {issuer}:
        return cases.Unavailable(
            "签发部门即办理部门，无需协查", "The issuing department handles the case itself"
        )
    name, name_en = _issuer_names(session, issuer)
    return cases.Provided(
        reference=f"issuer:{issuer}",
        trust=None,
        summary_zh=f"由审批部门向{name}协查，无需提交",
        summary_en=f"Verified with the {name_en} by the department; nothing to submit",
        detail={"issuer": issuer},
    )


def start(
    session: Session, *, case: Case, material: Material, entry: dict[str, Any], now: datetime
) -> None:
    """The case was accepted: ask the issuer to verify the material (once per case)."""
    if material.reference and material.reference.startswith("verification:"):
        return  # asked at an earlier acceptance
    issuer = str(entry["issuer"])
    task = _asking_task(case, entry, issuer)
    if task is None:
        return
    request = VerificationRequest(
        case=case,
        task_id=task.id,
        from_department=task.department_code,
        to_department=issuer,
        question=question(session, case, entry),
        question_en=question(session, case, entry, english=True),
        asked_by=ASKED_BY,
        asked_at=now,
        due_at=service.answer_due(session, task, now),
        material_code=material.material_code,
    )
    session.add(request)
    session.flush()
    tasks.schedule(session, request=request, now=now)
    material.reference = f"verification:{request.id}"
    cases.record_case(
        session,
        now=now,
        action="verification.ask",
        actor=SYSTEM,
        object_type="verification",
        object_id=request.id,
        case=case,
        opinion=request.question,
        data={
            "opinion_en": request.question_en,
            "task_id": task.id,
            "from_department": task.department_code,
            "to_department": issuer,
            "material_code": material.material_code,
        },
    )


cases.register_provider(MaterialWay.verified, provide, accepted=start)
