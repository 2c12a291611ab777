"""The signed record travels inside the licence PDF, so a file proves itself offline.

The face is rendered first; its SHA-256 and byte length are signed together with the
record. The signed envelope (record, signature, key id) is then attached to the PDF as
an embedded file in an incremental update: the first ``pdf_length`` bytes stay exactly
the signed face, and any change to them, or to the envelope, breaks the verification.
"""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

FILE_NAME = "tongban-licence.json"


def canonical(record: dict[str, Any]) -> bytes:
    """What is signed: the record as JSON with sorted keys, no spaces, UTF-8."""
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def attach(face: bytes, envelope: dict[str, Any]) -> bytes:
    """The face with the envelope appended as an embedded file (incremental update)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(face))
    data = embed.EmbeddedFileObject.from_file_data(
        writer, canonical(envelope), mime_type="application/json"
    )
    spec = embed.FileSpec(
        file_spec_string=FILE_NAME,
        file_name=FILE_NAME,
        embedded_data=data,
        description="电子证照签名数据 (signed e-licence record)",
    )
    embed.embed_file(writer, spec)
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()


def extract(pdf: bytes) -> dict[str, Any] | None:
    """The envelope of a licence PDF, or None when the file has none or cannot be read."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
        for index in range(0, len(names), 2):
            if str(names[index]) == FILE_NAME:
                spec = names[index + 1].get_object()
                stream = spec["/EF"]["/F"].get_object()
                if not isinstance(stream, generic.StreamObject):
                    return None
                value = json.loads(stream.data)
                return value if isinstance(value, dict) else None
    except Exception:  # a damaged file is simply one without an envelope
        return None
    return None


def _revisions(pdf: bytes) -> int:
    return int(PdfFileReader(io.BytesIO(pdf), strict=False).xrefs.total_revisions)


def added_after_signing(pdf: bytes, *, face_length: int) -> bool:
    """Whether a licence file without a PDF signature (printed before they were made)
    holds more than the platform wrote: a revision beyond the face's and the envelope's,
    or bytes after the last ``%%EOF``. An incremental update can paint over the face
    without touching its first ``face_length`` bytes; this refuses it. A file that cannot
    be read counts as changed. (A file with a PDF signature is checked by its last
    signature's coverage instead: ``pades.check_last_signature``.)"""
    end = pdf.rfind(b"%%EOF")
    if end < 0 or pdf[end + len(b"%%EOF") :].strip():
        return True
    try:
        return _revisions(pdf) != _revisions(pdf[:face_length]) + 1
    except Exception:  # unreadable: not what was issued
        return True
