"""Signatures: the standards' known answers, key rotation, and independent verifiers."""

from __future__ import annotations

import asyncio
import base64
import io
import shutil
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import gmalg
import pytest
from asn1crypto import algos, keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from fastapi.testclient import TestClient
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from reportlab.pdfgen.canvas import Canvas

from tests.factories import API
from tests.licences.support import FOOD, licensed
from tongban.documents import pades, signing
from tongban.documents.signing import Algorithm, Keyring, Signature
from tongban.licences import setup

T = TypeVar("T")


def test_sm3_of_abc_is_the_answer_of_gb_t_32905() -> None:
    assert signing.sm3(b"abc").hex() == signing.SM3_ABC
    assert signing.SM3_ABC == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_sm2_signs_the_example_of_gb_t_32918_5_with_its_random_number() -> None:
    """Private key, k and the message of the standard's example give its r and s."""
    private = bytes.fromhex("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8")
    k = 0x59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21
    sm2 = gmalg.SM2(private, signing.SM2_USER_ID, signing.SM2_PUBLIC, rnd_fn=lambda _: k)
    r, s = sm2.sign(b"message digest")
    assert r + s == signing.SM2_SIGNATURE


def test_p256_signs_the_example_of_rfc_6979_with_its_deterministic_nonce() -> None:
    private = 0xC9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721
    key = ec.derive_private_key(private, ec.SECP256R1())
    point = key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    assert point == signing.P256_PUBLIC
    der = key.sign(b"sample", ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
    assert decode_dss_signature(der) == (signing.P256_R, signing.P256_S)


def test_the_self_test_passes_and_a_wrong_answer_stops_the_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert signing.self_test() == []
    monkeypatch.setattr(signing, "SM3_ABC", "00" * 32)
    with pytest.raises(RuntimeError, match="SM3"):
        signing.check_at_start()


def test_an_sm2_signature_whose_r_has_a_leading_zero_byte_still_verifies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """gmalg gives r and s in as few bytes as they need, so about one SM2 signature in 128
    came out shorter than r‖s's 64 bytes and failed verification (and the start-up self
    test now and then). With the standard's key, k = 42 gives a 31-byte r."""
    private = bytes.fromhex("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8")
    real = gmalg.SM2
    monkeypatch.setattr(gmalg, "SM2", lambda *a, **kw: real(*a, rnd_fn=lambda _: 42, **kw))
    key = signing.Key("sm2-test", Algorithm.sm2, signing.SM2_PUBLIC, private, "2026-01-01")
    signature = signing.sign_bytes(key, b"record")
    assert len(signature) == 64
    assert signing.verify_bytes(Algorithm.sm2, signing.SM2_PUBLIC, b"record", signature)


@pytest.mark.parametrize("algorithm", list(Algorithm))
def test_a_rotated_key_signs_and_the_old_one_still_verifies(
    tmp_path: Path, algorithm: Algorithm
) -> None:
    keyring = Keyring(tmp_path, algorithm)
    old = keyring.sign(b"record one")
    new_key = keyring.rotate(datetime(2030, 1, 1, tzinfo=UTC))
    new = keyring.sign(b"record two")
    assert new.key_id == new_key.key_id != old.key_id
    assert keyring.verify(old, b"record one") and keyring.verify(new, b"record two")
    assert not keyring.verify(old, b"record two")
    forged = Signature(algorithm, "no-such-key", old.value)
    assert not keyring.verify(forged, b"record one")


def test_cryptography_verifies_an_ed25519_signature_on_its_own(tmp_path: Path) -> None:
    keyring = Keyring(tmp_path, Algorithm.ed25519)
    signature = keyring.sign(b"licence record")
    key = keyring.key(signature.key_id)
    assert key is not None
    Ed25519PublicKey.from_public_bytes(key.public).verify(
        bytes.fromhex(signature.value), b"licence record"
    )


def sm2_public_pem(point: bytes) -> bytes:
    """The SubjectPublicKeyInfo of an SM2 key (curve OID 1.2.156.10197.1.301)."""
    info = keys.PublicKeyInfo(
        {
            "algorithm": {
                "algorithm": "ec",
                "parameters": keys.ECDomainParameters(name="named", value="1.2.156.10197.1.301"),
            },
            "public_key": point,
        }
    )
    body = base64.encodebytes(info.dump()).decode()
    return f"-----BEGIN PUBLIC KEY-----\n{body}-----END PUBLIC KEY-----\n".encode()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="no OpenSSL command on this machine")
