"""Personal identifiers are sealed at rest: after a full case, the raw database holds no
resident ID, phone number, address, name or e-mail address of its applicant anywhere, while every page and
API answer that needs them still reads them whole, and lookups by ID number still work.
"""

from __future__ import annotations

import io
import json
from typing import Any

import structlog
from fastapi.testclient import TestClient
from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import API
from tests.pii.helpers import ADDRESS, ZHANGSAN_ID, ZHANGSAN_PHONE, full_case, grep_database
from tongban.accounts.models import User
from tongban.accounts.service import find_or_create_walk_in
from tongban.logs import configure
from tongban.pii.service import lookup_key
from tongban.web.runtime import Runtime

ZHANGSAN_NAME = "张三"
ZHANGSAN_EMAIL = "zhangsan@tongban.example"


def test_a_full_case_leaves_no_plaintext_identifier_in_the_database(
    client: TestClient, as_user: Any, connection: Connection, runtime: Runtime, clock: Clock
) -> None:
    number = full_case(client, as_user, runtime, clock.now)
    case = client.get(f"{API}/cases/{number}", headers=as_user("zhangsan")).json()
    assert case["postal"]["address"] == ADDRESS["address"]  # read back whole by its owner
    assert ZHANGSAN_ID in json.dumps(case["form_data"]) or "id_number" not in str(case)

    secrets = (ZHANGSAN_ID, ZHANGSAN_PHONE, ADDRESS["address"], ZHANGSAN_NAME, ZHANGSAN_EMAIL)
    found = grep_database(connection, *secrets)
    assert found == {secret: [] for secret in secrets}


def test_lookups_by_id_number_go_through_the_keyed_hash(db: Session) -> None:
    user = db.scalars(select(User).where(User.username == "zhangsan")).one()
    assert user.id_number == ZHANGSAN_ID
    assert user.id_number_key == lookup_key(ZHANGSAN_ID) != ZHANGSAN_ID
    raw = db.execute(text("SELECT id_number FROM users WHERE username = 'zhangsan'")).scalar()
    assert ZHANGSAN_ID not in str(raw) and str(raw).startswith("tb1:")
    again = find_or_create_walk_in(db, id_number=ZHANGSAN_ID, name="张三", phone=ZHANGSAN_PHONE)
    assert again.id == user.id  # found by hash, not a second account


def test_a_sealed_value_moved_to_another_column_does_not_open(db: Session) -> None:
    phone = db.execute(text("SELECT phone FROM users WHERE username = 'zhangsan'")).scalar()
    db.execute(text("UPDATE users SET id_number = :v WHERE username = 'lisi'"), {"v": phone})
    db.expire_all()
    lisi = db.execute(text("SELECT id FROM users WHERE username = 'lisi'")).scalar()
    try:
        db.get(User, lisi)
    except Exception as error:
        assert "InvalidTag" in type(error).__name__
    else:
        raise AssertionError("a value sealed for users.phone opened as users.id_number")


def test_logs_of_a_full_case_hold_no_whole_id_number(
    client: TestClient, as_user: Any, runtime: Runtime, clock: Clock
) -> None:
    out = io.StringIO()
    configure(json=True)
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(file=out))
    try:
        log = structlog.get_logger("test")
        log.info("walk_in", id_number=ZHANGSAN_ID, note=f"phone {ZHANGSAN_PHONE}")
        full_case(client, as_user, runtime, clock.now)
    finally:
        structlog.reset_defaults()
    captured = out.getvalue()
    assert "3501**********0310" in captured  # the line was written, masked
    assert ZHANGSAN_ID not in captured and ZHANGSAN_PHONE not in captured


def test_a_supervisor_reads_the_identifiers_masked_and_the_handlers_whole(
    client: TestClient, as_user: Any, runtime: Runtime, clock: Clock
) -> None:
    number = full_case(client, as_user, runtime, clock.now)
    seen = client.get(f"{API}/cases/{number}", headers=as_user("supervisor")).json()
    text_seen = json.dumps(seen, ensure_ascii=False)
    assert ZHANGSAN_ID not in text_seen and ZHANGSAN_PHONE not in text_seen
    assert ADDRESS["address"] not in text_seen and "3501**********0310" in text_seen
    assert seen["postal"]["phone"] == "138****0001"
    page = client.get(f"/cases/{number}", headers=as_user("supervisor"))
    assert page.status_code == 200 and ZHANGSAN_ID not in page.text
    handler = client.get(f"{API}/cases/{number}", headers=as_user("ga")).json()
    assert ZHANGSAN_ID in json.dumps(handler) and handler["postal"]["phone"] == ZHANGSAN_PHONE
