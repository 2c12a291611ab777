"""An embedded PDF signature (PAdES, ETSI EN 319 142) that ordinary PDF readers check,
on every PDF the platform issues (e-licences, decisions and notices), made with pyHanko
under an ECDSA P-256 key with SHA-256 (ISO 32000-2 12.8, the algorithms readers such as
Acrobat and poppler's ``pdfsig`` check): a self-signed certificate of the signing key
names the issuing platform (a demo certificate: a deployment uses one from its CA).

The PDF key is not a licence record's: records stay signed with Ed25519 or SM2, which
PDF readers do not check (poppler has no EdDSA; SM2 seals of GM/T 0031 need their own
tools). The PDF keys live in their own keyring (:func:`keyring`: ``pdf`` under the
licence keys' folder, ``TONGBAN_PDF_KEY_ID``, ``tongban licence rotate-pdf-key``),
rotatable like the record's.

Verification (``check_last_signature``) asks of a file what a PDF reader's "signed and
unchanged" means: its last signature covers the whole file (its ByteRange runs to the
end: nothing was appended after signing, no incremental update, no stray bytes), verifies
over what it covers, and was made with one of our keys (any key id of the keyring, the
current one or one rotated out; Ed25519 faces printed before the PDF key was apart were
signed with the record's key).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import TypeVar

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from tongban.config import Settings
from tongban.documents.signing import Algorithm, Key, Keyring, p256_private

FIELD = "TongbanSignature"  # the signature field readers list (licences, documents)
CERT_YEARS = 10
T = TypeVar("T")


def _off_the_loop(work: Callable[[], T]) -> T:
    """Run ``work`` in a thread of its own: pyHanko's signing and validation run their own
    event loop (asyncio.run), which must stay clear of a loop already running in the
    caller's thread (an async route, a test)."""
    with ThreadPoolExecutor(max_workers=1) as one:
        return one.submit(work).result()


@cache
def certificate(key: Key) -> bytes:
    """The DER of a self-signed certificate of a P-256 key (valid from its creation).
    Raises ValueError for any other key or one without its private half."""
    private = p256_private(key)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "通办平台（演示）"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"Tongban PDF signing key {key.key_id}"),
        ]
    )
    start = datetime.fromisoformat(key.created_at) - timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(int.from_bytes(key.public[:16]) >> 1)
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=365 * CERT_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, True, False, False, False), critical=True
        )
        .sign(private, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.DER)


ALGORITHM = Algorithm.ecdsa_p256


def keyring(settings: Settings) -> Keyring:
    """The keyring of the PDF signatures (``TONGBAN_PDF_KEY_ID``, else the newest key)."""
    return Keyring(settings.pdf_keys_folder, ALGORITHM, settings.pdf_key_id)


def sign_pdf(data: bytes, key: Key, *, reason: str, location: str) -> bytes:
    """``data`` with a PAdES signature added in an incremental update."""
    der = certificate(key)  # raises ValueError without a private P-256 key
    pkcs8 = p256_private(key).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    cert = asn1_x509.Certificate.load(der)
    signer = signers.SimpleSigner(
        signing_cert=cert,
        signing_key=asn1_keys.PrivateKeyInfo.load(pkcs8),
        cert_registry=SimpleCertificateStore.from_certs([cert]),  # type: ignore[no-untyped-call]
    )
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD, md_algorithm="sha256", reason=reason, location=location, subfilter=None
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    out = _off_the_loop(lambda: signers.sign_pdf(writer, meta, signer=signer))
    return bytes(out.getvalue())


class SignatureProblem(StrEnum):
    """Why a file's PDF signature does not show it is the file we signed."""

    missing = "missing"  # no signature at all (removed, or the file cut short)
    not_whole_file = "not_whole_file"  # changed after signing: the ByteRange stops short
    invalid = "invalid"  # the signature does not verify over what it covers
    foreign = "foreign"  # the last signature was made with a key that is not ours


def check_last_signature(data: bytes, keys: Iterable[Key]) -> SignatureProblem | None:
    """None when the last PAdES signature of ``data`` covers the whole file, verifies
    (pyHanko's validator, the signer's own certificate as the trust root) and was made
    with one of ``keys`` (its certificate's public key is theirs); else the problem.
    A file that cannot be read has no signature (``missing``)."""
    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except Exception:  # a damaged file is one without a signature of ours
        return SignatureProblem.missing
    if not signatures:
        return SignatureProblem.missing
    last = signatures[-1]
    certificate_ = last.signer_cert
    if bytes(certificate_.public_key["public_key"].native) not in {key.public for key in keys}:
        return SignatureProblem.foreign
    context = ValidationContext(trust_roots=[certificate_])
    status = _off_the_loop(lambda: validate_pdf_signature(last, context))
    if not (status.intact and status.valid):
        return SignatureProblem.invalid
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return SignatureProblem.not_whole_file
    return None
