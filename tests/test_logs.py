"""With JSON logs (``TONGBAN_LOG_JSON``) uvicorn's access and error lines are JSON too, on
the same stream as ours, masked like ours (issue 12)."""

from __future__ import annotations

import json
import logging
import logging.config
from collections.abc import Iterator

import pytest

from tongban.logs import uvicorn_log_config

UVICORN = ("uvicorn", "uvicorn.access", "uvicorn.error")


@pytest.fixture
def uvicorn_loggers() -> Iterator[None]:
    """Whatever the test configures, uvicorn's loggers are put back afterwards."""
    kept = {
        name: (logger.handlers[:], logger.level, logger.propagate)
        for name in UVICORN
        for logger in [logging.getLogger(name)]
    }
    yield
    for name, (handlers, level, propagate) in kept.items():
        logger = logging.getLogger(name)
        logger.handlers, logger.level, logger.propagate = handlers, level, propagate


def test_uvicorn_access_lines_are_json_on_stderr(
    uvicorn_loggers: None, capsys: pytest.CaptureFixture[str]
) -> None:
    logging.config.dictConfig(uvicorn_log_config(json=True))
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d',
        "127.0.0.1:5000",
        "GET",
        "/cases?id=350102199003070310",
        "1.1",
        200,
    )
    logging.getLogger("uvicorn.error").info("Started server process")
    out, err = capsys.readouterr()
    assert out == ""
    access, started = (json.loads(line) for line in err.strip().splitlines())
    assert access["logger"] == "uvicorn.access" and access["level"] == "info"
    assert "GET /cases" in access["event"] and "350102199003070310" not in access["event"]
    assert started["event"] == "Started server process" and "timestamp" in started


def test_plain_logs_keep_uvicorn_text(
    uvicorn_loggers: None, capsys: pytest.CaptureFixture[str]
) -> None:
    logging.config.dictConfig(uvicorn_log_config(json=False))
    logging.getLogger("uvicorn.error").info("Started server process")
    err = capsys.readouterr().err
    assert "Started server process" in err and not err.startswith("{")
