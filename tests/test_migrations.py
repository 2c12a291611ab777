"""The Alembic migrations build exactly the schema the models describe, on SQLite and
PostgreSQL, and can be run again, undone and redone.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from tests import figures
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


# -- from every earlier revision, with data present ------------------------------------

PERSON = {
    "username": "migrated",
    "password_hash": "x",
    "kind": "person",
    "display_name": "迁移前的用户",
    "id_number": "350102196204180310",
    "active": True,
}


def _revisions(url: str) -> list[str]:
    """Every revision from the first to the one before head."""
    script = ScriptDirectory.from_config(alembic_config(url))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))][:-1]


def _sampled(revisions: list[str]) -> list[str]:
    """All in the long form; in ``make test`` the first, one in the middle and the last two."""
    if figures.LONG or len(revisions) <= 4:
        return revisions
    return [revisions[0], revisions[len(revisions) // 2], *revisions[-2:]]


def _insert_user(engine: Engine) -> None:
    """A user row written with the columns the revision has (and a time for ``created_at``)."""
    columns = {c["name"] for c in inspect(engine).get_columns("users")}
    row = {k: v for k, v in PERSON.items() if k in columns}
    if "created_at" in columns:
        row["created_at"] = "2025-01-01 00:00:00"
    names = ", ".join(row)
    with engine.begin() as conn:
        conn.execute(
            text(f"INSERT INTO users ({names}) VALUES ({', '.join(':' + k for k in row)})"), row
        )


def test_every_earlier_revision_upgrades_to_head_keeping_its_data(tmp_path: Path) -> None:
    probe = f"sqlite:///{tmp_path / 'probe.sqlite3'}"
    for revision in _sampled(_revisions(probe)):
        url = f"sqlite:///{tmp_path / f'{revision}.sqlite3'}"
        engine = make_engine(url)
        try:
            upgrade(url, revision)
            _insert_user(engine)
            upgrade(url)
            assert _current(engine) == _head(url)
            with engine.connect() as conn:
                names = conn.execute(text("SELECT display_name FROM users")).scalars().all()
            kept = names == ["迁移前的用户"]
            figures.count("migrations from earlier revisions", revisions=1, data_lost=int(not kept))
            assert kept, (revision, names)
            command.downgrade(alembic_config(url), revision)
            assert _current(engine) == revision
            upgrade(url)
            assert _differences(engine) == [], revision
        finally:
            engine.dispose()
