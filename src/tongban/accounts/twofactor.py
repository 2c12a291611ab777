"""The second factor of a sign-in (双因素认证): a TOTP authenticator (RFC 6238: 6 digits,
30-second steps, SHA-1, as every authenticator app reads it) and one-time recovery codes.

GB/T 22239-2019 (等保 2.0) level 3, 8.1.4.1 d asks administrators to sign in with two or
more factors; ``TONGBAN_SECOND_FACTOR_FOR_STAFF`` requires it of every staff account, and
any user (applicants too) may enrol. A code is accepted one step either side of now (clock
drift) and each step once (a seen code cannot be replayed); a recovery code once.

The shared secret is stored sealed (AES-256-GCM under a key derived with HKDF from
``TONGBAN_SECRET_KEY``): a copy of the database alone does not give the codes. Changing the
secret key therefore asks every enrolled user to enrol again.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban import sealing
from tongban.accounts.models import RecoveryCode, SecondFactor, User
from tongban.config import Settings
from tongban.errors import NotSignedIn

ISSUER = "Tongban 通办"
RECOVERY_CODES = 10
PENDING_SECONDS = 300
"""How long a right password waits for its second factor (the sign-in page's second step)."""

TOTP = "totp"
RECOVERY = "recovery_code"
ENROLLED = "account.second_factor_enrolled"  # an authenticator confirmed by its first code
PURPOSE = "second factor"  # the sealing key's purpose (HKDF info "tongban second factor")


class SecondFactorNeeded(NotSignedIn):
    """The password was right; a code from the authenticator is due, or (``enrol``) the
    user must first enrol an authenticator (the sign-in page's second step shows its QR)."""

    def __init__(self, user_id: int, *, enrol: bool) -> None:
        if enrol:
            super().__init__(
                "此账号须使用双因素认证：请在登录页面用身份验证器应用扫描二维码完成绑定。",
                "This account needs a second factor: enrol an authenticator app by scanning "
                "the QR code on the sign-in page.",
                code="second_factor_enrolment",
            )
        else:
            super().__init__(
                "请输入身份验证器上的 6 位验证码（或一个恢复码）。",
                "Enter the 6-digit code from your authenticator (or a recovery code).",
                code="second_factor_required",
            )
        self.user_id = user_id
        self.enrol = enrol


def _seal(secret: str, settings: Settings) -> str:
    return sealing.seal(secret, secret_key=settings.secret_key, purpose=PURPOSE, label=b"totp")


def _unseal(sealed: str, settings: Settings) -> str:
    return sealing.unseal(sealed, secret_key=settings.secret_key, purpose=PURPOSE, label=b"totp")


def factor_of(session: Session, *, user_id: int) -> SecondFactor | None:
    """The user's authenticator, confirmed or still being enrolled."""
    return session.scalar(select(SecondFactor).where(SecondFactor.user_id == user_id))


def enrolled(session: Session, *, user: User) -> bool:
    """Whether ``user`` has a confirmed authenticator."""
    factor = factor_of(session, user_id=user.id)
    return factor is not None and factor.confirmed_at is not None


def required(user: User, settings: Settings) -> bool:
    """Whether ``user`` must give a second factor even before enrolling one."""
    return settings.second_factor_for_staff and user.is_staff


def start_enrolment(session: Session, *, user: User, settings: Settings, now: datetime) -> str:
    """A new secret for ``user``'s authenticator, replacing an unconfirmed one; returns it
    (base32). An already confirmed authenticator is kept until the new one is confirmed."""
    secret = pyotp.random_base32()
    factor = factor_of(session, user_id=user.id)
    if factor is None:
        factor = SecondFactor(user_id=user.id, created_at=now, last_step=0)
        session.add(factor)
    elif factor.confirmed_at is not None:
        raise ValueError("already enrolled")  # disabling comes first (not offered yet)
    factor.sealed_secret = _seal(secret, settings)
    factor.created_at = now
    session.flush()
    return secret


def pending_secret(session: Session, *, user: User, settings: Settings) -> str | None:
    """The secret of an enrolment not yet confirmed (for its QR code), if any."""
    factor = factor_of(session, user_id=user.id)
    if factor is None or factor.confirmed_at is not None:
        return None
    return _unseal(factor.sealed_secret, settings)


def provisioning_uri(secret: str, *, username: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def _step_matching(secret: str, code: str, now: datetime) -> int | None:
    totp = pyotp.TOTP(secret)
    step = int(now.timestamp()) // totp.interval
    for candidate in (step, step - 1, step + 1):
        expected = totp.generate_otp(candidate)
        if hmac.compare_digest(expected, code):
            return candidate
    return None


def _recovery_hash(user_id: int, code: str) -> str:
    plain = code.replace("-", "").replace(" ", "").lower()
    return hashlib.sha256(f"{user_id}:{plain}".encode()).hexdigest()


def kind_of(code: str) -> str:
    """Which factor a typed code is given as: six digits an authenticator's (``TOTP``),
    anything else a recovery code (``RECOVERY``)."""
    code = code.strip().replace(" ", "")
    return TOTP if code.isdigit() and len(code) == 6 else RECOVERY


def check(
    session: Session, *, user: User, code: str, settings: Settings, now: datetime
) -> str | None:
    """Check a code from the authenticator or a recovery code; returns which it was
    (``TOTP`` or ``RECOVERY``) and uses it up, or None if it is not right."""
    factor = factor_of(session, user_id=user.id)
    code = code.strip().replace(" ", "")
    if factor is None:
        return None
    if kind_of(code) == TOTP:
        step = _step_matching(_unseal(factor.sealed_secret, settings), code, now)
        if step is None or step <= factor.last_step:
            return None
        factor.last_step = step
        return TOTP
    if factor.confirmed_at is None:
        return None
    query = select(RecoveryCode).where(
        RecoveryCode.code_hash == _recovery_hash(user.id, code), RecoveryCode.used_at.is_(None)
    )
    row = session.scalar(query)
    if row is None:
        return None
    row.used_at = now
    return RECOVERY


def confirm(session: Session, *, user: User, now: datetime) -> list[str]:
    """Mark the checked enrolment confirmed and make new recovery codes; returns them
    (shown once, stored only as hashes)."""
    factor = factor_of(session, user_id=user.id)
    assert factor is not None
    factor.confirmed_at = now
    for row in session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        session.delete(row)
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    for code in codes:
        session.add(RecoveryCode(user_id=user.id, code_hash=_recovery_hash(user.id, code)))
    session.flush()
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def pending_token(*, user_id: int, settings: Settings, now: datetime) -> str:
    """A signed note that ``user_id`` gave the right password at ``now`` (a cookie between
    the sign-in page's two steps)."""
    value = f"{user_id}.{int(now.timestamp()) + PENDING_SECONDS}"
    mac = hmac.new(settings.secret_key.encode(), f"2fa:{value}".encode(), "sha256").hexdigest()
    return f"{value}.{mac}"


def pending_user(token: str | None, *, settings: Settings, now: datetime) -> int | None:
    """The user id of a pending token whose signature holds and time has not run out."""
    parts = (token or "").split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    value = f"{parts[0]}.{parts[1]}"
    mac = hmac.new(settings.secret_key.encode(), f"2fa:{value}".encode(), "sha256").hexdigest()
    if not hmac.compare_digest(mac, parts[2]) or int(parts[1]) < now.timestamp():
        return None
    return int(parts[0])
