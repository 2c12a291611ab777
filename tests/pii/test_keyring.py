"""The keyring holds the keys of every database the process reaches, and seals each
database's new values under that database's own active key: a migration or a restore of a
second database in the same process (the CLI, a test suite, a restore check) never lends
its key to the first, and moving between them forgets no key."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, bindparam, select, text
from sqlalchemy.orm import Session

from tests.pii.helpers import ZHANGSAN_ID
from tongban.accounts.models import User
from tongban.db import make_engine
from tongban.migrate import upgrade
from tongban.pii.models import DataKey
from tongban.pii.types import Sealed


def _sealed_by(engine: Engine, plain: str) -> str:
    """The key id a value written to ``engine``'s database would be sealed under, through
    a plain connection (no session begins: bulk inserts write so)."""
    query = text("SELECT :v").bindparams(bindparam("v", plain, type_=Sealed("users.phone")))
    with engine.connect() as connection:
        return str(connection.scalar(query)).split(":")[1]


def _active(engine: Engine) -> str | None:
    with Session(engine) as session:
        return session.scalar(select(DataKey.id).where(DataKey.state == "active"))


def test_a_second_database_never_lends_its_active_key(engine: Engine, tmp_path: Path) -> None:
    ours = _active(engine)
    url = f"sqlite:///{tmp_path / 'second.sqlite3'}"
    upgrade(url)  # makes the second database's own key, in this process
    second = make_engine(url)
    try:
        theirs = _active(second)
        assert theirs is not None and theirs != ours
        assert _sealed_by(engine, "13800000000") == ours
        assert _sealed_by(second, "13800000000") == theirs
        with Session(second) as session:
            session.scalar(select(DataKey.id))  # a session begins there, then back here
        with Session(engine) as session:
            user = session.scalars(select(User).where(User.username == "zhangsan")).one()
            assert user.id_number == ZHANGSAN_ID
    finally:
        second.dispose()
