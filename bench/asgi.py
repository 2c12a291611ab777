"""The web app as ``uvicorn --factory --workers N`` starts it in each worker process: the
configured settings, the embedded worker off (a separate ``tongban worker`` runs the jobs,
as operators run several web processes)."""

from __future__ import annotations

from fastapi import FastAPI

from tongban.app import create_app
from tongban.cli.base import runtime


def app() -> FastAPI:
    return create_app(runtime(), start_worker=False)
