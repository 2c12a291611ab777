"""Data-encryption keys (数据加密密钥), each wrapped by the master key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tongban.db import Base, UTCDateTime


class DataKey(Base):
    """One data-encryption key: random, stored only wrapped (AES-256-GCM under the master
    key whose fingerprint is ``kek_id``). ``state``: ``active`` (seals new values; one at a
    time), ``retiring`` (being re-encrypted away by ``tongban keys rotate``) or ``retired``
    (no value left under it that the rotation knows of; still readable)."""

    __tablename__ = "data_keys"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    algorithm: Mapped[str] = mapped_column(String(20))  # aes-256-gcm | sm4-gcm
    kek_id: Mapped[str] = mapped_column(String(16))
    wrapped: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LookupTranslation(Base):
    """One identifier's keyed hash under the previous lookup key (``old``) and under the
    current one (``new``), kept while ``tongban keys rotate-lookup`` moves the stored hashes
    from one key to the other (``privacy.lookup_rotation``): a hash stored under either key
    is matched through it to the same identifier's hash under the other
    (``pii.translation.equivalent_hashes``). Hashes only, never the identifier; emptied by
    the run that has walked every column."""

    __tablename__ = "lookup_translations"

    old: Mapped[str] = mapped_column(String(40), primary_key=True)
    new: Mapped[str] = mapped_column(String(40), index=True)
