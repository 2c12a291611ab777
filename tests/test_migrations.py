"""The Alembic migrations build exactly the schema the models describe, on SQLite and
PostgreSQL, and can be run again, undone and redone.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from tongban.db import Base, make_engine
from tongban.migrate import alembic_config, upgrade
from tongban.models import load_all


def _differences(engine: Engine) -> list[object]:
    load_all()
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def _head(url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def _current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_test_database_is_at_head_and_matches_the_models(engine: Engine) -> None:
    assert _current(engine) == _head(str(engine.url))
    assert _differences(engine) == []


def test_upgrade_from_empty_is_idempotent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    engine = make_engine(url)
    try:
        upgrade(url)
        upgrade(url)

        assert _current(engine) == _head(url)
        assert _tables(engine) == set(Base.metadata.tables)
        assert _differences(engine) == []
    finally:
        engine.dispose()


def test_downgrade_to_base_and_upgrade_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    engine = make_engine(url)
    try:
        upgrade(url)

        command.downgrade(alembic_config(url), "base")
        assert _tables(engine) == set()
        assert _current(engine) is None

        upgrade(url)
        assert _current(engine) == _head(url)
        assert _differences(engine) == []
    finally:
        engine.dispose()
