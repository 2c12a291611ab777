"""Personal data at rest promises: identifiers (resident IDs, phone numbers, addresses) and
documents that hold them (form data, shared-data records) are stored sealed with an
authenticated cipher under rotatable data keys (``keys``, ``types``); lookups by an
identifier go through one keyed hash (``lookup_key``), never a decrypting scan; and what
pages, API answers and logs do not need whole is masked (``masking``).
"""

from __future__ import annotations

from tongban.pii.keys import KEYRING, create_active_key
from tongban.pii.masking import (
    mask_address,
    mask_contact,
    mask_document,
    mask_id,
    mask_name,
    mask_phone,
    mask_text,
)
from tongban.pii.types import (
    LookupKey,
    Sealed,
    SealedJSON,
    is_sealed,
    lookup_key,
    lookup_keys,
    same_identifier,
)

__all__ = [
    "KEYRING",
    "LookupKey",
    "Sealed",
    "SealedJSON",
    "create_active_key",
    "is_sealed",
    "lookup_key",
    "lookup_keys",
    "mask_address",
    "mask_contact",
    "mask_document",
    "mask_id",
    "mask_name",
    "mask_phone",
    "mask_text",
    "same_identifier",
]
