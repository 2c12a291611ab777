"""Printing (制作证照版面): the PDF face of an issued licence, made by the worker's job
``licence.print`` right after the licence is issued.

The licence is valid from its commit (its record is signed then); the job draws the face
from the signed rows, signs a statement binding the face's SHA-256 and length to the
record's signature (``record.face_statement``, same key as the record), attaches the
envelope (record, both signatures) and the PAdES signature under the PDF key (ECDSA
P-256, ``pades``; the statement names its algorithm); it stores
the file and fills ``storage_key``, ``pdf_sha256`` and ``face_signature`` on the licence
and ``storage_key`` on its result document, in the job's own transaction.

Idempotent: a licence that already has its PDF is left alone, and a run that dies before
its commit leaves nothing but a content-addressed orphan file, so the retry (the job's
backoff, at least once) prints it again. The face is deterministic (invariant PDF).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.cases.models import ResultDocument
from tongban.documents import pades
from tongban.documents.signing import sign_bytes
from tongban.files.store import FileStore
from tongban.jobs import service as jobs
from tongban.jobs.registry import register
from tongban.licences import envelope, pdf
from tongban.licences.face import Face
from tongban.licences.models import Licence
from tongban.licences.record import PDF_SIGNATURE, face_statement, record_of
from tongban.licences.setup import current

KIND = "licence.print"


def ask(session: Session, *, licence: Licence, now: datetime) -> None:
    """Ask the worker to print ``licence``, issued in this transaction, at once (one job
    per licence, in the caller's transaction: it exists only if the issue commits; no job
    can have the new licence's key yet, so none is looked for)."""
    jobs.enqueue(
        session,
        kind=KIND,
        due_at=now,
        now=now,
        payload={"licence_id": licence.id},
        key=f"{KIND}:{licence.id}",
        new_key=True,
    )


def face_of(licence: Licence, *, signer: str) -> Face:
    """The record's fields every layout prints."""
    return Face(
        name=licence.name,
        number=licence.number,
        holder_name=licence.holder_name,
        holder_code=licence.holder_code,
        holder_code_type=licence.holder_code_type,
        issuer_name=licence.issuer_name,
        issued_on=licence.issued_on,
        valid_until=licence.valid_until,
        signer=signer,
    )


@register(KIND, store=True)
def print_job(
    session: Session, *, payload: dict[str, Any], now: datetime, store: FileStore
) -> None:
    """The job: print the licence of ``payload["licence_id"]`` unless it is printed."""
    query = select(Licence).where(Licence.id == int(payload["licence_id"]))
    licence = session.scalar(query.with_for_update())
    if licence is not None and not licence.pdf_ready:
        print_licence(session, licence=licence, store=store, now=now)


def print_licence(session: Session, *, licence: Licence, store: FileStore, now: datetime) -> None:
    """Draw, sign and store the face of an issued licence (see the module's text).

    Raises RuntimeError when the record's key has no private part here any more (the job
    is retried and, after its attempts, listed for operators).
    """
    setup = current()
    key = setup.keyring.key(licence.key_id)
    if key is None or key.private is None:
        raise RuntimeError(f"no private key {licence.key_id} to print licence {licence.id}")
    pdf_key = setup.pdf_keyring.active()
    licence.fields = {**licence.fields, PDF_SIGNATURE: str(pdf_key.algorithm)}
    rows = [(str(label), str(value)) for label, value in licence.fields["rows"]]
    printed = pdf.render(
        layout=licence.fields.get("layout", "general"),
        title=licence.name,
        rows=rows,
        face=face_of(licence, signer=str(licence.fields.get("signer", "—"))),
        identifier=licence.identifier,
        verify_url=setup.verify_url(licence.identifier),
        font_path=setup.font,
    )
    statement = face_statement(
        licence=licence, pdf_sha256=envelope.digest(printed), pdf_length=len(printed)
    )
    face_signature = sign_bytes(key, envelope.canonical(statement)).hex()
    sealed = {
        "record": record_of(licence),
        "signature": licence.signature,
        "face": statement,
        "face_signature": face_signature,
    }
    data = envelope.attach(printed, sealed)
    reason = f"电子证照签发 {licence.name} {licence.number}"
    data = pades.sign_pdf(data, pdf_key, reason=reason, location=licence.issuer_name)
    licence.storage_key = store.put(data)
    licence.pdf_sha256, licence.face_signature = statement["pdf_sha256"], face_signature
    licence.fields = {**licence.fields, "pdf_length": len(printed)}
    licence.printed_at = now
    if licence.result_document_id is not None:
        session.get_one(
            ResultDocument, licence.result_document_id
        ).storage_key = licence.storage_key
