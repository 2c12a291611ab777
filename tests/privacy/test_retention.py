"""Retention: once a closed case is past the retention period its personal data is purged
from the database, the file store and the messages, while its statistics row and the
audit chain stay valid; and nothing is purged before its time."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import structlog
from fastapi.testclient import TestClient
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import Clock
from tests.pii.helpers import ADDRESS, ZHANGSAN_ID, ZHANGSAN_PHONE, full_case, grep_database
from tongban.audit.verify import verify_chain
from tongban.cases.models import Case, Material
from tongban.logs import configure
from tongban.privacy import service as privacy
from tongban.web.runtime import Runtime

OTHER_ADDRESS = {**ADDRESS, "address": "福州市台江区八一七中路1号"}


def _grep_files(root: Path, *needles: str) -> list[str]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits += [f"{path.name}:{n}" for n in needles if n.encode() in data]
    return hits


def test_a_purge_leaves_no_plaintext_identifier_and_keeps_the_chain(
    client: TestClient,
    as_user: Any,
    connection: Connection,
    sessions: sessionmaker[Session],
    runtime: Runtime,
    clock: Clock,
    tmp_path: Path,
) -> None:
    number = full_case(client, as_user, address=OTHER_ADDRESS)
    store_root = tmp_path / "files"
    files_before = [p for p in store_root.rglob("*") if p.is_file()]
    assert _grep_files(store_root, ZHANGSAN_ID, ZHANGSAN_PHONE)  # an upload holds them
    with sessions() as session:
        case_id = session.scalars(select(Case.id).where(Case.number == number)).one()
        assert session.get(Case, case_id).form_data  # type: ignore[union-attr]

    early = privacy.purge_due(
        sessions, store=runtime.store, now=clock.advance(days=300), years=1, batch=10
    )
    assert number not in early.numbers  # not yet a year since it closed

    out = io.StringIO()
    configure(json=True)
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(file=out))
    try:
        purged = privacy.purge_due(
            sessions, store=runtime.store, now=clock.advance(days=400), years=1, batch=10
        )
    finally:
        structlog.reset_defaults()
    assert number in purged.numbers and purged.files

    found = grep_database(connection, ZHANGSAN_ID, ZHANGSAN_PHONE, OTHER_ADDRESS["address"])
    assert found == {ZHANGSAN_ID: [], ZHANGSAN_PHONE: [], OTHER_ADDRESS["address"]: []}
    assert _grep_files(store_root, ZHANGSAN_ID, ZHANGSAN_PHONE, OTHER_ADDRESS["address"]) == []
    assert not any(path.exists() for path in files_before if path.name in purged.files)
    assert ZHANGSAN_ID not in out.getvalue() and "retention.purged" in out.getvalue()

    with sessions() as session:
        case = session.get(Case, case_id)
        assert case is not None and case.state == "completed" and case.purged_at is not None
        assert case.form_data == {} and case.postal is not None
        assert case.postal.address == "福州市台江区****" and case.postal.phone == "138****0001"
        materials = session.scalars(select(Material).where(Material.case_id == case_id)).all()
        assert materials and all(m.storage_key is None for m in materials)
        report = verify_chain(session, anchors=[], progress=lambda n: None)
        assert report.broken is None, report.broken

    again = privacy.purge_due(
        sessions, store=runtime.store, now=clock.advance(days=1), years=1, batch=10
    )
    assert number not in again.numbers  # purged once
