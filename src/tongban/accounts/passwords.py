"""Rules for new passwords, as a profile the deployment chooses.

- ``nist``: NIST SP 800-63B §5.1.1.2 — at least 8 characters, no composition rules, and
  refused when it is common, expected or derived from the account's own data (checked with
  ``zxcvbn`` and a list of passwords common among Chinese users).
- ``dengbao3``: GB/T 22239-2019 (等保 2.0) level 3, 8.1.4.1 身份鉴别 — "口令具有复杂度要求":
  at least 8 characters drawn from 3 of the 4 kinds (upper case, lower case, digits,
  symbols), not containing the username.

The two conflict (NIST advises against composition rules and forced rotation);
deployments choose with ``TONGBAN_PASSWORD_POLICY``. Under ``dengbao3`` a password also
expires (8.1.4.1 a, "定期更换"): after ``TONGBAN_PASSWORD_MAX_AGE_DAYS`` its owner must
change it before doing anything else (``expired``; the gate is ``accounts.deps``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from zxcvbn import zxcvbn

from tongban.accounts.models import User
from tongban.config import Settings
from tongban.errors import InvalidInput

MIN_LENGTH = 8
MAX_LENGTH = 128
NIST_MIN_SCORE = 2  # zxcvbn 0-4; 2 = "somewhat guessable": > 10^6 guesses
_COMMON_FILE = Path(__file__).with_name("common_passwords_zh.txt")


@cache
def _common_words() -> tuple[str, ...]:
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _refuse(zh: str, en: str) -> InvalidInput:
    return InvalidInput(zh, en, field="password")


def _kinds(password: str) -> int:
    tests = (str.isupper, str.islower, str.isdigit, lambda c: not c.isalnum())
    return sum(any(test(c) for c in password) for test in tests)


def check_new_password(password: str, *, policy: str, user_inputs: Sequence[str]) -> None:
    """Refuse a new password that breaks ``policy`` ("nist" or "dengbao3").

    ``user_inputs`` are the account's own data (username, name, ID number, phone): a
    password built from them is refused under both profiles.
    Raises ``InvalidInput`` (field ``password``) saying what to change.
    """
    if len(password) < MIN_LENGTH:
        raise _refuse(
            f"密码至少需要 {MIN_LENGTH} 个字符。",
            f"The password needs at least {MIN_LENGTH} characters.",
        )
    if len(password) > MAX_LENGTH:
        raise _refuse(
            f"密码最多 {MAX_LENGTH} 个字符。",
            f"The password may have at most {MAX_LENGTH} characters.",
        )
    own = [value for value in user_inputs if value]
    if policy == "dengbao3":
        if _kinds(password) < 3:
            raise _refuse(
                "密码需包含大写字母、小写字母、数字、符号中的至少三种。",
                "The password needs at least three of: upper case, lower case, digits, symbols.",
            )
        if any(value.lower() in password.lower() for value in own if len(value) >= 3):
            raise _refuse(
                "密码不能包含用户名或本人信息。",
                "The password must not contain the username or your own details.",
            )
        return
    words = [*own, *_common_words()]
    if zxcvbn(password[:MAX_LENGTH], user_inputs=words)["score"] < NIST_MIN_SCORE:
        raise _refuse(
            "密码太常见或太容易猜到（如 12345678、password、重复或连续的字符、本人姓名或证件号），"
            "请换一个更长、不常见的密码，例如几个词组成的短句。",
            "The password is too common or easy to guess (like 12345678, password, repeated or "
            "sequential characters, your own name or ID); choose a longer, uncommon one, such as "
            "a short phrase of several words.",
        )


def expired(user: User, *, settings: Settings, now: datetime) -> bool:
    """Whether ``user`` must change the password before doing anything else: only under
    the ``dengbao3`` profile, for staff (and applicants with
    ``password_max_age_for_applicants``), once the password (set at ``password_changed_at``,
    else at the account's creation) is older than ``password_max_age_days`` days.
    GB/T 22239-2019 8.1.4.1 a; never under ``nist`` (NIST SP 800-63B §5.1.1.2)."""
    if settings.password_policy != "dengbao3":
        return False
    if not (user.is_staff or settings.password_max_age_for_applicants):
        return False
    changed = user.password_changed_at or user.created_at
    return now - changed > timedelta(days=settings.password_max_age_days)
