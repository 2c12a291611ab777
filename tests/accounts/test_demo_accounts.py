"""Demo accounts are data loaded on purpose, never something the app creates by itself."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.factories import API
from tongban.accounts.models import User
from tongban.app import create_app
from tongban.config import Settings
from tongban.migrate import upgrade
from tongban.web.runtime import Runtime


def test_a_fresh_app_has_no_accounts_at_all(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    upgrade(url)
    settings = Settings(database_url=url, file_store_path=tmp_path / "f", environment="test")
    runtime = Runtime.from_settings(settings)
    try:
        with TestClient(create_app(runtime, start_worker=False)) as client:
            login = {"username": "zhangsan", "password": "demo12345"}
            assert client.post(f"{API}/auth/login", json=login).status_code == 401
            admin = {"username": "admin", "password": "demo12345"}
            assert client.post(f"{API}/auth/login", json=admin).status_code == 401
        with runtime.sessions() as session:
            assert session.scalar(select(func.count()).select_from(User)) == 0
    finally:
        runtime.engine.dispose()


def test_the_test_database_has_the_demo_accounts_the_fixture_loaded(client: TestClient) -> None:
    login = {"username": "admin", "password": "demo12345"}

    assert client.post(f"{API}/auth/login", json=login).status_code == 200
