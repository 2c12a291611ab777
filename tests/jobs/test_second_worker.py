"""A second worker started on the SQLite file of a busy one (or of the embedded server's
worker) starts and waits for its turn to write, never dying at start-up because another
holds the one write lock (docs/workers.md).
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tongban.db import make_engine
from tongban.migrate import schema_behind


def test_checking_the_schema_at_start_up_does_not_wait_for_the_write_lock(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("the one write lock of a SQLite file")
    second = make_engine(str(engine.url), lock_wait_seconds=0.2)  # another process's engine
    with engine.connect() as busy:
        busy.begin()  # BEGIN IMMEDIATE: the first worker holds the write lock, longer than
        assert schema_behind(second) is None  # the second's wait: it starts all the same
        busy.rollback()
    second.dispose()
