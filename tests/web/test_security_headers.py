"""What a browser is told about every answer: scripts only from this site, never framed,
no sniffing, personal pages kept out of caches; and the browser's session cookie alone
never changes data through the API (CSRF from a sibling origin of the same site).
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import API
from tests.web.support import csrf, sign_in
from tongban.audit.models import AuditEntry
from tongban.cases.models import Case

ITEM = "3501-GA-002"


def test_every_page_forbids_inline_script_framing_and_sniffing(client: TestClient) -> None:
    for path in ("/", "/login", f"/guide/{ITEM}", f"{API}/catalog/items"):
        headers = client.get(path).headers
        policy = headers["Content-Security-Policy"]
        assert (
            "script-src 'self'" in policy
            and "unsafe" not in policy.split("script-src")[1].split(";")[0]
        )
        assert "frame-ancestors 'none'" in policy
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_signed_in_answers_are_never_stored_but_static_files_are_cached(
    client: TestClient, as_user
) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, "zhangsan")
    assert client.get("/my/cases").headers["Cache-Control"] == "no-store"
    assert client.get(f"{API}/me", headers=as_user("lisi")).headers["Cache-Control"] == "no-store"
    style = re.search(r'href="(/static/style\.css\?v=[0-9a-f]+)"', client.get("/").text)
    assert style is not None
    assert "immutable" in client.get(style.group(1)).headers["Cache-Control"]


def _cases(db: Session) -> int:
    return db.scalar(select(func.count(Case.id))) or 0


def test_the_session_cookie_alone_cannot_change_data_through_the_api(
    client: TestClient, db: Session
) -> None:
    sign_in(client, "zhangsan")
    before = _cases(db)
    body = {"code": ITEM, "form_data": {}}
    forged = client.post(f"{API}/cases", json=body)
    assert forged.status_code == 403
    assert forged.json()["error"]["code"] == "csrf"
    assert "X-CSRF-Token" in forged.json()["error"]["message"]
    assert _cases(db) == before
    denied = select(AuditEntry.actor_name).where(AuditEntry.action == "access.denied")
    assert db.scalars(denied).all() == ["张三"]  # whose cookie was used, found by trial 13b
    assert client.get(f"{API}/me").status_code == 200  # reading with the cookie is fine
    token = csrf(client.get("/my/cases").text)
    made = client.post(f"{API}/cases", json=body, headers={"X-CSRF-Token": token})
    assert made.status_code == 201
    assert _cases(db) == before + 1


def test_the_api_docs_page_loads_nothing_from_other_sites(client: TestClient) -> None:
    page = client.get(f"{API}/docs")
    assert page.status_code == 200
    assert "/static/vendor/swagger-ui-bundle.js" in page.text
    assert not re.search(r'(src|href)="(https?:)?//', page.text)
    assert client.get(f"{API}/openapi.json").status_code == 200
