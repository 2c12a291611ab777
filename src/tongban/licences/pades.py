"""An embedded PDF signature (PAdES, ETSI EN 319 142) that ordinary PDF readers check,
made with pyHanko for Ed25519 keys: a self-signed certificate of the signing key names
the issuing platform (a demo certificate: a deployment uses one from its CA).

SM2 keys get no embedded signature: PDF readers do not check SM2 (GM/T 0031 seals need
their own tools); the signed envelope still proves the licence.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from functools import cache

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from tongban.licences.enums import Algorithm
from tongban.licences.signing import Key

FIELD = "LicenceSignature"
CERT_YEARS = 10


@cache
def certificate(key: Key) -> bytes:
    """The DER of a self-signed certificate of an Ed25519 key (valid from its creation)."""
    if key.private is None or key.algorithm != Algorithm.ed25519:
        raise ValueError("PAdES signatures need a private Ed25519 key")
    private = Ed25519PrivateKey.from_private_bytes(key.private)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "通办电子证照（演示）"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"Tongban e-licence signing key {key.key_id}"),
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
        .sign(private, None)
    )
    return cert.public_bytes(serialization.Encoding.DER)


def sign_pdf(data: bytes, key: Key, *, reason: str, location: str) -> bytes:
    """``data`` with a PAdES signature added in an incremental update."""
    der = certificate(key)  # raises ValueError without a private Ed25519 key
    if key.private is None:
        raise ValueError("PAdES signatures need a private Ed25519 key")
    pkcs8 = Ed25519PrivateKey.from_private_bytes(key.private).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    cert = asn1_x509.Certificate.load(der)
    signer = signers.SimpleSigner(
        signing_cert=cert,
        signing_key=asn1_keys.PrivateKeyInfo.load(pkcs8),
        cert_registry=SimpleCertificateStore.from_certs([cert]),  # type: ignore[no-untyped-call]
    )
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD, md_algorithm="sha512", reason=reason, location=location, subfilter=None
    )
    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)), meta, signer=signer)
    return bytes(out.getvalue())
