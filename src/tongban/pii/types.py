"""Column types that keep personal data sealed at rest while services read plain values.

``Sealed("users.phone")`` stores a string as ``tb1:<key id>:<base64>`` (authenticated
encryption under the active data key, ``keys``); ``SealedJSON`` does the same for a JSON
document (a case's form data, a shared-data record). The purpose string is bound into the
authentication tag, so a value copied to another column does not open there.

``LookupKey`` stores the keyed hash of an identifier (``lookup_key``): equality queries
and unique constraints work (the query's value is hashed the same way), the identifier
itself is not stored. It reads back the hash; passing a hash in again keeps it, so a hash
read from one table can be looked up in another.
"""

from __future__ import annotations

import hmac
import json
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from sqlalchemy import JSON, String, Text
from sqlalchemy.sql import operators
from sqlalchemy.types import TypeDecorator

from tongban.db import strict_json
from tongban.pii.keys import KEYRING, PREFIX, lookup_secret, previous_lookup_secret

HASH_PREFIX = "h:"
HASH_LENGTH = 40


@lru_cache(maxsize=4)
def _keyed(secret: bytes) -> crypto_hmac.HMAC:
    """The HMAC-SM3 context keyed once per key; each hash works on a copy."""
    return crypto_hmac.HMAC(secret, hashes.SM3())


def keyed_hash(value: str, secret: bytes) -> str:
    """``value`` trimmed and upper-cased, hashed under ``secret``: ``h:`` and 38 hex digits."""
    mac = _keyed(secret).copy()
    mac.update(value.strip().upper().encode())
    return HASH_PREFIX + mac.finalize().hex()[: HASH_LENGTH - len(HASH_PREFIX)]


def lookup_key(value: str) -> str:
    """The keyed hash every lookup by a personal identifier uses (accounts, shared data,
    screening, benefits, licences): HMAC-SM3 (GB/T 15852.2 with SM3) under the lookup key,
    of the identifier trimmed and upper-cased; ``h:`` and 38 hex digits (152 bits).
    A value that is already such a hash is returned as it is."""
    if value.startswith(HASH_PREFIX):
        return value
    return keyed_hash(value, lookup_secret())


def lookup_keys(*values: str) -> list[str]:
    """The hashes a stored value of any of ``values`` may have, for ``column.in_(…)``:
    under the lookup key and, while ``tongban keys rotate-lookup`` runs
    (``lookup_key_previous`` set), under the one before (rows not yet re-keyed). A hash is
    its own only candidate."""
    secrets = [lookup_secret()]
    previous = previous_lookup_secret()
    if previous is not None:
        secrets.append(previous)
    return [
        value if value.startswith(HASH_PREFIX) else keyed_hash(value, secret)
        for value in values
        for secret in (secrets[:1] if value.startswith(HASH_PREFIX) else secrets)
    ]


def same_identifier(plain: str | None, stored: str | None) -> bool:
    """Whether a plain identifier is the one a ``LookupKey`` column holds (constant time)."""
    if not plain or not stored:
        return False
    stored = lookup_key(stored)
    return any(hmac.compare_digest(candidate, stored) for candidate in lookup_keys(plain))


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX + ":")


class _NoComparison(TypeDecorator.Comparator[Any]):
    """A sealed value is sealed with a fresh nonce each time, so ``==`` in SQL would
    silently match nothing: refused, except ``IS (NOT) NULL``."""

    def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
        if op not in (operators.is_, operators.is_not):
            raise TypeError(
                "a sealed column cannot be compared in SQL: look it up by its keyed hash "
                "(tongban.pii.lookup_key)"
            )
        return super().operate(op, *other, **kwargs)


class Sealed(TypeDecorator[str]):
    """A string sealed at rest; ``purpose`` (e.g. ``users.phone``) is bound into the tag."""

    impl = Text
    cache_ok = True
    comparator_factory = _NoComparison

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        if value is None:
            return None
        return KEYRING.seal(str(value).encode(), purpose=self.purpose, dialect=dialect)

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        if value is None or not is_sealed(value):
            return value
        return KEYRING.open(value, purpose=self.purpose, dialect=dialect).decode()


class SealedJSON(TypeDecorator[Any]):
    """A JSON document sealed at rest as one value (every field of it, so free text that
    happens to hold a phone number is sealed too). The column stays JSON: it holds the
    sealed value as a JSON string (a document written before sealing reads as it is)."""

    impl = JSON
    cache_ok = True
    comparator_factory = _NoComparison

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        return KEYRING.seal(strict_json(value).encode(), purpose=self.purpose, dialect=dialect)

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if not is_sealed(value):
            return value
        return json.loads(KEYRING.open(value, purpose=self.purpose, dialect=dialect))


class _EitherKey(TypeDecorator.Comparator[Any]):
    """``column == identifier`` matches the identifier's hash under the lookup key and,
    during a rotation of it, under the previous one (``lookup_keys``)."""

    def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
        if op is operators.eq and len(other) == 1 and isinstance(other[0], str):
            candidates = lookup_keys(other[0])
            if len(candidates) > 1:
                return self.expr.in_(candidates)
        return super().operate(op, *other, **kwargs)


class LookupKey(TypeDecorator[str]):
    """The keyed hash of an identifier (``lookup_key``); reads back the hash. ``length``:
    of a column that held something longer before (its declared size is kept). Compare it
    with the plain identifier (``column == id_number``), so that hashes not yet re-keyed
    by a rotation are found too."""

    impl = String
    cache_ok = True
    comparator_factory = _EitherKey

    def __init__(self, length: int = HASH_LENGTH) -> None:
        super().__init__(length)

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else lookup_key(str(value))
