"""Settings of signing in and of the limits that defend it (等保 2.0 level 3, 8.1.4.1:
身份鉴别), part of ``tongban.config.Settings``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings


class SignInSettings(BaseSettings):
    """Sign-in sessions, the password profile and its maximum age, the second factor, and
    the per-user and per-address limits of sign-in, registration and public lookups."""

    session_hours: int = Field(8, description="How long a sign-in stays valid, in hours.")
    password_policy: Literal["nist", "dengbao3"] = Field(
        "nist",
        description="Rules for new passwords: nist (NIST SP 800-63B: at least 8 characters, not "
        "common or easy to guess, no composition rules) or dengbao3 (等保 2.0 level 3: at least "
        "8 characters of 3 of the 4 kinds, not containing the username).",
    )
    password_hashing: Literal["recommended", "test-only-fast"] = Field(
        "recommended",
        description="Parameters of new argon2id password hashes: recommended (argon2-cffi's "
        "RFC 9106 low-memory profile: 3 passes over 64 MiB in 4 lanes) or test-only-fast (1 "
        "pass over 8 KiB, for the test suite's thousands of sign-ins; refused in production). "
        "A password is always checked with the parameters stored in its hash, and a sign-in "
        "rehashes it when they differ from these.",
    )
    password_max_age_days: int = Field(
        90,
        ge=1,
        le=3650,
        description="Under the dengbao3 profile, the days a password may be used (等保 2.0 "
        "level 3: 定期更换); older, its owner must change it after signing in before doing "
        "anything else. The nist profile never forces a change (NIST SP 800-63B).",
    )
    password_max_age_for_applicants: bool = Field(
        False,
        description="Under the dengbao3 profile, whether applicants' passwords expire too "
        "(else only staff passwords do).",
    )
    second_factor_for_staff: bool = Field(
        False,
        description="Staff sign in with a second factor, a TOTP authenticator app (RFC 6238) "
        "with one-time recovery codes; those not yet enrolled enrol at their next sign-in "
        "(等保 2.0 level 3 asks it of administrators: set true in production). Applicants "
        "and staff may enrol of their own accord either way.",
    )
    metrics_token: str | None = Field(
        None,
        description="Bearer token a Prometheus scraper sends to read /metrics; unset: only "
        "requests from this machine (loopback) may read it.",
    )
    sign_in_lock_after: int = Field(
        5,
        ge=3,
        le=20,
        description="Wrong passwords in a row after which a username is locked (登录失败处理).",
    )
    sign_in_lock_minutes: int = Field(
        15,
        ge=1,
        le=1440,
        description="Minutes a username stays locked after the last of those wrong passwords.",
    )
    sign_in_per_source_per_minute: int = Field(
        100,
        ge=5,
        description="Sign-in attempts one network address may make per minute (any username).",
    )
    registrations_per_source_per_hour: int = Field(
        10, ge=1, description="Accounts one network address may register per hour."
    )
    progress_lookups_per_source_per_minute: int = Field(
        10,
        ge=1,
        description="Failed progress lookups without sign-in (办件查询) one network address "
        "may make per minute.",
    )
    check_in_misses_per_source_per_minute: int = Field(
        3,
        ge=1,
        description="Queue check-in codes matching no booking (签到码) one network address may "
        "try per minute without signing in (API or kiosk page); a hall's registered terminal "
        "is counted on its own.",
    )
    hall_tickets_per_source_per_day: int = Field(
        3,
        ge=1,
        description="Hall tickets (现场取号) one network address may take per day without "
        "signing in, through the API or the kiosk page of a browser that is no registered "
        "terminal; a signed-in person holds one open ticket per hall and day.",
    )
    kiosk_terminals: str = Field(
        "",
        description="The halls' self-service terminals (自助终端) registered before they were "
        "kept in the database: comma-separated `HALL:NAME:SHA256` entries (the SHA-256 of a "
        "terminal's token), registered once when the database is migrated to revision "
        "0046_kiosk_terminals (installation or upgrade); later changes are not read. "
        "Terminals are registered and revoked at `/ops/kiosk-terminals` or with `tongban "
        "halls kiosk-terminal HALL NAME`.",
    )
    kiosk_tickets_per_terminal_per_day: int = Field(
        400,
        ge=1,
        description="Tickets one registered kiosk terminal may give per day (then 429 until "
        "midnight: take one at a window).",
    )
    objections_per_source_per_hour: int = Field(
        5,
        ge=1,
        description="Objections to public notices (公示异议) one network address may file per "
        "hour without signing in; a signed-in person is not counted.",
    )
    licence_lookups_per_source_per_minute: int = Field(
        10,
        ge=1,
        description="Failed public licence verifications (核验: no such licence, or a number "
        "that is not one) one network address may make per minute.",
    )
