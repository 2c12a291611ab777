"""Structured logging, configured once per process."""

from __future__ import annotations

import copy
import logging
import sys
from typing import Any

import structlog

from tongban.pii.masking import MaskingFilter, log_processor


def _renderer(json: bool) -> structlog.types.Processor:
    return (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )


def json_formatter() -> logging.Formatter:
    """A standard-library formatter writing a record as the JSON line structlog writes
    (``event``, ``level``, ``timestamp``, ``logger``), masked like them: for the loggers of
    libraries (uvicorn's access and error lines) when logs are JSON."""
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.stdlib.add_logger_name,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            log_processor,
            _renderer(json=True),
        ],
    )


def configure(*, json: bool) -> None:
    """Console lines for people, JSON lines for log collectors (the standard library's
    records too); never a whole resident ID or phone number in either (``pii.masking``)."""
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            log_processor,
            _renderer(json),
        ],
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
    )
    root = logging.StreamHandler(sys.stderr)
    root.setFormatter(json_formatter() if json else logging.Formatter("%(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[root])  # noqa: TID251
    for name in ("", "uvicorn", "uvicorn.access", "uvicorn.error"):
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(known, MaskingFilter) for known in handler.filters):
                handler.addFilter(MaskingFilter())


def uvicorn_log_config(*, json: bool) -> dict[str, Any]:
    """uvicorn's own logging setup with the masking filter on its handlers (its access
    lines carry paths and query strings); with ``json`` its lines are JSON like ours, on
    the same stream (stderr). uvicorn applies it after ``configure``."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"mask": {"()": MaskingFilter}}
    if json:
        config["formatters"] = {"json": {"()": json_formatter}}
    for handler in config["handlers"].values():
        handler["filters"] = ["mask"]
        if json:
            handler["formatter"], handler["stream"] = "json", "ext://sys.stderr"
    return config
