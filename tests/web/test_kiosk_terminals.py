"""The system administrator's page of the halls' self-service terminals (issue 15):
registering one shows its set-up address once, revoking one takes effect on the
terminal's next request (no restart), both audited; the setting's terminals are
registered by migration 0046."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.web.support import csrf, found, sign_in
from tongban.audit.models import AuditEntry
from tongban.config import get_settings
from tongban.db import make_engine
from tongban.migrate import upgrade
from tongban.queueing.models import KioskTerminal
from tongban.web.runtime import Runtime

HALL = "GL-ZWFW"
ITEM = "3501-RS-003"
PAGE = "/ops/kiosk-terminals"
ADDRESS = r'<code id="set-up-address">https?://[^<]*/kiosk/GL-ZWFW\?terminal=([\w-]+)</code>'


def _register(admin: TestClient, name: str) -> tuple[str, str]:
    """(the answer's HTML, the token of its set-up address)."""
    page = admin.get(PAGE)
    answer = admin.post(PAGE, data={"hall": HALL, "name": name, "csrf_token": csrf(page.text)})
    assert answer.status_code == 200, answer.text
    return answer.text, found(ADDRESS, answer.text)


def _take(kiosk: TestClient) -> tuple[int, str]:
    form = kiosk.get(f"/halls/{HALL}/kiosk")
    taken = kiosk.post(
        f"/halls/{HALL}/kiosk/take", data={"item": ITEM, "csrf_token": csrf(form.text)}
    )
    return taken.status_code, taken.text


def test_a_terminal_registered_on_the_page_then_revoked_without_a_restart(
    signed_in: Callable[[str], TestClient], db: Session
) -> None:
    admin = signed_in("admin")
    html, token = _register(admin, "二楼西侧")
    assert "只显示这一次" in html
    listed = admin.get(PAGE).text
    assert "二楼西侧" in listed and "在用" in listed and token not in listed  # shown once
    stored = db.scalars(select(KioskTerminal).where(KioskTerminal.name == "二楼西侧")).one()
    assert f'<td data-label="编号">{stored.id}</td>' in listed  # what its audit is filed under
    assert token not in stored.token_digest and len(stored.token_digest) == 64

    kiosk = TestClient(admin.app, follow_redirects=False)
    set_up = kiosk.get(f"/kiosk/{HALL}", params={"terminal": token})
    assert set_up.status_code == 303
    kiosk.cookies.set("tongban_kiosk_terminal", token)
    for _ in range(4):  # past the per-address limit of 3: counted per terminal
        assert _take(kiosk)[0] == 200

    page = admin.get(PAGE)
    revoked = admin.post(
        f"{PAGE}/{stored.id}/revoke", data={"csrf_token": csrf(page.text)}, follow_redirects=False
    )
    assert revoked.status_code == 303
    assert "已于" in admin.get(PAGE).text  # 已于 … 停用
    # the same cookie, the same server: no longer a terminal, counted as its address
    assert [_take(kiosk)[0] for _ in range(3)] == [200, 200, 200]
    status, text = _take(kiosk)
    assert status == 429 and "今天已取号 3 次" in text
    again = kiosk.get(f"/kiosk/{HALL}", params={"terminal": token})
    assert again.status_code == 422 and "已停用" in again.text
    page = admin.get(PAGE)
    twice = admin.post(f"{PAGE}/{stored.id}/revoke", data={"csrf_token": csrf(page.text)})
    assert twice.status_code == 409

    actions = db.execute(
        select(AuditEntry.action, AuditEntry.actor_name, AuditEntry.object_id).where(
            AuditEntry.object_type == "kiosk_terminal",
            AuditEntry.action.like("queue.kiosk_terminal_%"),
        )
    ).all()
    assert [(a, o) for a, _, o in actions] == [
        ("queue.kiosk_terminal_registered", str(stored.id)),
        ("queue.kiosk_terminal_revoked", str(stored.id)),
    ]
    assert {name for _, name, _ in actions} == {"系统管理员"}  # the admin who did it


def test_the_set_up_address_is_the_one_the_operator_reached_the_platform_at(
    client: TestClient, runtime: Runtime
) -> None:
    """Without a public address set, the terminal opens what the operator's browser opened
    (not the default 127.0.0.1:8000 of another port); with one set, that one."""
    admin = TestClient(client.app, base_url="http://10.1.2.3:8123")
    sign_in(admin, "admin")
    html, token = _register(admin, "三楼")
    assert f"http://10.1.2.3:8123/kiosk/{HALL}?terminal={token}" in html
    runtime.settings = runtime.settings.model_copy(update={"public_url": "https://zw.example.cn/"})
    html, token = _register(admin, "四楼")
    assert f"https://zw.example.cn/kiosk/{HALL}?terminal={token}" in html


def test_a_bad_or_taken_name_is_refused_keeping_what_was_typed(
    signed_in: Callable[[str], TestClient],
) -> None:
    admin = signed_in("admin")
    _register(admin, "大厅入口")
    page = admin.get(PAGE)
    taken = admin.post(PAGE, data={"hall": HALL, "name": "大厅入口", "csrf_token": csrf(page.text)})
    assert taken.status_code == 422 and "已有在用的终端“大厅入口”" in taken.text
    assert 'value="大厅入口"' in taken.text and "set-up-address" not in taken.text
    bad = admin.post(PAGE, data={"hall": HALL, "name": "东:侧", "csrf_token": csrf(page.text)})
    assert bad.status_code == 422 and "不含“:”和“,”" in bad.text and 'value="东:侧"' in bad.text
    nowhere = admin.post(
        PAGE, data={"hall": "NO-HALL", "name": "东侧", "csrf_token": csrf(page.text)}
    )
    assert nowhere.status_code == 404


def test_the_page_in_english(signed_in: Callable[[str], TestClient]) -> None:
    admin = signed_in("admin")
    admin.cookies.set("tongban_lang", "en")
    page = admin.get(PAGE)
    assert page.status_code == 200
    assert "Kiosk terminals" in page.text and "Register" in page.text
    assert 'href="/ops/kiosk-terminals"' in admin.get("/").text  # in the header's menu


def test_the_setting_s_terminals_are_registered_by_migration_0046(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: Clock
) -> None:
    digest = "ab" * 32
    monkeypatch.setenv("TONGBAN_KIOSK_TERMINALS", f"{HALL}:一楼东侧:{digest.upper()}, ")
    url = f"sqlite:///{tmp_path / 'seeded.sqlite3'}"
    get_settings.cache_clear()
    try:
        upgrade(url)
    finally:
        get_settings.cache_clear()
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            rows = session.scalars(select(KioskTerminal)).all()
            assert [(t.hall_code, t.name, t.token_digest, t.revoked_at) for t in rows] == [
                (HALL, "一楼东侧", digest, None)
            ]
    finally:
        engine.dispose()


def test_the_hall_display_has_no_menu_and_nothing_to_type(client: TestClient) -> None:
    """A wall screen: the platform's name, the calls; no sign-in, menu or 问一问 box."""
    page = client.get(f"/halls/{HALL}/display")
    header = page.text.split('<header class="site">')[1].split("</header>")[0]
    assert page.status_code == 200 and "通办" in header
    assert "<nav" not in header and "<input" not in header and "/login" not in header
