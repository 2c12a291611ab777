"""Page-test fixtures."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.web.live import own_engine, serve
from tests.web.support import sign_in


@pytest.fixture
def signed_in(client: TestClient) -> Callable[[str], TestClient]:
    """``signed_in("zhangsan")`` → the client, with the session cookie of that demo user."""

    def login(username: str) -> TestClient:
        client.cookies.clear()
        sign_in(client, username)
        return client

    return login


@pytest.fixture
def live(committing_engine: Engine, tmp_path: Path) -> Iterator[httpx.Client]:
    """A client of a real server on the suite's database (``tests.web.live``)."""
    with (
        own_engine(committing_engine, lock_wait_seconds=10) as engine,
        serve(engine, tmp_path / "files") as client,
    ):
        yield client
