"""Masking (脱敏) of personal identifiers wherever the whole value is not needed: pages,
API answers for staff who do not need it, and every log line (``log_processor``)."""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from typing import Any

# GB 11643 resident ID: 17 digits and a check digit (or X); mainland mobile phones
RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])(\d{4})\d{10}(\d{3}[\dXx])(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask_id(value: str | None) -> str:
    """``350102196204180310`` → ``3501**********0310``: the first four and last four."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_name(value: str | None) -> str:
    """A person's name for the public: ``张三`` → ``张*``, ``欧阳娜娜`` → ``欧***`` (the
    first character kept, as 双公示 pages of natural persons do)."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1) if len(value) > 1 else "*"


def mask_phone(value: str | None) -> str:
    """``13800138000`` → ``138****8000``."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_contact(value: str | None) -> str:
    """An e-mail address (``z***@example.cn``) or a phone number (``138****8000``)."""
    if not value:
        return ""
    if "@" in value:
        name, _, domain = value.partition("@")
        return f"{name[:1]}***@{domain}"
    return mask_phone(value)


def mask_address(value: str | None) -> str:
    """An address keeps its first six characters (province, city, district)."""
    if not value:
        return ""
    return value[:6] + "****" if len(value) > 6 else value[:2] + "****"


def mask_text(text: str) -> str:
    """Every resident ID and mobile number inside free text masked."""
    text = RESIDENT_ID.sub(lambda m: m.group(1) + "*" * 10 + m.group(2), text)
    return MOBILE.sub(lambda m: m.group(1) + "****" + m.group(2), text)


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, Mapping):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(item) for item in value]
    return value


def mask_document(value: Any, name: str = "") -> Any:
    """A form's answers for a reader who needs no identifier whole: resident IDs and phone
    numbers inside any text masked, fields named like an address cut to their district."""
    if isinstance(value, str):
        return mask_address(value) if "address" in name else mask_text(value)
    if isinstance(value, Mapping):
        return {key: mask_document(item, str(key)) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_document(item, name) for item in value]
    return value


def log_processor(logger: Any, method: str, event: MutableMapping[str, Any]) -> Any:
    """structlog processor: no log line ever holds a whole resident ID or phone number."""
    return {key: _masked(value) for key, value in event.items()}


class MaskingFilter:
    """stdlib ``logging`` filter doing the same for records of other libraries (uvicorn's
    access lines carry query strings)."""

    def filter(self, record: Any) -> bool:
        record.msg = mask_text(str(record.msg))
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(_masked(arg) for arg in args)
        return True
