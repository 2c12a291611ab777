"""The argon2id parameters of password hashes come from the ``password_hashing`` setting:
the library's recommended ones by default, a cheap profile only for the test suite
(never in production), and a sign-in moves a hash to the configured parameters."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import extract_parameters
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import token
from tongban.accounts import service
from tongban.accounts.models import User
from tongban.config import Settings, get_settings

PRODUCTION = {
    "environment": "production",
    "secret_key": "a-real-secret-of-enough-length-0123456789",
    "data_key": "a-real-master-key-of-enough-length-012345",
    "lookup_key": "a-real-lookup-key-of-enough-length-012345",
}


@pytest.fixture
def recommended(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process runs with the default (production) parameters."""
    monkeypatch.setenv("TONGBAN_PASSWORD_HASHING", "recommended")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_production_refuses_the_test_only_hashing() -> None:
    with pytest.raises(ValidationError, match="TONGBAN_PASSWORD_HASHING"):
        Settings(**PRODUCTION, password_hashing="test-only-fast")  # type: ignore[arg-type]
    assert Settings(**PRODUCTION, password_hashing="recommended").password_hashing == "recommended"  # type: ignore[arg-type]


def test_the_default_is_the_librarys_recommended_argon2id() -> None:
    assert Settings.model_fields["password_hashing"].default == "recommended"


def test_recommended_hashes_take_64_mib_and_three_passes(recommended: None) -> None:
    parameters = extract_parameters(service.hash_password("demo12345"))
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (65536, 3, 4)


def test_a_sign_in_moves_a_cheap_hash_to_the_recommended_parameters(
    client: TestClient, db: Session, recommended: None
) -> None:
    def stored() -> str:
        return db.scalars(select(User.password_hash).where(User.username == "clerk")).one()

    assert extract_parameters(stored()).memory_cost == 8  # made by the suite's engine fixture
    token(client, "clerk")
    db.expire_all()
    assert extract_parameters(stored()).memory_cost == 65536
    service.verify_password(stored(), "demo12345")
