"""The error raised when an identifier fails validation."""

from __future__ import annotations

from typing import Any


class IdentifierError(ValueError):
    """An identifier is invalid; carries a bilingual message saying what to fix.

    ``code`` is a stable machine-readable reason: ``length``, ``character``,
    ``province``, ``division_code``, ``birth_date``, ``check_character``,
    ``organisation_code`` or ``argument`` (bad input to a ``make_*`` helper).
    ``field`` names the part of the identifier at fault (``number``,
    ``division_code``, ``birth_date``, ``check_character``,
    ``organisation_code``, ...), so a form can point at it.
    """

    def __init__(self, code: str, message_zh: str, message_en: str, field: str) -> None:
        super().__init__(f"{message_zh} / {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.field = field

    def __reduce__(self) -> tuple[Any, ...]:
        # The default reduce would call __init__ with the combined message only;
        # rebuild from the parts so the error survives pickling (worker processes).
        return (type(self), (self.code, self.message_zh, self.message_en, self.field))

    def as_dict(self) -> dict[str, str]:
        """The error as a JSON-friendly mapping for API responses."""
        return {
            "code": self.code,
            "field": self.field,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }
