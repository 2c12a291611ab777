"""Trust levels of a case's materials (A-D, after the national technical guide) and the
one act that raises one: a clerk at the window checks an uploaded material against its
original (已核验原件), C → B."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.cases.core.transition import actionable_task, record_case
from tongban.cases.enums import Stage, TrustLevel
from tongban.cases.models import Case, Material
from tongban.catalog.enums import MaterialWay
from tongban.errors import Conflict, NotFound

LEVEL_NAMES = {
    TrustLevel.a: (
        "A 级：平台签发或权威来源调取",
        "A: issued by the platform or pulled from the source",
    ),
    TrustLevel.b: ("B 级：已核验原件", "B: checked against the original"),
    TrustLevel.c: ("C 级：申请人上传", "C: uploaded by the applicant"),
    TrustLevel.d: ("D 级：申请人承诺", "D: declared under commitment"),
}


def level_name(
    level: TrustLevel | str | None, locale: str = "zh", *, unconfirmed: bool = False
) -> str:
    """How a page writes a trust level; a 协查 has none until answered, and none when the
    issuer answered it could not verify the material (``unconfirmed``: 未能核实)."""
    if level is None and unconfirmed:
        return (
            "Not verified (the issuer could not confirm it)"
            if locale == "en"
            else "未能核实（协查未确认）"
        )
    if level is None:
        return "Pending verification" if locale == "en" else "待协查核实"
    zh, en = LEVEL_NAMES[TrustLevel(level)]
    return en if locale == "en" else zh


def check_original(session: Session, *, material_id: int, user: User, now: datetime) -> Material:
    """The clerk who may accept the case saw the original of an uploaded material: its
    trust level becomes B, with who checked it and when."""
    row = session.get(Material, material_id)
    case = session.get(Case, row.case_id) if row is not None else None
    task = (
        actionable_task(session, case=case, stage=Stage.accept, user=user, now=now)
        if case is not None
        else None
    )
    if row is None or case is None or task is None:
        raise NotFound(
            f"没有找到待受理办件的材料 {material_id}。",
            f"No material {material_id} awaiting acceptance.",
        )
    if row.replaced_at is not None or row.way != MaterialWay.upload:
        raise Conflict(
            "只有申请人上传且仍有效的材料需要核验原件。",
            "Only an uploaded material in force is checked against its original.",
        )
    row.trust_level = TrustLevel.b
    row.checked_by, row.checked_at = user.display_name, now
    record_case(
        session,
        now=now,
        action="material.checked",
        actor=actor_of(user),
        object_type="material",
        object_id=row.id,
        case=case,
        data={"material_code": row.material_code},
    )
    return row
