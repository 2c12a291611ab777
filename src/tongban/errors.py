"""Domain errors: every one carries a message in Chinese and English saying what to fix.

Services raise these; only the web layer turns them into HTTP codes or page messages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


class DomainError(Exception):
    """``keeps_record``: what the unit of work wrote before the refusal (a failed attempt's
    audit entry, counted toward a lock) is committed, not rolled back (``web.deps.get_db``);
    a service sets it only when it wrote nothing else."""

    status = 400
    code = "invalid"
    keeps_record = False

    def __init__(
        self,
        message_zh: str,
        message_en: str,
        *,
        field: str | None = None,
        code: str | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en
        self.field = field
        self.details = details or []
        if code:
            self.code = code

    def message(self, locale: str) -> str:
        return self.message_en if locale == "en" else self.message_zh

    def messages_by_field(self, locale: str) -> dict[str, str]:
        """What a form shows beside each input: the message of each field named in
        ``details`` (the first per field), else this error's own under its ``field``;
        "" keys what belongs to no field."""
        if not self.details:
            return {self.field or "": self.message(locale)}
        found: dict[str, str] = {}
        for detail in self.details:
            message = detail["message_en"] if locale == "en" else detail["message_zh"]
            found.setdefault(str(detail.get("field") or ""), message)
        return found


class InvalidInput(DomainError):
    status = 422
    code = "invalid_input"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class NotAllowed(DomainError):
    status = 403
    code = "forbidden"


class PasswordExpired(DomainError):
    """The signed-in user's password is past its age (``accounts.passwords.expired``):
    nothing but changing it (and signing out) is allowed until it is changed."""

    status = 403
    code = "password_expired"


class NotSignedIn(DomainError):
    status = 401
    code = "not_signed_in"


class Conflict(DomainError):
    """The action does not fit the current state, or someone else acted first."""

    status = 409
    code = "conflict"


class NotReady(DomainError):
    """What was asked for exists but is still being made (a licence PDF the worker has
    not drawn yet): ask again after ``retry_after`` seconds."""

    status = 409
    code = "not_ready"

    def __init__(self, message_zh: str, message_en: str, *, retry_after: int = 5) -> None:
        super().__init__(message_zh, message_en)
        self.retry_after = max(1, retry_after)


class TooManyAttempts(DomainError):
    """Too many attempts in a short time: try again after ``retry_after`` seconds."""

    status = 429
    code = "too_many_attempts"

    def __init__(self, message_zh: str, message_en: str, *, retry_after: int) -> None:
        super().__init__(message_zh, message_en)
        self.retry_after = max(1, retry_after)


def not_a_choice(
    *,
    what: tuple[str, str],
    value: object,
    choices: dict[str, tuple[str, str]],
    field: str | None = None,
) -> InvalidInput:
    """The refusal of a value outside a fixed set, listing every choice it may take.

    ``what`` names the set in Chinese and English (送达方式, delivery method); ``choices``
    maps each accepted code to its names, e.g. ``{"mail": ("邮寄送达", "by post")}``.
    """
    listed_zh = "、".join(f"{zh}（{code}）" for code, (zh, _en) in choices.items())
    listed_en = ", ".join(f"{en} ({code})" for code, (_zh, en) in choices.items())
    return InvalidInput(
        f"不支持该{what[0]}“{value}”，可选：{listed_zh}。",
        f"'{value}' is not an accepted {what[1]}; choose one of: {listed_en}.",
        field=field,
        code="not_a_choice",
    )


def gather(checks: Mapping[str, Callable[[], Any]]) -> dict[str, Any]:
    """Run every check (name → a function returning the checked value or raising
    InvalidInput) and return the values by name; when any refuses, one InvalidInput that
    names every problem at once (一次性告知), each in ``details`` with its field, its
    message the problems joined, its ``field`` the first problem's."""
    values: dict[str, Any] = {}
    refused: list[InvalidInput] = []
    for name, check in checks.items():
        try:
            values[name] = check()
        except InvalidInput as error:
            refused.append(error)
    if len(refused) == 1:
        raise refused[0]
    if refused:
        raise InvalidInput(
            "".join(error.message_zh for error in refused),
            " ".join(error.message_en for error in refused),
            field=refused[0].field,
            details=[
                {"field": e.field, "message_zh": e.message_zh, "message_en": e.message_en}
                for e in refused
            ],
        )
    return values
