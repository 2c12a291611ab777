"""The key hierarchy of personal data at rest (个人信息加密存储).

master key (``TONGBAN_DATA_KEY`` or ``TONGBAN_DATA_KEY_FILE``; earlier ones in
``TONGBAN_DATA_KEYS_PREVIOUS`` while ``tongban keys rotate`` re-wraps)
  └─ wraps data-encryption keys (``data_keys`` rows: random, AES-256-GCM or SM4-GCM)
       └─ seal each value; the value carries its key's id (``tb1:<key id>:<base64>``)

The process keeps the unwrapped data keys in memory (``KEYRING``), loaded when a session
first begins on a database and refreshed every ``REFRESH_SECONDS`` (which key is active may
change under a rotation run by another process); a value sealed under a key this process
has not seen yet makes it reload at once, so a key made elsewhere is readable the moment a
value under it can be read. Which key is active is kept per database (per engine). Keys are never deleted: a retired key still opens what a writer that had
not yet seen the rotation sealed under it, and a second run of the rotation moves it.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import threading
import time
import weakref
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property, lru_cache
from typing import Any

import structlog
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Connection, Dialect, Engine, Table, event, inspect, select, update
from sqlalchemy.orm import Session

from tongban.config import Settings, get_settings
from tongban.db import READING
from tongban.pii.models import DataKey

log = structlog.get_logger(__name__)

PREFIX = "tb1"
"""Version tag of a sealed value."""
REFRESH_SECONDS = 30.0
ALGORITHMS = ("aes-256-gcm", "sm4-gcm")
DEV_MASTER = b"tongban development data key: never for real data"


class KeyError_(RuntimeError):
    """A sealed value cannot be opened or no key is usable (a fault of deployment)."""


def _hkdf(secret: bytes, info: bytes, length: int = 32) -> bytes:
    return HKDF(hashes.SHA256(), length=length, salt=b"tongban", info=info).derive(secret)


def master_secrets(settings: Settings | None = None) -> list[bytes]:
    """The master key then the earlier ones, as bytes; the fixed development key outside
    production when none is set (said once in the log)."""
    settings = settings or get_settings()
    current = settings.data_key_bytes()
    if current is None:
        if settings.environment == "production":  # the settings refuse this already
            raise KeyError_("TONGBAN_DATA_KEY is not set")
        _warn_dev_once()
        current = DEV_MASTER
    return [current, *settings.previous_data_keys()]


_warned: list[bool] = []


def _warn_dev_once() -> None:
    if not _warned:
        _warned.append(True)
        log.warning(
            "data_key.development",
            message="个人信息用固定的开发密钥加密 / personal data sealed with the fixed "
            "development key: set TONGBAN_DATA_KEY for real data",
        )


def kek_of(secret: bytes) -> tuple[str, bytes]:
    """The key-encryption key derived from a master secret, and its fingerprint."""
    kek = _hkdf(secret, b"data-key wrapping")
    return hashlib.sha256(b"kek-id" + kek).hexdigest()[:12], kek


@lru_cache(maxsize=4)
def _lookup_secret_of(configured: str) -> bytes:
    return _hkdf(configured.encode() or DEV_MASTER, b"lookup")


def lookup_secret(settings: Settings | None = None) -> bytes:
    """The HMAC key of lookup hashes: its own setting, never the master key."""
    settings = settings or get_settings()
    return _lookup_secret_of(settings.lookup_key or "")


def previous_lookup_secret(settings: Settings | None = None) -> bytes | None:
    """The HMAC key of lookup hashes before a rotation (``TONGBAN_LOOKUP_KEY_PREVIOUS``,
    set while ``tongban keys rotate-lookup`` runs; empty: the development key); None when
    none is set."""
    settings = settings or get_settings()
    previous = settings.lookup_key_previous
    return None if previous is None else _lookup_secret_of(previous)


@dataclass
class _Entry:
    algorithm: str
    key: bytes

    @cached_property
    def aesgcm(self) -> AESGCM:
        """The AES-GCM context of this key, made once (its key schedule is the costly part)."""
        return AESGCM(self.key)


@dataclass
class _Database:
    """What the keyring knows of one database: the engine that reaches it, which of its
    keys is active and when its keys were last read."""

    engine: Engine
    active: str | None = None
    loaded_at: float = float("-inf")


@dataclass
class Keyring:
    """The unwrapped data keys of this process, of every database it reaches.

    Keys are held by id whatever database they came from (an id is 48 random bits, and a
    key once unwrapped never changes), so moving between databases never forgets one;
    which key seals new values is kept per database, known by the SQLAlchemy dialect of its
    engine (the one object a column type is given), so a second database in the process (a
    migration's, a restore's) can never lend its active key to the first.
    """

    keys: dict[str, _Entry] = field(default_factory=dict)
    databases: weakref.WeakKeyDictionary[Dialect, _Database] = field(
        default_factory=weakref.WeakKeyDictionary
    )
    lock: threading.Lock = field(default_factory=threading.Lock)

    def seal(self, plain: bytes, *, purpose: str, dialect: Dialect) -> str:
        """``tb1:<key id>:<base64url(nonce | ciphertext | tag)>`` under the active key of
        the database ``dialect`` is of."""
        database = self._database(dialect)
        if database.active is None:
            self.reload(dialect)
        kid = database.active
        if kid is None:
            raise KeyError_("no active data key: run `tongban migrate` or `tongban keys rotate`")
        entry = self.keys[kid]
        nonce = os.urandom(12)
        body = _encrypt(entry, nonce, plain, _aad(purpose, kid))
        return f"{PREFIX}:{kid}:{base64.urlsafe_b64encode(nonce + body).decode()}"

    def open(self, token: str, *, purpose: str, dialect: Dialect) -> bytes:
        """The plaintext of a sealed value read from the database ``dialect`` is of; fails
        loudly if it was altered or moved."""
        _, kid, body = token.split(":", 2)
        if kid not in self.keys:
            self.reload(dialect)
        entry = self.keys.get(kid)
        if entry is None:
            raise KeyError_(f"data key {kid} unknown (wrapped by a master key not configured?)")
        raw = base64.urlsafe_b64decode(body)
        return _decrypt(entry, raw[:12], raw[12:], _aad(purpose, kid))

    def active(self, dialect: Dialect) -> str | None:
        """The id of the key new values of that database are sealed under, as last read."""
        database = self.databases.get(dialect)
        return database.active if database else None

    def reload(self, dialect: Dialect) -> None:
        """Read that database's keys again through a connection of their own (committed
        keys only)."""
        database = self._database(dialect)
        # a reading connection: on SQLite it must not wait for the write lock that the
        # unit of work asking (this very thread, maybe) holds
        with database.engine.connect().execution_options(**{READING: True}) as connection:
            self.load(connection)

    def bind(self, connection: Connection) -> None:
        """Hold the keys of the database ``connection`` reaches, read again when they are
        older than ``REFRESH_SECONDS`` (which key is active may change under a rotation
        run by another process)."""
        database = self._database(connection.dialect, connection.engine)
        if time.monotonic() - database.loaded_at > REFRESH_SECONDS:
            self.load(connection)

    def load(self, connection: Connection) -> None:
        """Unwrap every key of the database ``connection`` reaches and take its active one."""
        database = self._database(connection.dialect, connection.engine)
        rows = connection.execute(select(DataKey)).all() if _has_table(connection) else []
        keks = dict(kek_of(secret) for secret in master_secrets())
        with self.lock:
            active = None
            for row in rows:
                key = row[0] if isinstance(row[0], DataKey) else row
                kek = keks.get(key.kek_id)
                if kek is None:
                    log.error("data_key.unwrappable", key_id=key.id, kek_id=key.kek_id)
                    continue
                if key.id not in self.keys:
                    self.keys[key.id] = _Entry(key.algorithm, unwrap(kek, key.id, key.wrapped))
                if key.state == "active":
                    active = key.id
            database.active = active
            database.loaded_at = time.monotonic()

    def made(self, connection: Connection, kid: str, entry: _Entry) -> None:
        """Learn a key just made in the database ``connection`` reaches, as its active one."""
        with self.lock:
            self.keys[kid] = entry
            self._database(connection.dialect, connection.engine).active = kid

    def _database(self, dialect: Dialect, engine: Engine | None = None) -> _Database:
        database = self.databases.get(dialect)
        if database is None:
            if engine is None:
                raise KeyError_("a database the keyring has never been shown (no session began)")
            database = self.databases.setdefault(dialect, _Database(engine))
        return database


def _has_table(connection: Connection) -> bool:
    return inspect(connection).has_table(DataKey.__tablename__)


def _aad(purpose: str, kid: str) -> bytes:
    return f"{purpose}|{kid}".encode()


def _encrypt(entry: _Entry, nonce: bytes, plain: bytes, aad: bytes) -> bytes:
    if entry.algorithm == "sm4-gcm":
        encryptor = Cipher(algorithms.SM4(entry.key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(aad)
        return encryptor.update(plain) + encryptor.finalize() + encryptor.tag
    return entry.aesgcm.encrypt(nonce, plain, aad)


def _decrypt(entry: _Entry, nonce: bytes, body: bytes, aad: bytes) -> bytes:
    if entry.algorithm == "sm4-gcm":
        decryptor = Cipher(algorithms.SM4(entry.key), modes.GCM(nonce, body[-16:])).decryptor()
        decryptor.authenticate_additional_data(aad)
        return decryptor.update(body[:-16]) + decryptor.finalize()
    return entry.aesgcm.decrypt(nonce, body, aad)


def wrap(kek: bytes, kid: str, dek: bytes) -> str:
    """A data key sealed under a key-encryption key (AES-256-GCM, the key id as AAD)."""
    nonce = os.urandom(12)
    return base64.b64encode(nonce + AESGCM(kek).encrypt(nonce, dek, kid.encode())).decode()


def unwrap(kek: bytes, kid: str, wrapped: str) -> bytes:
    raw = base64.b64decode(wrapped)
    return AESGCM(kek).decrypt(raw[:12], raw[12:], kid.encode())


KEYRING = Keyring()


def create_active_key(connection: Connection, *, now: datetime, algorithm: str) -> str:
    """Make a new data key, wrapped by the current master key, the active one of the
    database ``connection`` reaches (the process's keyring learns it at once); the one
    active before becomes ``retiring``. Raises ``ValueError`` for a cipher not in
    ``ALGORITHMS``."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown data cipher {algorithm}")
    KEYRING.bind(connection)
    kid = secrets.token_hex(6)
    dek = os.urandom(16 if algorithm == "sm4-gcm" else 32)
    kek_id, kek = kek_of(master_secrets()[0])
    table = DataKey.__table__
    assert isinstance(table, Table)
    connection.execute(update(table).where(table.c.state == "active").values(state="retiring"))
    connection.execute(
        table.insert().values(
            id=kid,
            algorithm=algorithm,
            kek_id=kek_id,
            state="active",
            wrapped=wrap(kek, kid, dek),
            created_at=now,
            retired_at=None,
        )
    )
    KEYRING.made(connection, kid, _Entry(algorithm, dek))
    return kid


@event.listens_for(Engine, "engine_connect")
def _keys_of_engine(connection: Connection) -> None:
    """Every engine is known to the keyring before it seals or opens a value."""
    if connection.dialect not in KEYRING.databases:
        KEYRING.databases.setdefault(connection.dialect, _Database(connection.engine))


@event.listens_for(Session, "after_begin")
def _keys_on_begin(session: Session, transaction: Any, connection: Connection) -> None:
    KEYRING.bind(connection)
