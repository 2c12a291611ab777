"""Shared fixtures: one migrated database per run (SQLite file, or PostgreSQL when
TONGBAN_TEST_DATABASE_URL is set), the demo calendar, catalog and users loaded once,
and every test inside a transaction that is rolled back afterwards.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine, func, make_url, select, text
from sqlalchemy.orm import Session, sessionmaker

from tests import figures
from tongban.app import create_app
from tongban.assistant import service as assistant
from tongban.catalog import reading as catalog_reading
from tongban.catalog import service as catalog
from tongban.config import Settings, get_settings
from tongban.db import Base, make_engine
from tongban.demo import users as demo
from tongban.files.store import LocalFileStore
from tongban.migrate import upgrade
from tongban.models import load_all
from tongban.web.runtime import Runtime
from tongban.workdays import service as workdays

# Cheap argon2id for the suite's thousands of sign-ins (a check at production parameters
# takes 50 ms to seconds of CPU); production refuses it. Set before any Settings is read.
os.environ.setdefault("TONGBAN_PASSWORD_HASHING", "test-only-fast")

ROOT = Path(__file__).resolve().parent.parent
# Monday 2025-09-22 09:00 in Fuzhou: the 2025 National Day week is ahead.
START = datetime(2025, 9, 22, 1, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests may talk to this machine only."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else ""
        if host and host not in ("127.0.0.1", "::1", "localhost"):
            raise RuntimeError(f"network access to {host} is blocked in tests")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def _fresh_version_cache() -> None:
    """Each test starts without cached catalog versions: its inner commits are rolled
    back with the test's transaction, and a later test may get the same ids."""
    catalog_reading.VERSIONS.clear()


