"""Secrets the platform must read back (an authenticator's seed, a webhook's signing key)
stored sealed: AES-256-GCM under a key derived with HKDF-SHA256 from
``TONGBAN_SECRET_KEY`` and the purpose, so a copy of the database alone does not give
them, and a value sealed for one purpose does not open for another.

Changing the secret key makes what was sealed unreadable (``InvalidTag`` from
``cryptography``): the owners of those secrets set them again.
"""

from __future__ import annotations

import base64
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12


def _key(secret_key: str, purpose: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"tongban {purpose}".encode())
    return hkdf.derive(secret_key.encode())


def seal(text: str, *, secret_key: str, purpose: str, label: bytes) -> str:
    """``text`` sealed for ``purpose`` (the key's HKDF info), with ``label`` as associated
    data; base64 of nonce + ciphertext + tag."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_key(secret_key, purpose)).encrypt(nonce, text.encode(), label)
    return base64.b64encode(nonce + sealed).decode()


def unseal(sealed: str, *, secret_key: str, purpose: str, label: bytes) -> str:
    """The text ``seal`` sealed; raises ``cryptography.exceptions.InvalidTag`` when the key,
    purpose or label differ or the value was changed."""
    raw = base64.b64decode(sealed)
    opened = AESGCM(_key(secret_key, purpose)).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], label)
    return opened.decode()
