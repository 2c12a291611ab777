"""The signed content of a licence: its GB/T 36903 metadata and the rows its face prints,
and (once printed) the statement binding the face's hash to that record."""

from __future__ import annotations

from typing import Any

from tongban.documents.signing import Algorithm
from tongban.licences.models import RECORD_WITH_FACE, Licence

PDF_SIGNATURE = "pdf_signature"  # the algorithm of the PAdES signature, in ``fields``


def record_of(licence: Licence) -> dict[str, Any]:
    """The record that is signed, rebuilt the same way from the row at any time.

    Licences issued before the face was printed apart (``record_format`` 1) signed the
    face's hash and length inside the record; theirs are rebuilt with them.
    """
    record: dict[str, Any] = {
        "name": licence.name,
        "type_code": licence.type_code,
        "number": licence.number,
        "identifier": licence.identifier,
        "holder_name": licence.holder_name,
        "holder_code": licence.holder_code,
        "holder_code_type": str(licence.holder_code_type),
        "issuer_name": licence.issuer_name,
        "issuer_code": licence.issuer_code,
        "issued_on": licence.issued_on.isoformat(),
        "valid_from": licence.valid_from.isoformat(),
        "valid_until": licence.valid_until.isoformat() if licence.valid_until else None,
        "division_code": licence.division_code,
        "fields": [list(row) for row in licence.fields["rows"]],
        "algorithm": str(licence.algorithm),
        "key_id": licence.key_id,
    }
    if licence.condition:
        record["condition"] = dict(licence.condition)
    if licence.record_format == RECORD_WITH_FACE:
        record["pdf_sha256"] = licence.pdf_sha256
        record["pdf_length"] = licence.fields["pdf_length"]
    return record


def face_statement(*, licence: Licence, pdf_sha256: str, pdf_length: int) -> dict[str, Any]:
    """What the face signature covers: the face's SHA-256 and byte length, tied to the
    licence's identifier and to its record's signature (so it proves this face belongs to
    exactly that signed record), under the record's key; and, for faces printed since the
    PDF signature has a key of its own, that algorithm (``pdf_signature``: the file holds
    one revision more, the PAdES signature's)."""
    statement: dict[str, Any] = {
        "identifier": licence.identifier,
        "record_signature": licence.signature,
        "pdf_sha256": pdf_sha256,
        "pdf_length": pdf_length,
        "algorithm": str(licence.algorithm),
        "key_id": licence.key_id,
    }
    if licence.fields.get(PDF_SIGNATURE):
        statement[PDF_SIGNATURE] = licence.fields[PDF_SIGNATURE]
    return statement


def pdf_signed(record: dict[str, Any], statement: Any) -> bool:
    """Whether the licence's file carries a PAdES signature after its envelope: named in
    the signed face statement, or (faces printed before) an Ed25519 record's own key."""
    if isinstance(statement, dict) and statement.get(PDF_SIGNATURE):
        return True
    return record.get("algorithm") == Algorithm.ed25519