def _reset(engine: Engine) -> None:
    """Start from an empty database (a PostgreSQL one may be left from an earlier run)."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        return
    load_all()
    Base.metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> str:
    """The suite's database: a SQLite file per process, or the PostgreSQL database named by
    TONGBAN_TEST_DATABASE_URL — under pytest-xdist one per worker beside it (its name plus
    the worker's, made on first use: the role needs CREATEDB, as CI's has), so the workers
    never reset each other's schema."""
    url = os.environ.get("TONGBAN_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    if worker_id == "master" or not url.startswith("postgresql"):
        return url
    base = make_url(url)
    database = f"{base.database}_{worker_id}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            query = text("SELECT 1 FROM pg_database WHERE datname = :name")
            if conn.execute(query, {"name": database}).scalar() is None:
                conn.execute(text(f'CREATE DATABASE "{database}"'))
    finally:
        admin.dispose()
    return base.set(database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """A database migrated from empty with Alembic, demo data loaded and committed."""
    engine = make_engine(database_url)
    _reset(engine)
    upgrade(database_url)
    users = yaml.safe_load((ROOT / "demo" / "users.yaml").read_text(encoding="utf-8"))
    with Session(engine) as session:
        workdays.seed_from_chinesecalendar(session=session)
        report = catalog.load_catalog(session, root=ROOT / "catalog")
        assert report.read is not None and not report.read.errors, report.read.errors
        for entry in users:
            demo.ensure_user(session, entry)
        assistant.cut_published(session, now=START)  # as the worker does: once, not per test
        session.commit()
    yield engine
    engine.dispose()


@contextmanager
def audit_guard_lifted(conn: Connection) -> Iterator[None]:
    """Lift the triggers that keep ``audit_entries`` append-only and ``audit_head`` moving
    forward (migrations ``0040_audit_append_only``, ``0056_audit_head``) inside ``conn``'s
    transaction, as the tables' owner could: for tests that tamper with the trail on
    purpose, or remove what they committed."""
    guarded = ("audit_entries", "audit_head")
    if conn.dialect.name == "postgresql":
        for table in guarded:
            conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        try:
            yield
        finally:
            for table in guarded:
                conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
        return
    query = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (:a, :b)"
    triggers = conn.execute(text(query), dict(zip("ab", guarded, strict=True))).all()
    for name, _ in triggers:
        conn.execute(text(f'DROP TRIGGER "{name}"'))
    try:
        yield
    finally:
        for _, sql in triggers:
            conn.execute(text(sql))


@pytest.fixture
def committing_engine(engine: Engine) -> Iterator[Engine]:
    """The shared database for tests that must commit (races between real transactions);
    every row they add is deleted afterwards (rows keyed by their parent's id with it), so
    other tests' figures stay exact."""
    load_all()
    tables = [t for t in Base.metadata.sorted_tables if "id" in t.c and t.c.id.primary_key]
    with engine.connect() as conn:
        before = {t.name: conn.execute(select(func.max(t.c.id))).scalar() or 0 for t in tables}
    yield engine
    with engine.begin() as conn, audit_guard_lifted(conn):
        for table in reversed(Base.metadata.sorted_tables):
            if table.name in before:
                conn.execute(table.delete().where(table.c.id > before[table.name]))
                continue
            for column in table.primary_key.columns:  # a row keyed by its parent's id
                for key in column.foreign_keys:
                    parent = key.column.table.name
                    if parent in before and key.column.name == "id":
                        conn.execute(table.delete().where(column > before[parent]))


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    conn = engine.connect()
    outer = conn.begin()
    yield conn
    outer.rollback()
    conn.close()


@pytest.fixture
def sessions(connection: Connection) -> sessionmaker[Session]:
    """Sessions whose commits only release a savepoint of the test's transaction."""
    return sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )


@pytest.fixture
def db(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as session:
        yield session


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def new_lookup_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[bool], None]]:
    """``switch(previous)``: processes now run under a new lookup key, with the one the rows
    were written under (the development key) as ``TONGBAN_LOOKUP_KEY_PREVIOUS`` while a
    rotation is under way (``previous``), or alone once it is over."""

    def switch(previous: bool) -> None:
        monkeypatch.setenv("TONGBAN_LOOKUP_KEY", "a-new-lookup-key-for-this-test-0123456789")
        if previous:  # empty: the development key
            monkeypatch.setenv("TONGBAN_LOOKUP_KEY_PREVIOUS", "")
        else:
            monkeypatch.delenv("TONGBAN_LOOKUP_KEY_PREVIOUS", raising=False)
        get_settings.cache_clear()

    yield switch
    get_settings.cache_clear()


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def runtime(
    engine: Engine, sessions: sessionmaker[Session], clock: Clock, tmp_path: Path
) -> Runtime:
    settings = Settings(
        environment="test",
        database_url=str(engine.url),
        file_store_path=tmp_path / "files",
        assistant_wait_seconds=60,  # a loaded test machine builds the index slowly
        # Not at every client's start: the warming tests turn it on (tests/assistant).
        assistant_prepare_at_start=False,
    )
    return Runtime(settings, engine, sessions, LocalFileStore(tmp_path / "files"), clock)


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime, start_worker=False)) as test_client:
        yield test_client


def token(client: TestClient, username: str, password: str = "demo12345") -> dict[str, str]:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def as_user(client: TestClient):  # type: ignore[no-untyped-def]
    """``as_user("clerk")`` → headers of a signed-in demo user (cached per test)."""
    cache: dict[str, dict[str, str]] = {}

    def headers(username: str) -> dict[str, str]:
        if username not in cache:
            cache[username] = token(client, username)
        return cache[username]

    return headers


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``postgres`` run only when the suite runs on PostgreSQL."""
    if os.environ.get("TONGBAN_TEST_DATABASE_URL", "").startswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set TONGBAN_TEST_DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


# -- the figures of the security and reliability suites (``tests/figures.py``) --------


def pytest_sessionfinish(session: pytest.Session) -> None:
    """An xdist worker hands its figures to the controller."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["tongban_figures"] = figures.dump()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    """The controller gathers the figures of a worker that finished."""
    dumped = getattr(node, "workeroutput", {}).get("tongban_figures")
    if dumped:
        figures.merge(dumped)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """What the security and reliability suites tried, one line each."""
    found = figures.lines()
    if found:
        terminalreporter.section("security and reliability figures")
        for line in found:
            terminalreporter.write_line(line)
