"""Retention: a complaint about a case loses its texts and the caller's contact (kept
masked) when the case's personal data is purged; its figures stay."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import Clock
from tests.factories import API
from tests.pii.helpers import full_case
from tongban.complaints.models import Complaint
from tongban.privacy import service as privacy
from tongban.web.runtime import Runtime


def test_a_purged_case_takes_its_complaints_texts_along(
    client: TestClient,
    as_user: Any,
    sessions: sessionmaker[Session],
    runtime: Runtime,
    clock: Clock,
) -> None:
    number = full_case(client, as_user, runtime, clock.now)
    call = {
        "caller_name": "王先生",
        "phone": "13900001111",
        "kind": "complaint",
        "content": "我住在鼓楼区五四路1号，办理太慢。",
        "case_number": number,
    }
    recorded = client.post(f"{API}/hotline/calls", json=call, headers=as_user("rexian"))
    assert recorded.status_code == 201, recorded.text
    purged = privacy.purge_due(
        sessions, store=runtime.store, now=clock.advance(days=800), years=1, batch=10
    )
    assert number in purged.numbers
    with sessions() as session:
        complaint = session.get_one(Complaint, recorded.json()["id"])
        assert "五四路" not in complaint.content
        assert complaint.phone == "139****1111" and complaint.caller_name == "王**"
        assert (complaint.kind, complaint.department_code) == (
            "complaint",
            recorded.json()["department_code"],
        )
