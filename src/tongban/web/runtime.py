"""What a running app holds: settings, the database, the file store and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from tongban.config import Settings
from tongban.db import make_engine, make_sessionmaker
from tongban.files.store import FileStore, LocalFileStore


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    store: FileStore
    clock: Callable[[], datetime] | None = None  # tests move time; None = real time

    @classmethod
    def from_settings(cls, settings: Settings) -> Runtime:
        if settings.database_url.startswith("sqlite:///"):
            Path(settings.database_url.removeprefix("sqlite:///")).parent.mkdir(
                parents=True, exist_ok=True
            )
        engine = make_engine(settings.database_url)
        return cls(
            settings, engine, make_sessionmaker(engine), LocalFileStore(settings.file_store_path)
        )
