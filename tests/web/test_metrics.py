"""Operators' metrics (/metrics, Prometheus): request counts and latencies by route, and
the overdue count of right now; readable only from this machine or with the token."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import API, act, open_task, submitted
from tongban.accounts.models import User
from tongban.app import create_app
from tongban.audit import service as audit
from tongban.jobs import service as jobs
from tongban.outbox.models import OutboxMessage
from tongban.web.runtime import Runtime

ITEM = "3501-RS-003"


def _value(text: str, name: str) -> float:
    found = re.search(rf"^{name} (\S+)$", text, re.M)
    assert found, f"{name} not in the metrics"
    return float(found.group(1))


def test_requests_are_counted_and_timed_by_route_template(client: TestClient) -> None:
    assert client.get(f"{API}/items/{ITEM}").status_code == 200
    client.get(f"{API}/items/NO-SUCH-ITEM")
    text = client.get("/metrics").text
    route = r'route="/api/v1/items/\{code\}"'
    assert re.search(
        rf'tongban_http_requests_total\{{method="GET",{route},status="200"\}} 1\.0', text
    )
    assert re.search(
        rf'tongban_http_requests_total\{{method="GET",{route},status="404"\}} 1\.0', text
    )
    assert re.search(rf'tongban_http_request_seconds_count\{{method="GET",{route}\}} 2\.0', text)


def test_the_overdue_count_is_read_when_scraped(
    client: TestClient, as_user: Any, clock: Clock
) -> None:
    before = _value(client.get("/metrics").text, "tongban_tasks_overdue")
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]
    rs = as_user("rs")
    assert act(client, rs, open_task(client, rs, number, "accept"), "accept").status_code == 200
    assert _value(client.get("/metrics").text, "tongban_tasks_overdue") == before
    clock.advance(days=60)
    assert _value(client.get("/metrics").text, "tongban_tasks_overdue") == before + 1


def test_only_loopback_or_the_token_may_read_them(runtime: Runtime) -> None:
    app = create_app(runtime, start_worker=False)
    with TestClient(app, client=("203.0.113.7", 4000)) as outsider:
        assert outsider.get("/metrics").status_code == 404
    with TestClient(app, client=("127.0.0.1", 4000)) as local:
        assert local.get("/metrics").status_code == 200
    settings = runtime.settings.model_copy(update={"metrics_token": "scrape-secret-123"})
    guarded = create_app(replace(runtime, settings=settings), start_worker=False)
    with TestClient(guarded, client=("127.0.0.1", 4000)) as local:
        assert local.get("/metrics").status_code == 404
        wrong = local.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 404
        right = local.get("/metrics", headers={"Authorization": "Bearer scrape-secret-123"})
        assert right.status_code == 200 and "tongban_tasks_overdue" in right.text


def test_job_lag_and_failed_messages_are_read_when_scraped(
    client: TestClient, db: Session, clock: Clock
) -> None:
    """Operators see a worker falling behind (the oldest due job's age) and messages given up
    for good (issue 12)."""
    text = client.get("/metrics").text
    lag, failed = _value(text, "tongban_jobs_lag_seconds"), _value(text, "tongban_messages_failed")
    assert lag == 0.0
    jobs.enqueue(db, kind="test.late", due_at=clock.now - timedelta(hours=1), now=clock.now)
    jobs.enqueue(db, kind="test.later", due_at=clock.now + timedelta(hours=1), now=clock.now)
    applicant = db.scalar(select(User).where(User.username == "zhangsan"))
    assert applicant is not None
    audit.record(
        db,
        at=clock.now,
        action="rating.invite",
        actor=audit.SYSTEM,
        object_type="case",
        object_id="350100202612010000001",
        subject_id=applicant.id,
    )
    db.flush()
    message = db.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert message is not None
    message.status = "failed"
    db.commit()
    text = client.get("/metrics").text
    assert _value(text, "tongban_jobs_lag_seconds") == 3600.0
    assert _value(text, "tongban_messages_failed") == failed + 1
    assert _value(text, "tongban_jobs_failed") == 0.0
