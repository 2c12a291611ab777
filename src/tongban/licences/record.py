"""The signed content of a licence: its GB/T 36903 metadata and the face's hash."""

from __future__ import annotations

from typing import Any

from tongban.licences.models import Licence


def record_of(licence: Licence) -> dict[str, Any]:
    """The record that is signed, rebuilt the same way from the row at any time."""
    return {
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
        "pdf_sha256": licence.pdf_sha256,
        "pdf_length": licence.fields["pdf_length"],
        "algorithm": str(licence.algorithm),
        "key_id": licence.key_id,
    }
