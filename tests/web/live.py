"""A real uvicorn server on a loopback port over the suite's (committing) database, for
tests that need what the test client cannot show: commits after the response, requests at
the same moment."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy import Engine

from tongban.app import create_app
from tongban.config import Settings
from tongban.db import make_engine, make_sessionmaker
from tongban.files.store import LocalFileStore
from tongban.web.runtime import Runtime


@contextmanager
def serve(engine: Engine, files: Path, **settings: Any) -> Iterator[httpx.Client]:
    """Run the app on ``engine`` with uvicorn in a thread on a free loopback port (with
    ``settings`` besides the test ones); yield a client for it."""
    url = engine.url.render_as_string(hide_password=False)
    configured = Settings(
        environment="test",
        database_url=url,
        file_store_path=files,
        assistant_wait_seconds=60,  # a loaded test machine builds the assistant's index slowly
        **settings,
    )
    runtime = Runtime(configured, engine, make_sessionmaker(engine), LocalFileStore(files))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        create_app(runtime, start_worker=False),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(1000):
        if server.started or not thread.is_alive():
            break
        threading.Event().wait(0.01)
    assert server.started, "the server did not start"
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@contextmanager
def own_engine(shared: Engine, *, lock_wait_seconds: float) -> Iterator[Engine]:
    """An engine of the server's own over the suite's (committing) database."""
    url = shared.url.render_as_string(hide_password=False)
    engine = make_engine(url, lock_wait_seconds=lock_wait_seconds)
    yield engine
    engine.dispose()
