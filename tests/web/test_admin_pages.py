"""The security administrator's page (sessions, locked accounts, second factors, roles)
and the audit administrator's (search, chain check, export): each change audited once,
each page refused to everyone else."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tests.conftest import Clock, token
from tests.factories import submitted
from tests.web.support import SignedIn, csrf
from tongban.accounts.models import SignInSession, User
from tongban.audit import service as audit
from tongban.audit.models import AuditEntry


def _actions(db: Session, action: str) -> list[AuditEntry]:
    return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_the_security_administrator_revokes_a_session(
    client: TestClient, signed_in: SignedIn, db: Session
) -> None:
    victim = token(client, "zhangsan")
    assert client.get("/api/v1/me", headers=victim).status_code == 200
    admin = signed_in("secadmin")
    page = admin.get("/security")
    assert page.status_code == 200 and "张三 (zhangsan)" in page.text
    user = db.scalar(select(User).where(User.username == "zhangsan"))
    assert user is not None
    row = db.scalars(select(SignInSession).where(SignInSession.user_id == user.id)).first()
    assert row is not None
    done = admin.post(
        f"/security/sessions/{row.id}/revoke",
        data={"csrf_token": csrf(page.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert client.get("/api/v1/me", headers=victim).status_code == 401
    [entry] = _actions(db, "account.session_revoked")
    assert entry.object_id == "zhangsan" and entry.actor_name == "安全管理员"


def test_a_locked_account_is_listed_and_unlocked(
    client: TestClient, signed_in: SignedIn, db: Session
) -> None:
    for _ in range(5):
        wrong = {"username": "lisi", "password": "wrong-password"}
        assert client.post("/api/v1/auth/login", json=wrong).status_code in (401, 429)
    right = {"username": "lisi", "password": "demo12345"}
    assert client.post("/api/v1/auth/login", json=right).status_code == 429
    admin = signed_in("secadmin")
    page = admin.get("/security")
    assert "<td>lisi</td>" in page.text
    done = admin.post("/security/unlock", data={"username": "lisi", "csrf_token": csrf(page.text)})
    assert done.status_code == 200 and "账号已解锁" in done.text
    assert "<td>lisi</td>" not in done.text
    assert client.post("/api/v1/auth/login", json=right).status_code == 200
    assert len(_actions(db, "account.unlocked")) == 1


def test_a_role_change_keeps_the_three_administrators_apart_and_ends_sessions(
    client: TestClient, signed_in: SignedIn, db: Session
) -> None:
    target = db.scalar(select(User).where(User.username == "wjw-hz"))
    assert target is not None
    old = token(client, "wjw-hz")
    admin = signed_in("secadmin")
    form = csrf(admin.get("/security").text)
    refused = admin.post(
        f"/security/users/{target.id}/roles",
        data={"roles": ["approver", "audit_admin"], "csrf_token": form},
    )
    assert refused.status_code == 422 and "管理员" in refused.text
    assert client.get("/api/v1/me", headers=old).status_code == 200  # nothing changed
    done = admin.post(
        f"/security/users/{target.id}/roles",
        data={"roles": ["approver", "reviewer"], "csrf_token": form},
    )
    assert done.status_code == 200 and "角色已修改" in done.text
    db.refresh(target)
    assert {str(role) for role in target.roles} == {"approver", "reviewer"}
    assert client.get("/api/v1/me", headers=old).status_code == 401  # signs in again
    [entry] = _actions(db, "account.roles_changed")
    assert entry.data == {"before": ["approver"], "after": ["approver", "reviewer"]}


def test_the_audit_administrator_searches_verifies_and_exports(
    client: TestClient, signed_in: SignedIn, db: Session
) -> None:
    token(client, "zhangsan")
    auditor = signed_in("auditor")
    page = auditor.get("/audit", params={"action": "account.signed_in", "verify": "true"})
    assert page.status_code == 200
    assert "审计链完好" in page.text and "张三" in page.text
    assert "account.sign_in_failed" not in page.text
    export = auditor.post(
        "/audit/export",
        data={"action": "account.", "actor": "", "csrf_token": csrf(page.text)},
    )
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    lines = export.text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("seq,at_utc,action") and len(lines) >= 3
    [entry] = _actions(db, "audit.exported")
    assert entry.data["entries"] == len(lines) - 1 and entry.data["filters"]["action"] == "account."


def test_the_audit_page_marks_a_simulated_entry(
    signed_in: SignedIn, db: Session, clock: Clock
) -> None:
    """The auditor tells the simulator's month (``tongban simulate``) from what happened."""
    with audit.simulating(db):
        audit.record(
            db, at=clock.now, action="case.submit", actor=audit.SYSTEM, object_type="case",
            object_id="8202611300000000001",
        )  # fmt: skip
    audit.record(
        db, at=clock.now, action="case.submit", actor=audit.SYSTEM, object_type="case",
        object_id="350100202611300000001",
    )  # fmt: skip
    db.commit()
    page = signed_in("auditor").get("/audit", params={"action": "case.submit"}).text
    rows = [row.split("</tr>")[0] for row in page.split("<tr>") if "case.submit" in row]
    marked = {("8202611300000000001" in row): ("模拟" in row) for row in rows}
    assert marked == {True: True, False: False}
    english = signed_in("auditor").get("/audit", params={"action": "case.submit", "lang": "en"})
    assert "Simulated" in english.text


