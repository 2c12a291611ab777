"""Signing keys and signatures of what the platform issues: e-licence records in Ed25519
(RFC 8032, ``cryptography``) by default, SM2 with SM3 (GB/T 32918, GB/T 32905; ``gmalg``)
where the deployment is configured for 国密 (``TONGBAN_LICENCE_SIGNING=sm2``); ECDSA P-256
(FIPS 186-4) for the signature embedded in every PDF the platform issues that readers
check (``pades``: licences, decisions and notices), in a keyring of its own.

Keys live in a folder, one JSON file per key (``<key id>.json``). The active key is
``TONGBAN_LICENCE_KEY_ID`` or else the newest key of the configured algorithm; a new key
(:meth:`Keyring.rotate`) becomes the active one, and every older key still verifies what
it signed, because each signature names its key id. A missing key is created on first
use. :func:`self_test` runs the standards' known-answer tests; the app and the CLI refuse
to start when one fails.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from hashlib import sha256
from pathlib import Path

import gmalg
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

log = logging.getLogger(__name__)


class Algorithm(StrEnum):
    """Signature algorithms: Ed25519 (RFC 8032), or SM2 with SM3 (GB/T 32918, 国密), for
    licence records; ECDSA P-256 with SHA-256 (FIPS 186-4) only for the signature embedded
    in the PDFs (PAdES), because PDF readers check neither EdDSA nor SM2."""

    ed25519 = "ed25519"
    sm2 = "sm2"
    ecdsa_p256 = "ecdsa-p256"


SM2_USER_ID = b"1234567812345678"  # GB/T 32918 / GM/T 0009 default distinguishing identifier


@dataclass(frozen=True)
class Key:
    """One signing key: ``private`` is None for a key known only by its public half."""

    key_id: str
    algorithm: Algorithm
    public: bytes  # Ed25519: 32 bytes; SM2, P-256: 65 bytes, uncompressed point 04‖x‖y
    private: bytes | None
    created_at: str


@dataclass(frozen=True)
class Signature:
    algorithm: Algorithm
    key_id: str
    value: str  # hex; SM2: r‖s, 64 bytes; P-256: DER (RFC 3279)


def sm3(data: bytes) -> bytes:
    """SM3 digest (GB/T 32905) through ``cryptography``."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def _new_key(algorithm: Algorithm, now: datetime) -> Key:
    if algorithm == Algorithm.ed25519:
        private_key = Ed25519PrivateKey.generate()
        private = private_key.private_bytes_raw()
        public = private_key.public_key().public_bytes_raw()
    elif algorithm == Algorithm.ecdsa_p256:
        p256 = ec.generate_private_key(ec.SECP256R1())
        private = p256.private_numbers().private_value.to_bytes(32)
        public = p256.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    else:
        private, public = gmalg.SM2().generate_keypair()
    key_id = f"{algorithm}-{now:%Y%m%d%H%M%S}-{sha256(public).hexdigest()[:8]}"
    return Key(key_id, algorithm, public, private, now.isoformat())


def sign_bytes(key: Key, payload: bytes) -> bytes:
    """The raw signature of ``payload`` (SM2: r‖s over SM3 with Z of the default ID)."""
    if key.private is None:
        raise ValueError(f"key {key.key_id} has no private half")
    if key.algorithm == Algorithm.ed25519:
        return Ed25519PrivateKey.from_private_bytes(key.private).sign(payload)
    if key.algorithm == Algorithm.ecdsa_p256:
        return p256_private(key).sign(payload, ec.ECDSA(hashes.SHA256()))
    r, s = gmalg.SM2(key.private, SM2_USER_ID, key.public).sign(payload)
    return bytes(r).rjust(32, b"\0") + bytes(s).rjust(32, b"\0")  # gmalg drops leading zeros


def verify_bytes(algorithm: Algorithm, public: bytes, payload: bytes, signature: bytes) -> bool:
    """True when ``signature`` is the signature of ``payload`` under ``public``."""
    if algorithm == Algorithm.ed25519:
        try:
            Ed25519PublicKey.from_public_bytes(public).verify(signature, payload)
        except (InvalidSignature, ValueError):
            return False
        return True
    if algorithm == Algorithm.ecdsa_p256:
        try:
            point = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), public)
            point.verify(signature, payload, ec.ECDSA(hashes.SHA256()))
        except (InvalidSignature, ValueError):
            return False
        return True
    if len(signature) != 64:
        return False
    return bool(
        gmalg.SM2(uid=SM2_USER_ID, pk=public).verify(payload, signature[:32], signature[32:])
    )


def p256_private(key: Key) -> ec.EllipticCurvePrivateKey:
    """The ``cryptography`` private key of a P-256 key (ValueError without its private half)."""
    if key.private is None or key.algorithm != Algorithm.ecdsa_p256:
        raise ValueError(f"key {key.key_id} is not a private ECDSA P-256 key")
    return ec.derive_private_key(int.from_bytes(key.private), ec.SECP256R1())


