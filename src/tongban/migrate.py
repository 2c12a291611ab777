"""Running Alembic migrations from code (CLI, start-up, tests)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from tongban.db import READING


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("tongban").joinpath("migrations"))
    )
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision``."""
    command.upgrade(alembic_config(url), revision)


def schema_behind(engine: Engine) -> str | None:
    """Why the database of ``engine`` cannot be used yet (never made, or made by an older
    version: ``tongban migrate`` first), or None when it is at the newest revision. A
    SQLite file that does not exist is reported without creating it; one that another
    process is writing to is read without waiting for its write lock."""
    path = engine.url.database
    file = engine.url.get_backend_name() == "sqlite" and path and path != ":memory:"
    if file and not Path(str(path)).exists():
        return f"数据库文件不存在 (no database file): {path}"
    with engine.execution_options(**{READING: True}).connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    newest = ScriptDirectory.from_config(alembic_config(str(engine.url))).get_current_head()
    if current is None:
        return "数据库尚未建立 (the database has no schema yet)"
    if current != newest:
        return f"数据库结构版本过旧 (schema {current}, this version needs {newest})"
    return None
