"""Structured logging, configured once per process."""

from __future__ import annotations

import logging
import sys

import structlog


def configure(*, json: bool) -> None:
    """Console lines for people, JSON lines for log collectors."""
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
    )
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")  # noqa: TID251
