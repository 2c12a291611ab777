"""The Alembic migrations build exactly the schema the models describe, on SQLite and
PostgreSQL, and can be run again, undone and redone; from every earlier revision, with
data present, on the suite's database (SQLite, or PostgreSQL in scratch databases).
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, inspect, make_url, select, text
from sqlalchemy.orm import Session

from tests import figures
from tongban.accounts.models import User
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


# -- from every earlier revision, with data present, on the suite's database ----------
#
# A scratch database of the suite's kind: a SQLite file, or on PostgreSQL a database of
# its own made beside the test database (the role needs CREATEDB, as CI's has) and
# dropped afterwards.


@contextmanager
def scratch(tmp_path: Path, database_url: str, name: str) -> Iterator[str]:
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / f'{name}.sqlite3'}"
        return
    base = make_url(database_url)
    database = f"{base.database}_m{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        yield base.set(database=database).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


def _person(revision: str, n: int) -> dict[str, object]:
    return {
        "username": f"migrated-{n}",
        "password_hash": "x",
        "kind": "person",
        "display_name": f"迁移前的用户{n}",
        "id_number": f"3501021962041{n:04d}0"[:17] + "X",
        "phone": f"138{n:08d}",
        "email": f"migrated{n}@example.cn",
        "active": True,
    }


def _revisions(url: str) -> list[str]:
    """Every revision from the first to the one before head."""
    script = ScriptDirectory.from_config(alembic_config(url))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))][:-1]


def _sampled(revisions: list[str]) -> list[str]:
    """All in the long form; in ``make test`` the first and the last (the step-by-step
    test below runs every revision, with data, in one database)."""
    if figures.LONG or len(revisions) <= 2:
        return revisions
    return [revisions[0], revisions[-1]]


def _insert_user(engine: Engine, person: dict[str, object]) -> None:
    """A user row written with the columns the revision has (and a time for ``created_at``)."""
    columns = {c["name"] for c in inspect(engine).get_columns("users")}
    row = {k: v for k, v in person.items() if k in columns}
    if "created_at" in columns:
        row["created_at"] = datetime(2025, 1, 1)
    names = ", ".join(row)
    with engine.begin() as conn:
        conn.execute(
            text(f"INSERT INTO users ({names}) VALUES ({', '.join(':' + k for k in row)})"), row
        )


def _people(engine: Engine) -> dict[str, tuple[str, str | None]]:
    """username → (name, ID number) as the models read them (opened if sealed)."""
    with Session(engine) as session:
        users = session.scalars(select(User).where(User.username.like("migrated-%"))).all()
        return {u.username: (u.display_name, u.id_number) for u in users}


def _expected(people: list[dict[str, object]]) -> dict[str, tuple[str, str | None]]:
    return {str(p["username"]): (str(p["display_name"]), str(p["id_number"])) for p in people}


def test_every_earlier_revision_upgrades_to_head_keeping_its_data(
    tmp_path: Path, database_url: str
) -> None:
    """A fresh database at each (sampled) revision, a user in it, upgraded to head: the
    user reads back whole; downgraded to the revision and upgraded again: the schema is
    the models'."""
    revisions = _sampled(_revisions(database_url))
    for n, revision in enumerate(revisions):
        with scratch(tmp_path, database_url, revision) as url:
            engine = make_engine(url)
            try:
                upgrade(url, revision)
                person = _person(revision, n)
                _insert_user(engine, person)
                upgrade(url)
                assert _current(engine) == _head(url)
                kept = _people(engine) == _expected([person])
                figures.count(
                    "migrations from earlier revisions", revisions=1, data_lost=int(not kept)
                )
                assert kept, (revision, _people(engine))
                command.downgrade(alembic_config(url), revision)
                assert _current(engine) == revision
                upgrade(url)
                assert _differences(engine) == [], revision
            finally:
                engine.dispose()


def test_every_revision_step_up_and_down_keeps_the_rows_written_before_it(
    tmp_path: Path, database_url: str
) -> None:
    """Every revision, one step at a time, in one database: a user is written at each
    revision with the columns it has, and every user written so far reads back whole at
    head (so each migration ran over rows of every shape before it); then every step
    down to the first revision keeps the users (each downgrade is run), and the way up
    again ends at the models' schema."""
    revisions = _revisions(database_url)
    with scratch(tmp_path, database_url, "walk") as url:
        engine = make_engine(url)
        try:
            people: list[dict[str, object]] = []
            for n, revision in enumerate(revisions):
                upgrade(url, revision)
                people.append(_person(revision, 100 + n))
                _insert_user(engine, people[-1])
            upgrade(url)
            kept = _people(engine) == _expected(people)
            figures.count(
                "migrations step by step",
                revisions=len(revisions) + 1,
                rows=len(people),
                data_lost=int(not kept),
            )
            assert kept, _people(engine)
            config = alembic_config(url)
            for revision in reversed(revisions):
                command.downgrade(config, revision)
                assert _current(engine) == revision
            with engine.connect() as conn:
                count = conn.execute(text("SELECT count(*) FROM users")).scalar()
            assert count == len(people)
            upgrade(url)
            assert _differences(engine) == []
            assert _people(engine) == _expected(people)
        finally:
            engine.dispose()


