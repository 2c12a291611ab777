"""Result documents and notices as PDF: the licence or approval of each item, a refusal
decision, and the notices kept with the case's documents.

Every result (a licence, and a document such as a 备案回执 or 确认书: 电子证照 covers
证照、批文、证明) is made by the licence maker that the e-licence domain
(``tongban.licences``, above this layer) registers with :func:`licence_maker`: a signed
record and a PDF that looks like the document, its number on the result document.

A refusal decision (不予行政许可决定书), a notice (补正告知书, 不予受理通知书, 容缺受理通知书,
终止办理通知书), and a result where no licence maker is loaded (a tool that loads only
``cases``) are official documents of the case's department (``tongban.documents.official``):
the organ's name and seal, a document number (文号) from the row's id, and a QR code that
opens the public verification page (``verify_document``) with the row's random
``verification_code``. The row holds what it prints (``content``, sealed); the worker's job
``document.print`` prints it right after the commit and signs the PDF like an e-licence's
(PAdES under the platform's PDF key, ``documents/pades.py``), and until then it is 生成中
like an e-licence's face.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.cases.core import definition, hooks
from tongban.cases.models import Case, ResultDocument
from tongban.catalog.models import Department
from tongban.documents import official
from tongban.documents import verify as document_verify
from tongban.documents.verify import FileProblem, FileVerdict
from tongban.files.store import FileStore
from tongban.jobs import service as jobs
from tongban.jobs.registry import register

# 发文字号's word per kind of document (SCJG不许〔2026〕000012号; 不予受理通知书: SCJG不受〔…〕;
# a 不予备案决定书 is a refusal numbered 不备);
# "文" only for a result printed where no licence maker is loaded
NUMBER_WORDS = {
    "refusal": "不许",
    "rejection": "不受",
    "termination": "终止",
    "deficiency_notice": "容缺",
    "correction": "补正",
}
PRINT_JOB = "document.print"
REMEDIES = "如不服本决定，可在收到之日起六十日内申请行政复议，或六个月内提起行政诉讼。"


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


def _store(session: Session, case: Case, **fields: Any) -> ResultDocument:
    document = ResultDocument(case_id=case.id, **fields)
    session.add(document)
    return document


def _official(
    session: Session,
    case: Case,
    *,
    department: str,
    rows: list[tuple[str, str]],
    footer: str,
    now: datetime,
    word: str | None = None,
    **fields: Any,
) -> ResultDocument:
    """Store an official document of ``department`` (a code) on ``case``: numbered from
    its row (文号, its word ``word`` or its kind's in ``NUMBER_WORDS``), with a fresh verification code and what it prints; the worker prints
    it right after the commit (``document.print``; rendering takes a few tenths of a
    second, kept out of the request like an e-licence's face)."""
    document = _store(session, case, storage_key="", issued_at=now, **fields)
    session.flush()
    issuer = session.get_one(Department, department)
    document.number = document_number(issuer.code, document.kind, document.id, now, word=word)
    document.verification_code = secrets.token_hex(12)
    document.content = {
        "issuer": issuer.name,
        "rows": [list(row) for row in rows],
        "footer": footer,
    }
    jobs.enqueue(
        session,
        kind=PRINT_JOB,
        due_at=now,
        now=now,
        payload={"document_id": document.id},
        key=f"{PRINT_JOB}:{document.id}",
    )
    return document


def document_number(
    department: str, kind: str, ident: int, issued_at: datetime, *, word: str | None = None
) -> str:
    """An official document's number (文号): its department, its kind's word (or ``word``),
    the year it was issued and its row's id."""
    word = word or NUMBER_WORDS.get(kind, "文")
    return f"{department}{word}〔{timefmt.local(issued_at).year}〕{ident:06d}号"


def result_sheet(
    item: dict[str, Any], *, number: str, holder: str, now: datetime
) -> tuple[datetime | None, list[tuple[str, str]], str]:
    """What the result of ``item`` issued at ``now`` on case ``number`` says when printed
    as an official document: its validity, its rows and its footer."""
    years = item["result"].get("validity_years")
    valid_until = timefmt.end_of_day(timefmt.validity_end(now, years)) if years else None
    rows = [
        ("办件编号", number),
        ("持证主体", holder),
        ("事项名称", item["name"]),
        ("有效期至", _date(valid_until) if valid_until else "长期"),
    ]
    return valid_until, rows, f"依据：{item['legal_basis'][0]}"


@register(PRINT_JOB, store=True)
def print_document(
    session: Session, *, payload: dict[str, Any], now: datetime, store: FileStore
) -> None:
    """The job: print and sign the decision or notice of ``payload["document_id"]`` unless
    it is printed (or purged). Idempotent: the row gets its file in the job's transaction;
    a run that dies before its commit leaves only an orphan file no one was given (the
    signature's time and nonce make each run's file its own), and the retry prints again."""
    query = select(ResultDocument).where(ResultDocument.id == int(payload["document_id"]))
    document = session.scalar(query.with_for_update())
    if document is None or document.ready or not document.content:
        return
    press = official.current()
    printed = official.Document(
        title=document.title,
        number=str(document.number),
        issuer=str(document.content["issuer"]),
        issued_on=timefmt.local(document.issued_at).date(),
        rows=[(str(label), str(value)) for label, value in document.content["rows"]],
        footer=str(document.content["footer"]),
        verify_url=press.verify_url(str(document.number), str(document.verification_code)),
    )
    document.storage_key = store.put(official.issue(printed, press))


def issue_results(
    session: Session, *, case: Case, spec: dict[str, Any], store: FileStore, now: datetime
) -> list[ResultDocument]:
    """One result document per item that has a result, prerequisites first (a bundle's
    ``requires``: the 营业执照 before the 食品经营许可证 that carries its code)."""
    issued = []
    for item in definition.in_order(spec):
        result = item["result"]
        if result["kind"] == "none":
            continue
        valid_until, rows, footer = result_sheet(
            item, number=case.number, holder=_holder(case), now=now
        )
        if LICENCE_MAKERS:  # every result is a signed e-licence (证照、批文、证明)
            issued.append(_licence(session, case, item, store, now, valid_until))
            continue
        issued.append(
            _official(
                session,
                case,
                department=item["department"],
                rows=rows,
                footer=footer,
                now=now,
                item_code=item["code"],
                title=result["name"],
                kind=result["kind"],
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
    now: datetime,
) -> ResultDocument:
    """不予行政许可决定书 of the case's lead department: the reasons and the right to review
    or sue (行政许可法 art. 38), sealed, numbered and verifiable by its QR code. A case
    made only of filings (备案, not a 行政许可) gets a 不予备案决定书."""
    title, word, rows = refusal_sheet(
        spec, applicant=_applicant(case), number=case.number, reasons=reasons
    )
    return _official(
        session,
        case,
        department=case.lead_department,
        rows=rows,
        footer=REMEDIES,
        now=now,
        item_code=None,
        title=title,
        kind="refusal",
        word=word,
        valid_until=None,
    )


def refusal_sheet(
    spec: dict[str, Any], *, applicant: str, number: str, reasons: str
) -> tuple[str, str | None, list[tuple[str, str]]]:
    """What a refusal of case ``number`` (its ``spec``) prints: its title, the word of its
    number (None: the kind's) and its rows; its footer is ``REMEDIES``."""
    filing = all(item.get("kind") == "filing" for item in spec["items"])
    rows = [
        ("申请人", applicant),
        ("办件编号", number),
        ("申请事项", spec["name"]),
        ("不予备案理由" if filing else "不予许可理由", reasons),
    ]
    if filing:
        return "不予备案决定书", "不备", rows
    return "不予行政许可决定书", None, rows


def issue_notice(
    session: Session,
    *,
    case: Case,
    title: str,
    kind: str,
    lines: list[tuple[str, str]],
    footer: str,
    now: datetime,
) -> ResultDocument:
    """A notice of the case's lead department to the applicant, kept with the case's
    documents (补正告知书, 容缺受理通知书, 终止办理通知书): the applicant and case number first, then
    ``lines``; sealed, numbered and verifiable like a decision."""
    head = [("申请人", _holder(case)), ("办件编号", case.number)]
    return _official(
        session,
        case,
        department=case.lead_department,
        rows=head + lines,
        footer=footer,
        now=now,
        item_code=None,
        title=title,
        kind=kind,
        valid_until=None,
    )


@dataclass(frozen=True)
class DocumentCheck:
    """What the public verification says of a decision or notice: the document (None: no
    document has that number and code), its issuer's name, whether its file was deleted
    after the retention period (``privacy.retention``), and, given a file, the verdict on
    it and why (None: no file given, or the original is still being printed)."""

    document: ResultDocument | None
    issuer: str = ""
    purged: bool = False
    verdict: FileVerdict | None = None
    problem: FileProblem | None = None

    @property
    def reason(self) -> tuple[str, str] | None:
        """The verdict's reason (Chinese, English), None without a verdict."""
        if self.verdict is None:
            return None
        return document_verify.REASONS[self.problem] if self.problem else document_verify.VALID


def verify_document(
    session: Session, *, number: str, code: str, store: FileStore, data: bytes | None = None
) -> DocumentCheck:
    """Look up the official document numbered ``number`` whose verification code is
    ``code`` (both from its QR code) and, given ``data``, check the file by its embedded
    PDF signature (``documents/verify.py``): valid when signed with one of the platform's
    PDF keys over the whole file and naming this document, even after its original was
    purged. An unsigned file (printed before documents were signed) is compared with the
    stored original by SHA-256. Reads only."""
    query = select(ResultDocument).where(
        ResultDocument.number == number.strip()[:40],
        ResultDocument.verification_code.is_not(None),
    )
    document = session.scalars(query).first()
    if document is None or not secrets.compare_digest(
        str(document.verification_code), code.strip()
    ):
        return DocumentCheck(None)
    case = session.get_one(Case, document.case_id)
    issuer = str((document.content or {}).get("issuer") or "")
    if not issuer:  # purged: the particulars went with the case's personal data
        issuer = session.get_one(Department, case.lead_department).name
    purged = case.purged_at is not None
    if data is None or not (document.ready or purged):
        return DocumentCheck(document, issuer, purged)
    checked = document_verify.check_file(data, official.current().keyring.keys())
    problem = document_verify.problem_of(
        checked, number=str(document.number), code=str(document.verification_code)
    )
    if problem == FileProblem.missing and document.ready:
        stored = hashlib.sha256(store.get(document.storage_key)).digest()
        problem = None if hashlib.sha256(data).digest() == stored else FileProblem.differs
    verdict = document_verify.verdict_of(problem)
    return DocumentCheck(document, issuer, purged, verdict, problem)
