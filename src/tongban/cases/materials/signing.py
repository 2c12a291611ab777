"""Online signing (way ``signed``): the applicant reads a commitment letter (告知承诺书)
whose text the catalog holds, and signs it in the page by typing their name.

What is kept is what a signature on paper proves and a little more: who signed (the
account and the name typed), when, which text (the catalog version the case runs on and
the SHA-256 of the text read), and the signed letter as a PDF with the case. The text of a
case's version never changes, so the hash always names the text the applicant read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.lib.units import inch, mm
from reportlab.platypus import Flowable, Spacer
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.cases.core import access, definition
from tongban.cases.core.transition import record_case
from tongban.cases.enums import CaseState, TrustLevel
from tongban.cases.materials import provision
from tongban.cases.models import Case, Material
from tongban.catalog.enums import MaterialWay
from tongban.documents import paper
from tongban.errors import Conflict, InvalidInput
from tongban.files.store import FileStore
from tongban.textutil import fold


def text_digest(text: str) -> str:
    """SHA-256 (hex) of the UTF-8 text the applicant read."""
    return hashlib.sha256(text.encode()).hexdigest()


def letter(session: Session, *, case: Case, material_code: str) -> dict[str, Any]:
    """The text to sign of one material of the case: ``{code, name, text, text_en, sha256,
    version}`` (``text_en``: its English to read, or None; the Chinese text is what is
    signed); InvalidInput when the material is not signed online."""
    entry = definition.material(definition.spec_of(session, case), material_code)
    if entry is None or MaterialWay.signed not in provision.ways_of(entry) or not entry.get("text"):
        raise InvalidInput(
            f"本事项没有需在线签署的材料“{material_code}”。",
            f"No material '{material_code}' to sign online.",
            field="material_code",
        )
    text = str(entry["text"])
    return {
        "code": material_code,
        "name": entry["name"],
        "text": text,
        "text_en": entry.get("text_en"),
        "sha256": text_digest(text),
        "version": case.catalog_version_id,
    }


@dataclass(frozen=True)
class Witness:
    """A signature given at the window (窗口签署), before a clerk: ``method`` ``paper`` (the
    printed letter signed by hand, the clerk confirming it) or ``screen`` (the name typed
    by the applicant on the window's screen)."""

    clerk: User
    method: str

    @property
    def how_zh(self) -> str:
        return "在打印的承诺书上手写签名" if self.method == "paper" else "在窗口屏幕上输入姓名"


def letter_pdf(
    title: str, text: str, signed: list[str] | None = None, digest: str | None = None
) -> bytes:
    """The letter as an A4 PDF: with the lines saying who signed, when and how, or (None)
    with a blank line to sign by hand (the copy printed at the window), in the embedded
    font (``documents.paper``)."""

    def story() -> list[Flowable]:
        body, heading = paper.styles(11, 17)
        flow: list[Flowable] = [paper.paragraph(title, heading), Spacer(1, 8 * mm)]
        flow += [paper.paragraph(part, body) for part in text.split("\n") if part.strip()]
        lines = signed or ["承诺人（签名）：______________", "日期：______年____月____日"]
        flow += [Spacer(1, 10 * mm), *(paper.paragraph(line, body) for line in lines)]
        if digest:
            flow.append(paper.paragraph(f"文本摘要（SHA-256）：{digest}", body))
        return flow

    return paper.build(title, story, margin=inch)


def _pdf(
    title: str, text: str, signer: str, now: datetime, digest: str, witness: Witness | None
) -> bytes:
    lines = [f"承诺人（在线签署）：{signer}", f"签署时间：{timefmt.moment(now)}"]
    if witness is not None:
        lines = [
            f"承诺人（窗口签署，{witness.how_zh}）：{signer}",
            f"签署时间：{timefmt.moment(now)}",
            f"见证工作人员：{witness.clerk.display_name}",
        ]
    return letter_pdf(title, text, lines, digest)


def sign_material(
    session: Session,
    *,
    case: Case,
    user: User,
    material_code: str,
    name: str,
    store: FileStore,
    now: datetime,
) -> Material:
    """The applicant signs a commitment letter of their draft (or case in correction) by
    typing their name as registered; replaces an earlier signature of the same letter."""
    access.check_owner(user, case)
    if case.state not in (CaseState.draft, CaseState.correction_requested):
        raise Conflict("办件已提交，不能再签署。", "The case was submitted; signing is closed.")
    read = letter(session, case=case, material_code=material_code)
    return sign_text(session, case=case, user=user, read=read, name=name, store=store, now=now)


def sign_text(
    session: Session,
    *,
    case: Case,
    user: User,
    read: dict[str, Any],
    name: str,
    store: FileStore,
    now: datetime,
    witness: Witness | None = None,
) -> Material:
    """Sign the text ``read`` (``{code, name, text, sha256, version}``, as :func:`letter`
    gives it, or a commitment the platform writes, such as the 容缺承诺书) in the name of
    the case's applicant, typed as registered; kept as material ``read["code"]`` with its
    PDF. The caller checks who may sign and when. With ``witness`` the applicant signed at
    the window before that clerk (who is then ``user``), as the record and PDF say."""
    material_code = str(read["code"])
    applicant = session.get_one(User, case.applicant_id)
    if fold(name) != fold(applicant.display_name):
        raise InvalidInput(
            f"请输入申请人姓名“{applicant.display_name}”以确认签署。",
            f"Type the applicant's name '{applicant.display_name}' to sign.",
            field=f"materials.{material_code}",
        )
    old = provision.current_rows(session, case=case).get(material_code)
    if old is not None:
        old.replaced_at = now
    pdf = _pdf(read["name"], read["text"], applicant.display_name, now, read["sha256"], witness)
    where = {"zh": "已在线签署", "en": "Signed online"}
    if witness is not None:
        where = {
            "zh": f"已在窗口签署（{witness.how_zh}，{witness.clerk.display_name}见证）",
            "en": "Signed at the window before a clerk",
            "channel": "window",
            "method": witness.method,
            "witnessed_by": actor_of(witness.clerk).name,
        }
    key = store.put(pdf)
    row = Material(
        case_id=case.id,
        material_code=material_code,
        way=MaterialWay.signed,
        trust_level=TrustLevel.d,
        reference=f"sha256:{read['sha256']}",
        detail={
            **where,
            "signer": applicant.display_name,
            "signed_by_id": applicant.id if witness else user.id,
            "signed_at": now.isoformat(),
            "text_version": read["version"],
            "text_sha256": read["sha256"],
        },
        filename=f"{read['name']}.pdf",
        content_type="application/pdf",
        size=len(pdf),
        sha256=key,
        storage_key=key,
        uploaded_by_id=user.id,
        uploaded_at=now,
    )
    session.add(row)
    session.flush()
    record_case(
        session,
        now=now,
        action="material.signed",
        actor=actor_of(user),
        object_type="material",
        object_id=row.id,
        case=case,
        data={
            "material_code": material_code,
            "text_sha256": read["sha256"],
            **({"channel": "window", "method": witness.method} if witness else {}),
        },
    )
    return row
