"""One connector interface, two real kinds: this database's tables and a department's REST
service on a real loopback HTTP server (found, no record, down, slow, failing once)."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Connection, event, select
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.sharing.conftest import (
    ACCOUNTS,
    MINFENG_CREDIT,
    ZHANGSAN_ID,
    Department,
    free_port_url,
    serve_over_http,
)
from tongban.sharing import service as sharing
from tongban.sharing.connectors import HttpConnector
from tongban.sharing.models import SourceRecord

FIELDS = {"name": {"type": "string", "title": "姓名"}, "birth_date": {"type": "date", "title": "x"}}


def test_the_database_kind_finds_the_record_by_its_key(db: Session, population: dict) -> None:
    found = sharing.lookup(db, code="population", key=ZHANGSAN_ID)
    assert found.record is not None and found.record["name"] == "张三"
    enterprise = sharing.lookup(db, code="enterprise_register", key=MINFENG_CREDIT)
    assert enterprise.record is not None
    assert enterprise.record["name"] == "福州闽丰餐饮管理有限公司"
    assert enterprise.record["legal_rep_id_number"] == "350104197812302577"
    none = sharing.lookup(db, code="population", key="350102198506151238")
    assert none.record is None and none.unavailable is None


def test_the_http_kind_reads_the_department_service(db: Session, department: Department) -> None:
    department.records[ZHANGSAN_ID] = {"name": "张三", "birth_date": "1962-04-18", "x": 1}
    connector = HttpConnector(code="population", fields=FIELDS, url=department.url)
    found = connector.lookup(db, key=ZHANGSAN_ID)
    assert found.record == {"name": "张三", "birth_date": "1962-04-18"}  # declared fields only
    assert connector.lookup(db, key="350102198506151238").record is None  # 404: no record


def test_a_field_of_the_wrong_type_is_dropped_not_trusted(
    db: Session, department: Department
) -> None:
    department.records[ZHANGSAN_ID] = {"name": 42, "birth_date": "18/04/1962"}
    found = HttpConnector(code="population", fields=FIELDS, url=department.url).lookup(
        db, key=ZHANGSAN_ID
    )
    assert found.record == {}


def test_a_department_that_is_down_is_unavailable_not_an_error(db: Session) -> None:
    connector = HttpConnector(code="population", fields=FIELDS, url=free_port_url(), retries=2)
    found = connector.lookup(db, key=ZHANGSAN_ID)
    assert found.record is None and found.unavailable == "unreachable"


def test_a_slow_department_times_out_within_its_limit(db: Session, department: Department) -> None:
    department.records[ZHANGSAN_ID] = {"name": "张三"}
    department.mode, department.delay = "slow", 1.5
    connector = HttpConnector(
        code="population", fields=FIELDS, url=department.url, timeout_seconds=0.2, retries=1
    )
    started = time.monotonic()
    found = connector.lookup(db, key=ZHANGSAN_ID)
    assert found.unavailable == "timeout"
    assert time.monotonic() - started < 1.0  # two tries of 0.2 s, not the department's 1.5 s
    assert department.hits == 2


def test_a_failure_is_retried(db: Session, department: Department) -> None:
    department.records[ZHANGSAN_ID] = {"name": "张三"}
    department.mode = "failing_once"
    connector = HttpConnector(code="population", fields=FIELDS, url=department.url, retries=1)
    assert connector.lookup(db, key=ZHANGSAN_ID).record == {"name": "张三"}
    assert department.hits == 2


def test_the_catalog_can_point_a_source_at_a_department_service(
    db: Session, department: Department
) -> None:
    department.records[MINFENG_CREDIT] = {"name": "福州闽丰餐饮管理有限公司"}
    serve_over_http(db, "enterprise_register", department.url)
    found = sharing.lookup(db, code="enterprise_register", key=MINFENG_CREDIT)
    assert found.record == {"name": "福州闽丰餐饮管理有限公司"}
    assert department.hits == 1


def test_the_database_kind_reads_a_record_once_per_unit_of_work_until_it_is_written(
    db: Session, population: dict, connection: Connection
) -> None:
    """A submission pulls a material from the population register and its risk screen
    compares the form with the same record (issue 11: one read, not two); a write of the
    record by a flush or by a reload of the registers (Core statements) is seen."""
    reads: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().startswith("SELECT") and "FROM source_records" in statement:
            reads.append(statement)

    event.listen(connection, "before_cursor_execute", count)
    try:
        for _ in range(2):
            assert sharing.lookup(db, code="population", key=ZHANGSAN_ID).record["name"] == "张三"  # type: ignore[index]
        assert len(reads) == 1
        query = select(SourceRecord).where(SourceRecord.source == "population")
        row = db.scalars(query.where(SourceRecord.key == ZHANGSAN_ID)).one()
        row.data = {**row.data, "name": "张三丰"}
        assert sharing.lookup(db, code="population", key=ZHANGSAN_ID).record["name"] == "张三丰"  # type: ignore[index]
        sharing.load_synthetic(db, now=START, accounts=ACCOUNTS, people=80, enterprises=20)
        assert sharing.lookup(db, code="population", key=ZHANGSAN_ID).record["name"] == "张三"  # type: ignore[index]
    finally:
        event.remove(connection, "before_cursor_execute", count)
