"""Page-test fixtures."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.web.support import sign_in


@pytest.fixture
def signed_in(client: TestClient) -> Callable[[str], TestClient]:
    """``signed_in("zhangsan")`` → the client, with the session cookie of that demo user."""

    def login(username: str) -> TestClient:
        client.cookies.clear()
        sign_in(client, username)
        return client

    return login