def test_unanswered_questions_asked_before_the_counts_are_counted(
    tmp_path: Path, database_url: str
) -> None:
    """0063_unanswered_counts: the rows of one open question (however spaced and cased)
    become one row counting them; a closed row stays one ask; undone, one row per ask."""
    asked = [
        ("开KTV", "2026-12-01 09:00:00", None),
        ("开 ktv", "2026-12-02 10:00:00", None),
        ("开KTV", "2026-12-03 11:00:00", None),
        ("开KTV", "2026-11-30 08:00:00", "2026-12-01 08:00:00"),
        ("开桌游吧", "2026-12-02 12:00:00", None),
    ]
    with scratch(tmp_path, database_url, "counts") as url:
        engine = make_engine(url)
        try:
            upgrade(url, "0062_metric_situation_savings")
            with engine.begin() as conn:
                for question, at, resolved in asked:
                    conn.execute(
                        text(
                            "INSERT INTO assistant_unanswered (question, asked_at, resolved_at)"
                            " VALUES (:q, :at, :resolved)"
                        ),
                        {"q": question, "at": at, "resolved": resolved},
                    )
            upgrade(url, "0063_unanswered_counts")
            query = text(
                "SELECT question, asks, first_asked_at, last_asked_at, resolved_at IS NULL"
                " FROM assistant_unanswered ORDER BY id"
            )
            with engine.connect() as conn:
                rows = [
                    (q, n, str(a)[:16], str(b)[:16], o) for q, n, a, b, o in conn.execute(query)
                ]
            assert rows == [
                ("开KTV", 3, "2026-12-01 09:00", "2026-12-03 11:00", True),
                ("开KTV", 1, "2026-11-30 08:00", "2026-11-30 08:00", False),
                ("开桌游吧", 1, "2026-12-02 12:00", "2026-12-02 12:00", True),
            ]
            command.downgrade(alembic_config(url), "0062_metric_situation_savings")
            with engine.connect() as conn:
                count = conn.execute(text("SELECT count(*) FROM assistant_unanswered")).scalar()
            assert count == len(asked)
        finally:
            engine.dispose()


_SERIAL = itertools.count(1)


def _filler(type_: object) -> object:
    """A value of a column's type for a row the test needs only to exist."""
    name = type(type_).__name__.upper()
    if "INT" in name:
        return 1
    if "BOOL" in name:
        return False
    if "DATETIME" in name or "TIMESTAMP" in name:
        return datetime(2025, 1, 1)
    if "DATE" in name:
        return date(2025, 1, 1)
    if "JSON" in name:
        return "{}"
    return f"m{next(_SERIAL)}"  # unique: a username, a case number


def _row(conn: Connection, table: str, **given: object) -> dict[str, object]:
    """Insert a row of ``table`` with ``given``, every other required column filled and
    each required reference to a row of its own (made the same way); returns the row."""
    found = inspect(conn)
    references = {
        fk["constrained_columns"][0]: fk
        for fk in found.get_foreign_keys(table)
        if len(fk["constrained_columns"]) == 1
    }
    row = dict(given)
    for column in found.get_columns(table):
        name = column["name"]
        if name in row or column["nullable"] or column.get("default") is not None:
            continue
        if name == "id":
            continue
        if name in references:
            fk = references[name]
            row[name] = _row(conn, fk["referred_table"])[fk["referred_columns"][0]]
        else:
            row[name] = _filler(column["type"])
    names = ", ".join(row)
    conn.execute(
        text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + k for k in row)})"), row
    )
    if "id" not in row and "id" in {c["name"] for c in found.get_columns(table)}:
        row["id"] = conn.execute(text(f"SELECT max(id) FROM {table}")).scalar()
    return row


def test_the_single_attachment_of_a_message_becomes_its_first_file(
    tmp_path: Path, database_url: str
) -> None:
    """0064_message_attachments: a message's attachment (its key, name, type, size) is its
    one file; a message without stays without; undone, the message has it back."""
    with scratch(tmp_path, database_url, "attachments") as url:
        engine = make_engine(url)
        try:
            upgrade(url, "0063_unanswered_counts")
            with engine.begin() as conn:
                case = _row(conn, "cases")
                attached = {
                    "attachment_key": "ab" * 32,
                    "attachment_name": "解除证明.pdf",
                    "attachment_type": "application/pdf",
                    "attachment_size": 1234,
                }
                first = _row(conn, "case_messages", case_id=case["id"], **attached)
                second = _row(conn, "case_messages", case_id=case["id"])
            upgrade(url, "0064_message_attachments")
            query = text(
                "SELECT message_id, key, name, content_type, size FROM message_attachments"
            )
            with engine.connect() as conn:
                rows = [tuple(row) for row in conn.execute(query)]
            assert rows == [(first["id"], "ab" * 32, "解除证明.pdf", "application/pdf", 1234)]
            command.downgrade(alembic_config(url), "0063_unanswered_counts")
            back = text(
                "SELECT attachment_key, attachment_name, attachment_type, attachment_size"
                " FROM case_messages ORDER BY id"
            )
            with engine.connect() as conn:
                restored = [tuple(row) for row in conn.execute(back)]
            assert restored == [tuple(attached.values()), (None, None, None, None)]
            assert second["id"] != first["id"]
        finally:
            engine.dispose()
