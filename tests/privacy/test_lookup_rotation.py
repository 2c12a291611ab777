"""Rotating the lookup key (``tongban keys rotate-lookup``): every stored keyed hash moves
from the previous key to the new one through the identifiers held sealed, lookups match
either key while rows move, a run stopped half-way continues, a second run changes
nothing, and both ends are audited as key use."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import Clock
from tests.pii.helpers import ZHANGSAN_ID, ZHANGSAN_PHONE, full_case
from tongban.accounts.models import User
from tongban.accounts.service import find_or_create_walk_in, walk_in_username
from tongban.audit.models import AuditEntry
from tongban.audit.service import Actor
from tongban.licences import service as licences
from tongban.pii.service import lookup_key
from tongban.pii.translation import stored_pairs
from tongban.privacy import service as privacy
from tongban.privacy.lookup_rotation import lookup_columns
from tongban.sharing.models import SourceRecord
from tongban.web.runtime import Runtime

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
ACTOR = Actor(id=None, name="test")
WALK_IN_ID = "350102198001010011"


class Stop(Exception):
    pass


def _stored(connection: Connection) -> dict[str, list[str]]:
    """Every stored hash, per column (walk-in usernames under ``users.walkin``)."""
    found: dict[str, list[str]] = {}
    for table, column in lookup_columns():
        query = text(f"SELECT {column.name} FROM {table.name} WHERE {column.name} IS NOT NULL")
        found[f"{table.name}.{column.name}"] = sorted(connection.execute(query).scalars())
    walk_ins = text("SELECT username FROM users WHERE username LIKE 'walkin-%'")
    found["users.walkin"] = sorted(connection.execute(walk_ins).scalars())
    return found


def _finds_zhangsan(session: Session) -> None:
    """Lookups by plain identifier: account, licences, shared record, walk-in account."""
    session.expire_all()
    user = session.scalars(select(User).where(User.id_number_key == ZHANGSAN_ID)).one()
    assert user.username == "zhangsan"
    assert licences.list_for_code(session, holder_code=ZHANGSAN_ID)
    records = select(SourceRecord).where(SourceRecord.key == ZHANGSAN_ID)
    assert {r.source for r in session.scalars(records)} >= {"population", "e_licence"}
    walk_in = session.scalars(select(User).where(User.id_number_key == WALK_IN_ID)).one()
    assert walk_in.username.startswith("walkin-")  # found by the number's hash, as the window does


def test_rotating_the_lookup_key_rekeys_every_hash_and_resumes(
    client: TestClient,
    as_user: Any,
    runtime: Runtime,
    clock: Clock,
    connection: Connection,
    sessions: sessionmaker[Session],
    new_lookup_key: Callable[[bool], None],
) -> None:
    full_case(client, as_user, runtime, clock.now)  # licence, pulls, screening marks
    with sessions() as session:
        held = session.scalars(select(SourceRecord.source).where(SourceRecord.key == ZHANGSAN_ID))
        assert "e_licence" in set(held)  # the issued card, in a record without the number
        population = {"id_number": ZHANGSAN_ID, "name": "张三"}
        session.add(
            SourceRecord(source="population", key=ZHANGSAN_ID, data=population, updated_at=NOW)
        )
        find_or_create_walk_in(session, id_number=WALK_IN_ID, name="李四", phone=ZHANGSAN_PHONE)
        session.commit()
    before = _stored(connection)
    assert all(
        before[c] for c in ("users.id_number_key", "licences.holder_key", "risk_marks.value")
    )

    with pytest.raises(privacy.NoPreviousKey):
        privacy.rotate_lookup_key(sessions, now=NOW, actor=ACTOR)  # nothing to translate from

    new_lookup_key(True)
    seen = {"batches": 0}

    def stop_after_three(n: int) -> None:
        seen["batches"] += 1
        if seen["batches"] == 3:
            raise Stop

    with pytest.raises(Stop):
        privacy.rotate_lookup_key(
            sessions, now=NOW, actor=ACTOR, batch=2, progress=stop_after_three
        )
    with sessions() as session:
        _finds_zhangsan(session)  # half-way: old and new hashes both found
        assert stored_pairs(session) > 0  # the translation, kept for the run that goes on

    with sessions() as session:
        total = privacy.count_lookup_rows(session)
    report = privacy.rotate_lookup_key(sessions, now=NOW, actor=ACTOR, batch=3)
    assert 0 < report.total < total and report.left == 0, report.untranslated
    after = _stored(connection)
    for column, hashes in before.items():
        assert len(after[column]) == len(hashes), column
        assert not set(after[column]) & set(hashes), f"{column} kept an old hash"

    with sessions() as session:
        assert stored_pairs(session) == 0  # every column walked: the pairs are forgotten
    again = privacy.rotate_lookup_key(sessions, now=NOW, actor=ACTOR)
    assert again.total == 0 and again.left == 0  # idempotent
    assert _stored(connection) == after

    new_lookup_key(False)  # the rotation over: only the new key
    with sessions() as session:
        _finds_zhangsan(session)
        assert session.scalar(select(User.id_number_key).where(User.username == "zhangsan")) == (
            lookup_key(ZHANGSAN_ID)
        )
        walk_in = session.scalars(select(User).where(User.id_number_key == WALK_IN_ID)).one()
        assert walk_in.username == walk_in_username(WALK_IN_ID)  # named by the new key's hash
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.object_type == "lookup_key")
        ).all()
        assert actions.count("key.lookup_rotation_started") == 3
        assert actions.count("key.lookup_rotated") == 2
