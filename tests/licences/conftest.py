"""Fixtures of other folders the licence tests use, and the signing algorithm."""

from typing import Any

import pytest

from tests.web.conftest import signed_in  # noqa: F401 (fixture for page tests)
from tongban.config import Settings


@pytest.fixture(params=["ed25519", "sm2"])
def algorithm(request: pytest.FixtureRequest, runtime: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test runs once with Ed25519 keys and once with SM2 (国密) keys (one only where
    a test parametrizes ``algorithm`` indirectly)."""
    settings = Settings(
        environment="test",
        database_url=runtime.settings.database_url,
        file_store_path=runtime.settings.file_store_path,
        licence_signing=request.param,
    )
    monkeypatch.setattr(runtime, "settings", settings)
    return str(request.param)
