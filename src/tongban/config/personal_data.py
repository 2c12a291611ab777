"""Settings of personal data at rest: the master key and its predecessors, the lookup
key, the cipher and the retention period (个人信息保护法 第十九条), part of
``tongban.config.Settings``."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings


class PersonalDataSettings(BaseSettings):
    """Keys, cipher and retention of personal data."""

    data_key: str | None = Field(
        None,
        description="Master key of personal data at rest (个人信息加密存储): a random string of at "
        "least 32 characters; it wraps the data-encryption keys (docs/security.md). Required in "
        "production; elsewhere a fixed development key is used, and the log says so.",
    )
    data_key_file: Path | None = Field(
        None, description="File holding the master key instead of `data_key` (one line)."
    )
    data_keys_previous: str = Field(
        "",
        description="Earlier master keys, comma-separated, still able to unwrap data keys until "
        "`tongban keys rotate` has re-wrapped them under the current one.",
    )
    lookup_key: str | None = Field(
        None,
        description="Key of the keyed hash (HMAC-SM3) through which personal identifiers are "
        "looked up; separate from the master key. Changed with `tongban keys rotate-lookup` "
        "(the earlier one in `lookup_key_previous` meanwhile), not by `tongban keys rotate`. "
        "Required in production.",
    )
    lookup_key_previous: str | None = Field(
        None,
        description="The lookup key before a change, set while `tongban keys rotate-lookup` "
        "re-keys the stored hashes: lookups then match hashes under either key. An empty "
        "value names the development key. Unset it once the rotation has finished.",
    )
    data_cipher: Literal["aes-256-gcm", "sm4-gcm"] = Field(
        "aes-256-gcm",
        description="Cipher of new data keys: aes-256-gcm, or sm4-gcm (SM4, GB/T 32907, in GCM "
        "mode) for a deployment configured for 国密; existing values keep theirs until rotated.",
    )
    retention_years: int = Field(
        30,
        ge=1,
        le=100,
        description="Years after a case is closed before its personal data is purged (form data, "
        "materials, messages, postal details, shared-data pulls); the catalog has no "
        "retention period per item, so one period for all. Statistics and the audit chain are kept.",
    )
    retention_batch: int = Field(
        200, ge=1, le=10000, description="Cases purged per transaction by the retention sweep."
    )

    def data_key_bytes(self) -> bytes | None:
        """The master key of personal data, from the setting or its file; None if unset."""
        if self.data_key:
            return self.data_key.encode()
        if self.data_key_file:
            return self.data_key_file.read_text(encoding="utf-8").strip().encode()
        return None

    def previous_data_keys(self) -> list[bytes]:
        """Earlier master keys, for unwrapping until re-wrapped."""
        return [key.strip().encode() for key in self.data_keys_previous.split(",") if key.strip()]
