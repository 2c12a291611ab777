"""The public licence verification (核验) is rate-limited as 办件查询 is: lookups that
find nothing are counted per network address and minute, lookups of real licences are
not (issue 13: the lookup could walk the library's numbers without limit)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import API
from tests.licences.support import FOOD, licensed
from tongban.audit.models import AuditEntry
from tongban.licences.lookups import LOOKUP_FAILED

UNKNOWN = "91350102MA2XQ1K7XN"  # well formed, never issued here
PERSONAL = "350104197812302577"  # someone types an ID number into the box


def test_lookups_finding_nothing_are_limited_per_address_and_minute(
    client: TestClient, as_user: Any, clock: Clock, db: Session
) -> None:
    number = licensed(client, as_user, FOOD)["number"]
    for _ in range(12):  # a counter scanning real licences is never stopped
        assert client.get(f"{API}/licences/verify", params={"q": number}).status_code == 200
    client.get("/licences/verify", params={"q": PERSONAL})
    for _ in range(9):  # licence_lookups_per_source_per_minute: 10
        found = client.get(f"{API}/licences/verify", params={"q": UNKNOWN})
        assert found.status_code == 200 and found.json()["verdict"] == "unknown"
    refused = client.get(f"{API}/licences/verify", params={"q": number})
    assert refused.status_code == 429 and "1 分钟后再试" in refused.json()["error"]["message"]
    page = client.get("/licences/verify", params={"q": number})
    assert page.status_code == 429 and "核验查询过于频繁" in page.text
    assert page.headers["Retry-After"] == "60" and f'value="{number}"' in page.text
    ids = db.scalars(select(AuditEntry.object_id).where(AuditEntry.action == LOOKUP_FAILED))
    assert PERSONAL not in list(ids)  # a keyed hash, never the text typed
    clock.advance(minutes=1, seconds=1)
    assert client.get("/licences/verify", params={"q": number}).status_code == 200
