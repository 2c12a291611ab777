"""An embedded PDF signature (PAdES, ETSI EN 319 142) that ordinary PDF readers check,
made with pyHanko under an ECDSA P-256 key with SHA-256 (ISO 32000-2 12.8, the algorithms
readers such as Acrobat and poppler's ``pdfsig`` check): a self-signed certificate of the
signing key names the issuing platform (a demo certificate: a deployment uses one from
its CA).

The PDF key is not the licence record's: records stay signed with Ed25519 or SM2, which
PDF readers do not check (poppler has no EdDSA; SM2 seals of GM/T 0031 need their own
tools). The PDF keys live in their own keyring (``pdf`` under the licence keys' folder,
``TONGBAN_PDF_KEY_ID``, ``tongban licence rotate-pdf-key``), rotatable like the record's.
"""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from functools import cache

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from tongban.licences.enums import Algorithm
from tongban.licences.signing import Key, p256_private

FIELD = "LicenceSignature"
CERT_YEARS = 10


@cache
def certificate(key: Key) -> bytes:
    """The DER of a self-signed certificate of a P-256 key (valid from its creation).
    Raises ValueError for any other key or one without its private half."""
    private = p256_private(key)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "通办电子证照（演示）"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"Tongban e-licence PDF key {key.key_id}"),
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
    # pyHanko's sign_pdf runs its own event loop (asyncio.run): a thread of its own keeps it
    # clear of a loop already running in the caller's thread (an async server, a test)
    with ThreadPoolExecutor(max_workers=1) as one:
        out = one.submit(signers.sign_pdf, writer, meta, signer=signer).result()
    return bytes(out.getvalue())