class Keyring:
    """The keys of one deployment, in ``folder``."""

    def __init__(self, folder: Path, algorithm: Algorithm, active_id: str | None = None) -> None:
        self.folder = folder
        self.algorithm = algorithm
        self.active_id = active_id

    def keys(self) -> list[Key]:
        """Every key in the folder, oldest first."""
        found = []
        for path in sorted(self.folder.glob("*.json")) if self.folder.exists() else []:
            data = json.loads(path.read_text(encoding="utf-8"))
            private = data.get("private")
            found.append(
                Key(
                    key_id=data["key_id"],
                    algorithm=Algorithm(data["algorithm"]),
                    public=bytes.fromhex(data["public"]),
                    private=bytes.fromhex(private) if private else None,
                    created_at=data["created_at"],
                )
            )
        return sorted(found, key=lambda k: (k.created_at, k.key_id))

    def key(self, key_id: str) -> Key | None:
        return next((k for k in self.keys() if k.key_id == key_id), None)

    def active(self) -> Key:
        """The key new signatures are made with (created when there is none)."""
        if self.active_id:
            key = self.key(self.active_id)
            if key is None or key.private is None or key.algorithm != self.algorithm:
                raise RuntimeError(
                    f"key id {self.active_id} (TONGBAN_LICENCE_KEY_ID, TONGBAN_PDF_KEY_ID): "
                    f"no private {self.algorithm} key of that id in {self.folder}"
                )
            return key
        own = [k for k in self.keys() if k.algorithm == self.algorithm and k.private]
        return own[-1] if own else self.rotate()

    def rotate(self, now: datetime | None = None) -> Key:
        """Make a new key of the configured algorithm; it becomes the active one."""
        key = _new_key(self.algorithm, now or datetime.now(UTC))
        self.folder.mkdir(parents=True, exist_ok=True)
        data = {
            "key_id": key.key_id,
            "algorithm": key.algorithm.value,
            "public": key.public.hex(),
            "private": key.private.hex() if key.private else None,
            "created_at": key.created_at,
        }
        path = self.folder / f"{key.key_id}.json"
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")
        path.chmod(0o600)
        log.info("signing key created", extra={"key_id": key.key_id})
        return key

    def sign(self, payload: bytes) -> Signature:
        key = self.active()
        return Signature(key.algorithm, key.key_id, sign_bytes(key, payload).hex())

    def verify(self, signature: Signature, payload: bytes) -> bool:
        """True when the named key exists, is of the named algorithm, and verifies."""
        key = self.key(signature.key_id)
        if key is None or key.algorithm != signature.algorithm:
            return False
        try:
            raw = bytes.fromhex(signature.value)
        except ValueError:
            return False
        return verify_bytes(key.algorithm, key.public, payload, raw)


# Known answers of the standards.
SM3_ABC = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"  # GB/T 32905 A.1
# GB/T 32918.5-2017 (annex): signature of "message digest" with the default user ID.
SM2_PUBLIC = bytes.fromhex(
    "04"
    "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
    "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"
)
SM2_SIGNATURE = bytes.fromhex(
    "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
    "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"
)
# RFC 8032 section 7.1, TEST 1: the empty message.
ED25519_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
ED25519_SIGNATURE = bytes.fromhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555"
    "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)
# RFC 6979 A.2.5: ECDSA P-256 with SHA-256, message "sample" (r‖s, DER-encoded below).
P256_PUBLIC = bytes.fromhex(
    "04"
    "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6"
    "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299"
)
P256_R = 0xEFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716
P256_S = 0xF7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8


def self_test() -> list[str]:
    """Run the known-answer tests; returns the names of those that failed (none: [])."""
    failed = []
    if sm3(b"abc").hex() != SM3_ABC:
        failed.append("SM3 (GB/T 32905 A.1, 'abc')")
    message = b"message digest"
    if not verify_bytes(Algorithm.sm2, SM2_PUBLIC, message, SM2_SIGNATURE) or verify_bytes(
        Algorithm.sm2, SM2_PUBLIC, message + b".", SM2_SIGNATURE
    ):
        failed.append("SM2 verification (GB/T 32918.5, 'message digest')")
    if not verify_bytes(Algorithm.ed25519, ED25519_PUBLIC, b"", ED25519_SIGNATURE):
        failed.append("Ed25519 verification (RFC 8032 7.1 TEST 1)")
    p256 = encode_dss_signature(P256_R, P256_S)
    if not verify_bytes(Algorithm.ecdsa_p256, P256_PUBLIC, b"sample", p256):
        failed.append("ECDSA P-256 verification (RFC 6979 A.2.5, 'sample')")
    probe = secrets.token_bytes(16)
    for algorithm in Algorithm:
        key = _new_key(algorithm, datetime.now(UTC))
        if not verify_bytes(algorithm, key.public, probe, sign_bytes(key, probe)):
            failed.append(f"{algorithm} sign-then-verify")
    return failed


def check_at_start() -> None:
    """Refuse to go on (RuntimeError, logged) when a known-answer test fails."""
    failed = self_test()
    if failed:
        message = "licence signing self-test failed, refusing to start: " + "; ".join(failed)
        log.critical(message)
        raise RuntimeError(message)
