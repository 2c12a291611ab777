"""Every page anyone may open without signing in (公示, 核验, 办件查询, 结果公示, the kiosk
and hall display, the guides …) shows a signed-in person their own header: their name and
退出, never 登录/注册 as if they were a stranger."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import submitted
from tests.security.test_authorization_matrix import ITEM, guard_of, operations
from tests.web.test_kiosk_terminals import HALL

SIGNED_OUT = ('href="/login"', 'href="/register"')


def _url(path: str, number: str) -> str:
    values = {"number": number, "code": HALL if path.startswith("/halls/") else ITEM}
    return re.sub(r"{(\w+)(?::\w+)?}", lambda m: values.get(m[1], "1"), path)


def test_every_public_page_shows_the_signed_in_person(
    client: TestClient, as_user: Any, signed_in: Any
) -> None:
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]
    browser = signed_in("zhangsan")
    walked, wrong = [], []
    for method, path, route in operations():
        if method != "GET" or path.startswith("/api/") or guard_of(route).signed_in:
            continue
        page = browser.get(_url(path, number), follow_redirects=False)
        if 'class="site"' not in page.text:  # a redirect, a file, a fragment: no header
            continue
        walked.append(path)
        header = page.text.split("</header>")[0]
        named = "张三" in header or "<nav" not in header  # the hall's wall screen: no menu
        if not named or any(mark in header for mark in SIGNED_OUT):
            wrong.append(f"{path} ({page.status_code})")
    assert not wrong, f"public pages showing 登录/注册 to a signed-in person: {wrong}"
    assert len(walked) >= 15, walked
