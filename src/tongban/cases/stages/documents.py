"""Result documents as PDF: the licence or approval of each item, or a refusal decision.

Every result (a licence, and a document such as a 备案回执 or 确认书: 电子证照 covers
证照、批文、证明) is made by the licence maker that the e-licence domain
(``tongban.licences``, above this layer) registers with :func:`licence_maker`: a signed
record and a PDF that looks like the document, its number on the result document. Without
one (a tool that loads only ``cases``), the plain document below stands in.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.cases.core import hooks
from tongban.cases.models import Case, ResultDocument
from tongban.files.store import FileStore

FONT = "STSong-Light"  # an Adobe CID font every PDF reader has: no font file to ship
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


@dataclass(frozen=True)
class MadeLicence:
    """What a licence maker returns: the licence number and the stored PDF's key."""

    number: str
    storage_key: str


# (session, case, item of the spec, its result document, store, now) -> the licence made
LicenceMaker = Callable[
    [Session, Case, dict[str, Any], ResultDocument, FileStore, datetime], MadeLicence
]
LICENCE_MAKERS: list[LicenceMaker] = []


def licence_maker(maker: LicenceMaker) -> LicenceMaker:
    """Register the maker of licence results (the last registered one is used)."""
    LICENCE_MAKERS.append(maker)
    return maker


def render_pdf(title: str, lines: list[tuple[str, str]], footer: str) -> bytes:
    """A one-page A4 document with a title, label/value lines and a footer."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    width, height = A4
    pdf.setTitle(title)
    pdf.setFont(FONT, 22)
    pdf.drawCentredString(width / 2, height - 40 * mm, title)
    y = height - 60 * mm
    for label, value in lines:
        pdf.setFont(FONT, 12)
        pdf.drawString(25 * mm, y, f"{label}：")
        pdf.drawString(65 * mm, y, value[:60])
        y -= 10 * mm
    pdf.setFont(FONT, 10)
    pdf.drawString(25 * mm, 30 * mm, footer[:90])
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _date(value: datetime) -> str:
    """The date in the configured zone (``TONGBAN_TIMEZONE``), as documents write it."""
    return timefmt.chinese_date(value)


def file_name(case_number: str, document: ResultDocument) -> str:
    """What a result document is saved as: the case number, the document's title and,
    for a licence, its number."""
    if document.number:
        return f"{case_number}-{document.title}-{document.number}.pdf"
    return f"{case_number}-{document.title}.pdf"


def _holder(case: Case) -> str:
    """Whom a result document names: the operator the form names, else the child it is
    about (a newborn's 户口页, 预防接种证), else the applicant (never the agent over them;
    the e-licences follow the same rule, ``licences/holders.py``)."""
    data = case.form_data
    named = ("enterprise_name", "trade_name", "child_name", "applicant_name")
    return str(next((data[name] for name in named if data.get(name)), ""))


def _applicant(case: Case) -> str:
    data = case.form_data
    return str(data.get("enterprise_name") or data.get("applicant_name") or "")


def _store(session: Session, case: Case, store: FileStore, **fields: Any) -> ResultDocument:
    document = ResultDocument(case_id=case.id, **fields)
    session.add(document)
    return document


def issue_results(
    session: Session, *, case: Case, spec: dict[str, Any], store: FileStore, now: datetime
) -> list[ResultDocument]:
    """One result document per item that has a result."""
    issued = []
    for item in spec["items"]:
        result = item["result"]
        if result["kind"] == "none":
            continue
        years = result.get("validity_years")
        valid_until = now.replace(year=now.year + years) if years else None
        if LICENCE_MAKERS:  # every result is a signed e-licence (证照、批文、证明)
            issued.append(_licence(session, case, item, store, now, valid_until))
            continue
        lines = [
            ("办件编号", case.number),
            ("持证主体", _holder(case)),
            ("事项名称", item["name"]),
            ("发证日期", _date(now)),
            ("有效期至", _date(valid_until) if valid_until else "长期"),
        ]
        pdf = render_pdf(result["name"], lines, f"依据：{item['legal_basis'][0]}")
        issued.append(
            _store(
                session,
                case,
                store,
                item_code=item["code"],
                title=result["name"],
                kind=result["kind"],
                storage_key=store.put(pdf),
                issued_at=now,
                valid_until=valid_until,
            )
        )
    for hook in hooks.ISSUED:
        hook(session, case, issued, now)
    return issued


def _licence(
    session: Session,
    case: Case,
    item: dict[str, Any],
    store: FileStore,
    now: datetime,
    valid_until: datetime | None,
) -> ResultDocument:
    result = item["result"]
    document = _store(
        session,
        case,
        store,
        item_code=item["code"],
        title=result["name"],
        kind=result["kind"],
        storage_key="",
        issued_at=now,
        valid_until=valid_until,
    )
    session.flush()
    made = LICENCE_MAKERS[-1](session, case, item, document, store, now)
    document.number, document.storage_key = made.number, made.storage_key
    return document


def issue_refusal(
    session: Session,
    *,
    case: Case,
    spec: dict[str, Any],
    reasons: str,
    store: FileStore,
    now: datetime,
) -> ResultDocument:
    """不予行政许可决定书: reasons and the right to review or sue (行政许可法 art. 38)."""
    lines = [
        ("办件编号", case.number),
        ("申请人", _applicant(case)),
        ("申请事项", spec["name"]),
        ("决定日期", _date(now)),
        ("不予许可理由", reasons),
    ]
    footer = "如不服本决定，可在收到之日起六十日内申请行政复议，或六个月内提起行政诉讼。"
    pdf = render_pdf("不予行政许可决定书", lines, footer)
    return _store(
        session,
        case,
        store,
        item_code=None,
        title="不予行政许可决定书",
        kind="refusal",
        storage_key=store.put(pdf),
        issued_at=now,
        valid_until=None,
    )


def issue_notice(
    session: Session,
    *,
    case: Case,
    title: str,
    kind: str,
    lines: list[tuple[str, str]],
    footer: str,
    store: FileStore,
    now: datetime,
) -> ResultDocument:
    """A notice to the applicant kept with the case's documents (容缺受理通知书, 终止办理
    通知书): the case number and applicant first, then ``lines``."""
    head = [("办件编号", case.number), ("申请人", _holder(case))]
    pdf = render_pdf(title, head + lines, footer)
    document = _store(
        session,
        case,
        store,
        item_code=None,
        title=title,
        kind=kind,
        storage_key=store.put(pdf),
        issued_at=now,
        valid_until=None,
    )
    session.flush()
    return document