def test_openssl_verifies_an_sm2_signature_on_its_own(tmp_path: Path) -> None:
    keyring = Keyring(tmp_path / "keys", Algorithm.sm2)
    message = "电子证照 record".encode()
    signature = keyring.sign(message)
    key = keyring.key(signature.key_id)
    assert key is not None
    raw = bytes.fromhex(signature.value)
    der = algos.DSASignature({"r": int.from_bytes(raw[:32]), "s": int.from_bytes(raw[32:])}).dump()
    (tmp_path / "pub.pem").write_bytes(sm2_public_pem(key.public))
    (tmp_path / "sig.der").write_bytes(der)
    (tmp_path / "msg").write_bytes(message)
    command = [
        "openssl",
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        str(tmp_path / "pub.pem"),
        "-in",
        str(tmp_path / "msg"),
        "-sigfile",
        str(tmp_path / "sig.der"),
        "-rawin",
        "-digest",
        "sm3",
        "-pkeyopt",
        "distid:1234567812345678",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "Verified Successfully" in done.stdout, done.stderr
    (tmp_path / "msg").write_bytes(message + b"!")
    assert subprocess.run(command, capture_output=True, check=False).returncode != 0


def _off_the_loop(work: Callable[[], T]) -> T:
    """``work`` in a thread of its own: pyHanko's validation calls ``asyncio.run``, and a
    browser test of the same worker keeps Playwright's loop running in the main thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


@pytest.fixture(params=["ed25519", "sm2"])
def record_algorithm(
    request: pytest.FixtureRequest, runtime: Any, monkeypatch: pytest.MonkeyPatch
) -> str:
    """The licence records signed with Ed25519, then with SM2 (国密)."""
    monkeypatch.setattr(runtime.settings, "licence_signing", request.param)
    return str(request.param)


def _licence_pdf(client: TestClient, as_user: Any) -> bytes:
    result = licensed(client, as_user, FOOD)
    return client.get(f"{API}/results/{result['id']}/document", headers=as_user("minfeng")).content


def test_a_licence_pdf_carries_an_ecdsa_p256_pades_signature_pdf_readers_check(
    record_algorithm: str, client: TestClient, as_user: Any
) -> None:
    """Whatever signs the record (Ed25519, SM2), the PDF signature is ECDSA P-256 under the
    PDF key, and pyHanko's validator (an independent verifier) accepts it."""
    data = _licence_pdf(client, as_user)
    embedded = PdfFileReader(io.BytesIO(data)).embedded_signatures
    assert len(embedded) == 1
    assert setup.current().keyring.active().algorithm == record_algorithm
    key = setup.current().pdf_keyring.active()
    assert key.algorithm == Algorithm.ecdsa_p256
    roots = [asn1_x509.Certificate.load(pades.certificate(key))]
    status = _off_the_loop(
        lambda: validate_pdf_signature(embedded[0], ValidationContext(trust_roots=roots))
    )
    assert status.intact and status.valid and status.bottom_line
    assert status.signing_cert.public_key.algorithm == "ec"
    assert status.md_algorithm == "sha256"
    changed = bytearray(data)
    changed[len(data) // 3] ^= 0x01
    broken = PdfFileReader(io.BytesIO(bytes(changed)), strict=False).embedded_signatures
    checked = _off_the_loop(
        lambda: validate_pdf_signature(broken[0], ValidationContext(trust_roots=roots))
    )
    assert not checked.intact


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils (pdfsig) not installed")
def test_poppler_pdfsig_calls_the_licence_signature_valid(
    client: TestClient, as_user: Any, tmp_path: Path
) -> None:
    """poppler checks no EdDSA: an Ed25519 PDF signature was "corrupted" to ``pdfsig``."""
    path = tmp_path / "licence.pdf"
    path.write_bytes(_licence_pdf(client, as_user))
    done = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    assert "Signature is Valid." in done.stdout, done.stdout + done.stderr
    assert "ECDSA" in done.stdout or "SHA-256" in done.stdout, done.stdout
    path.write_bytes(_one_byte_changed(path.read_bytes()))
    done = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    assert "Signature is Valid." not in done.stdout


def _one_byte_changed(data: bytes) -> bytes:
    at = len(data) // 3
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def test_the_pdf_key_rotates_and_older_pdf_keys_stay(tmp_path: Path) -> None:
    keyring = Keyring(tmp_path / "pdf", Algorithm.ecdsa_p256)
    first = keyring.active()
    second = keyring.rotate(datetime(2030, 1, 1, tzinfo=UTC))
    assert keyring.active() == second and keyring.key(first.key_id) == first
    assert signing.verify_bytes(
        Algorithm.ecdsa_p256, first.public, b"x", signing.sign_bytes(first, b"x")
    )
    pinned = Keyring(tmp_path / "pdf", Algorithm.ecdsa_p256, first.key_id)
    assert pinned.active() == first


def test_a_pdf_is_signed_from_a_thread_whose_event_loop_runs(tmp_path: Path) -> None:
    """An async server or a browser test runs a loop in the caller's thread; pyHanko's own
    ``asyncio.run`` must not meet it."""
    key = Keyring(tmp_path, Algorithm.ecdsa_p256).active()
    blank = io.BytesIO()
    canvas = Canvas(blank)
    canvas.drawString(72, 720, "licence")
    canvas.save()

    async def inside_a_loop() -> bytes:
        return pades.sign_pdf(blank.getvalue(), key, reason="test", location="Fuzhou")

    signed = _off_the_loop(lambda: asyncio.run(inside_a_loop()))
    embedded = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    roots = [asn1_x509.Certificate.load(pades.certificate(key))]
    status = _off_the_loop(
        lambda: validate_pdf_signature(embedded[0], ValidationContext(trust_roots=roots))
    )
    assert status.intact
