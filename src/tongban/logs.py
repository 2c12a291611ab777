"""Structured logging, configured once per process."""

from __future__ import annotations

import copy
import logging
import sys
from typing import Any

import structlog

from tongban.pii.masking import MaskingFilter, log_processor


def configure(*, json: bool) -> None:
    """Console lines for people, JSON lines for log collectors; never a whole resident ID
    or phone number in either (``pii.masking``)."""
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            log_processor,
            renderer,
        ],
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
    )
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")  # noqa: TID251
    for name in ("", "uvicorn", "uvicorn.access", "uvicorn.error"):
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(known, MaskingFilter) for known in handler.filters):
                handler.addFilter(MaskingFilter())


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's own logging setup with the masking filter on its handlers (its access
    lines carry paths and query strings); uvicorn applies it after ``configure``."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"mask": {"()": MaskingFilter}}
    for handler in config["handlers"].values():
        handler["filters"] = ["mask"]
    return config
