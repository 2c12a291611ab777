"""A synthetic population in the test's transaction, and a department's REST service on a
loopback port (serving, down, slow or failing once)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.orm import Session

from tests.conftest import START
from tongban.catalog.models import DataSource
from tongban.sharing import service as sharing
from tongban.sharing.synthetic import Population

ROOT = Path(__file__).resolve().parents[2]
ACCOUNTS = yaml.safe_load((ROOT / "demo" / "users.yaml").read_text(encoding="utf-8"))
ZHANGSAN_ID = "350102196204180310"
MINFENG_CREDIT = "91350102MA2XQ1K7XN"


@pytest.fixture
def population(db: Session) -> dict[str, int]:
    """A small synthetic population (the demo accounts among it) in this test's transaction."""
    counts = sharing.load_synthetic(db, now=START, accounts=ACCOUNTS, people=80, enterprises=20)
    db.commit()
    return counts


@dataclass
class Department:
    """A department's REST service: ``GET /records/{key}``; ``mode`` says how it behaves."""

    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    mode: str = "up"  # up, slow, failing_once, error
    delay: float = 1.0
    hits: int = 0
    url: str = ""


@pytest.fixture
def department() -> Iterator[Department]:
    state = Department()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.hits += 1
            if state.mode == "slow":
                time.sleep(state.delay)
            if state.mode == "error" or (state.mode == "failing_once" and state.hits == 1):
                self._send(503, {"error": "busy"})
                return
            record = state.records.get(self.path.rsplit("/", 1)[-1])
            self._send(200 if record else 404, record or {"error": "not found"})

        def _send(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body, ensure_ascii=False).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout): nothing to answer

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/records"
    yield state
    server.shutdown()
    server.server_close()


def free_port_url() -> str:
    """A loopback URL where nothing listens (a department that is down)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/records"


def serve_over_http(
    db: Session, code: str, url: str, *, timeout: float = 0.3, retries: int = 1
) -> None:
    """Switch source ``code`` to the HTTP connector at ``url`` (in this test's transaction)."""
    row = db.get(DataSource, code)
    assert row is not None
    connector = {"kind": "http", "url": url, "timeout_seconds": timeout, "retries": retries}
    row.definition = {**row.definition, "connector": connector}
    db.commit()


def records_of(population: Population, code: str) -> dict[str, dict[str, Any]]:
    return dict(population.records[code])


from tests.catalog.conftest import catalog_copy  # noqa: E402, F401 (fixture for loader tests)
from tests.web.conftest import signed_in  # noqa: E402, F401 (fixture for page tests)
