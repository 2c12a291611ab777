"""Key rotation: every sealed value moves under a new data key in batches, the old key
stays readable until the run ends, a run stopped half-way continues where it stopped,
master keys are re-wrapped, and both ends are audited as key use."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from tests.pii.helpers import ZHANGSAN_ID
from tongban.accounts.models import User
from tongban.audit.models import AuditEntry
from tongban.audit.service import Actor
from tongban.config import get_settings
from tongban.pii.keys import DEV_MASTER, KEYRING, kek_of
from tongban.pii.models import DataKey
from tongban.privacy import service as privacy

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
ACTOR = Actor(id=None, name="test")


def _kids(session: Session) -> set[str]:
    raw = session.execute(text("SELECT id_number, phone FROM users WHERE id_number IS NOT NULL"))
    return {str(value).split(":")[1] for row in raw for value in row if value}


class Stop(Exception):
    pass


def test_rotation_moves_every_value_and_resumes_after_a_stop(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        old = session.scalar(select(DataKey.id).where(DataKey.state == "active"))
        assert _kids(session) == {old}
        total = sum(privacy.count_rows(session).values())
    seen = {"batches": 0}

    def stop_after_two(label: str, n: int) -> None:
        seen["batches"] += 1
        if seen["batches"] == 2:
            raise Stop

    with pytest.raises(Stop):
        privacy.rotate(
            sessions, now=NOW, actor=ACTOR, algorithm="sm4-gcm", batch=2, progress=stop_after_two
        )
    with sessions() as session:
        states = dict(session.execute(select(DataKey.id, DataKey.state)).all())
        new = next(kid for kid, state in states.items() if state == "active")
        assert states[old] == "retiring"
        user = session.scalars(select(User).where(User.username == "zhangsan")).one()
        assert user.id_number == ZHANGSAN_ID  # half-way: both keys read

    report = privacy.rotate(sessions, now=NOW, actor=ACTOR, algorithm="sm4-gcm", batch=50)
    assert report.active == new and not report.started_new_key  # resumed, not restarted
    assert 0 < report.total <= total and report.retired == [old]
    with sessions() as session:
        assert _kids(session) == {new}
        session.expire_all()
        user = session.scalars(select(User).where(User.username == "zhangsan")).one()
        assert user.id_number == ZHANGSAN_ID and KEYRING.keys[new].algorithm == "sm4-gcm"
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.object_type == "data_key")
        ).all()
        assert actions.count("key.rotation_started") == 2 and actions.count("key.rotated") == 1

    again = privacy.rotate(sessions, now=NOW, actor=ACTOR, algorithm="aes-256-gcm", batch=500)
    assert again.started_new_key and again.total >= report.total  # a new run: a new key


@pytest.fixture
def new_master(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("TONGBAN_DATA_KEY", "a-new-master-key-for-this-test-0123456789")
    monkeypatch.setenv("TONGBAN_DATA_KEYS_PREVIOUS", DEV_MASTER.decode())
    get_settings.cache_clear()
    yield "a-new-master-key-for-this-test-0123456789"
    get_settings.cache_clear()


def test_a_new_master_key_rewraps_every_data_key(
    sessions: sessionmaker[Session], new_master: str
) -> None:
    report = privacy.rotate(sessions, now=NOW, actor=ACTOR, algorithm="aes-256-gcm", batch=500)
    assert report.rewrapped >= 1
    current, _ = kek_of(new_master.encode())
    with sessions() as session:
        assert set(session.scalars(select(DataKey.kek_id))) == {current}


def test_a_key_made_by_another_process_is_loaded_when_first_met(db: Session) -> None:
    raw = db.execute(text("SELECT id_number FROM users WHERE username = 'zhangsan'")).scalar()
    kid = str(raw).split(":")[1]
    KEYRING.keys.pop(kid)  # as if another process had made it after this one loaded
    db.expire_all()
    user = db.scalars(select(User).where(User.username == "zhangsan")).one()
    assert user.id_number == ZHANGSAN_ID and kid in KEYRING.keys