def test_each_page_is_only_for_its_administrator(signed_in: SignedIn, as_user: Any) -> None:
    for username in ("zhangsan", "auditor", "admin", "wjw"):
        assert signed_in(username).get("/security").status_code == 403, username
    for username in ("zhangsan", "secadmin", "admin", "supervisor"):
        assert signed_in(username).get("/audit").status_code == 403, username


def test_each_administrator_finds_their_page_in_the_header(signed_in: SignedIn) -> None:
    """三员分立 in the header: each administrator is linked to their own page only, and
    the system administrator no longer to the supervision of cases."""
    own = {"admin": "/ops/messages", "secadmin": "/security", "auditor": "/audit"}
    for username, path in own.items():
        home = signed_in(username).get("/staff")
        links = home.text.split("</nav>")[0]
        assert f'href="{path}"' in links, username
        for other in set(own.values()) - {path}:
            assert f'href="{other}"' not in links, (username, other)
        assert signed_in(username).get(path).status_code == 200
    header = signed_in("admin").get("/staff").text.split("</nav>")[0]
    assert 'href="/supervision"' not in header
    assert signed_in("admin").get("/supervision").status_code == 403


def test_the_audit_form_sent_with_empty_dates_is_searched(signed_in: SignedIn) -> None:
    """The page's own form sends every field, the dates empty when not chosen."""
    query = "action=account.&actor=&object_id=&since=&until=&verify=true"
    page = signed_in("auditor").get(f"/audit?{query}")
    assert page.status_code == 200 and "审计链完好" in page.text


def test_a_case_and_an_audit_entry_are_found_by_the_whole_name(
    client: TestClient, as_user: Any, signed_in: SignedIn, db: Session
) -> None:
    """Names are sealed: the supervisor's case search and the audit administrator's
    filter find a person by the whole name through its keyed hash."""
    raw = db.execute(text("SELECT display_name, email FROM users WHERE username = 'zhangsan'"))
    assert all(str(value).startswith("tb1:") for value in raw.one())
    number = submitted(client, as_user("zhangsan"), "3501-WJW-002")["number"]
    found = signed_in("supervisor").get("/supervision/cases", params={"q": " 张三 "})
    assert found.status_code == 200 and number in found.text
    other = signed_in("supervisor").get("/supervision/cases", params={"q": "李四"})
    assert number not in other.text
    audit = signed_in("auditor").get("/audit", params={"actor": "张三", "action": "case."})
    assert audit.status_code == 200 and number in audit.text
    assert signed_in("auditor").get("/audit", params={"actor": "zhangsan"}).text.count("<tr>") > 1
