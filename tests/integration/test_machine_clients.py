"""A department's own system takes and completes its department's tasks through the API
with credentials of its own (OAuth 2.0 client credentials), and nothing beyond its scopes."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.factories import API, act, answer_verifications, open_task, submitted
from tongban.accounts.enums import Role
from tongban.audit.models import AuditEntry
from tongban.audit.service import SYSTEM
from tongban.db import unit_of_work
from tongban.integration import clients
from tongban.web.runtime import Runtime

FILING = "3501-MZ-003"  # 养老机构备案: 受理, 审查 by 民政 (MZ)


def _client(runtime: Runtime, scope: str = "tasks:read tasks:write") -> clients.NewClient:
    assert runtime.clock is not None
    with unit_of_work(runtime.sessions) as session:
        return clients.create_client(
            session,
            name="民政业务系统",
            department_code="MZ",
            roles=[Role.clerk, Role.reviewer],
            scope=scope,
            actor=SYSTEM,
            now=runtime.clock(),
        )


def _token(client: TestClient, made: clients.NewClient, **extra: str) -> Any:
    form = {
        "grant_type": "client_credentials",
        "client_id": made.client.client_id,
        "client_secret": made.secret,
        **extra,
    }
    return client.post(f"{API}/auth/token", data=form)


def test_a_department_system_accepts_and_reviews_with_its_own_token(
    client: TestClient, as_user: Any, runtime: Runtime
) -> None:
    made = _client(runtime)
    answer = _token(client, made)
    assert answer.status_code == 200, answer.text
    assert answer.json()["token_type"] == "bearer" and answer.json()["expires_in"] == 3600
    system = {"Authorization": f"Bearer {answer.json()['access_token']}"}

    applicant = as_user("minfeng")
    number = submitted(client, applicant, FILING)["number"]
    accepted = act(client, system, open_task(client, system, number, "accept"), "accept")
    assert accepted.status_code == 200, accepted.text
    task = open_task(client, system, number, "review")
    answer_verifications(client, task)  # its 协查 answered first
    reviewed = act(client, system, task, "review", outcome="approved", opinion="符合备案条件")
    assert reviewed.status_code == 200, reviewed.text
    case = client.get(f"{API}/cases/{number}", headers=applicant).json()
    assert case["state"] == "completed"
    events = client.get(f"{API}/cases/{number}/timeline", headers=applicant).json()["events"]
    assert any(e["actor_name"] == "民政业务系统" for e in events)  # the record says who acted

    outside = client.get(f"{API}/me/messages", headers=system)  # not a task operation
    assert outside.status_code == 403 and outside.json()["error"]["code"] == "scope"
    draft = client.post(f"{API}/cases", json={"catalog_code": FILING}, headers=system)
    assert draft.status_code == 403 and draft.json()["error"]["code"] == "scope"


def test_a_read_only_token_cannot_act_and_unknown_credentials_are_refused_and_audited(
    client: TestClient, runtime: Runtime
) -> None:
    made = _client(runtime)
    reading = _token(client, made, scope="tasks:read").json()
    headers = {"Authorization": f"Bearer {reading['access_token']}"}
    assert reading["scope"] == "tasks:read"
    assert client.get(f"{API}/tasks", headers=headers).status_code == 200
    refused = client.post(f"{API}/tasks/1/accept", json={}, headers=headers)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "scope"

    beyond = _client(runtime, scope="tasks:read")
    wider = _token(client, beyond, scope="tasks:read tasks:write")
    assert wider.status_code == 422 and wider.json()["error"]["code"] == "invalid_scope"

    wrong = client.post(
        f"{API}/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": made.client.client_id,
            "client_secret": "guess",
        },
    )
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_client"
    with runtime.sessions() as session:
        query = select(AuditEntry).where(AuditEntry.action == "client.token_refused")
        assert [e.object_id for e in session.scalars(query)] == [made.client.client_id]
    grant = {"grant_type": "password", "client_id": "x", "client_secret": "y"}
    assert client.post(f"{API}/auth/token", data=grant).status_code == 422


def test_a_revoked_client_loses_its_tokens_at_once(client: TestClient, runtime: Runtime) -> None:
    made = _client(runtime)
    headers = {"Authorization": f"Bearer {_token(client, made).json()['access_token']}"}
    assert client.get(f"{API}/tasks", headers=headers).status_code == 200
    assert runtime.clock is not None
    with unit_of_work(runtime.sessions) as session:
        clients.revoke_client(
            session, client_id=made.client.client_id, actor=SYSTEM, now=runtime.clock()
        )
    assert client.get(f"{API}/tasks", headers=headers).status_code == 401
    assert _token(client, made).status_code == 401
