"""One default delivery for every channel: a new case of 3501-GA-003 (邮寄送达 listed before
窗口领取) starts with collection at the window, the way that asks nothing more of the
applicant, whether the web form, the window's intake form or the API (and so an agent or
a department system) opens it."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import draft
from tests.web.support import SignedIn, found

ID_CARD = "3501-GA-003"  # 居民身份证: delivery [mail, window]


def _preselected(html: str) -> str:
    select = found(r'<select id="delivery" name="delivery">(.*?)</select>', html.replace("\n", ""))
    return found(r'<option value="(\w+)" selected>', select)


def test_web_window_and_api_start_with_the_same_delivery(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    by_api = draft(client, as_user("zhangsan"), ID_CARD)["delivery"]
    web = signed_in("zhangsan").get(f"/apply/{ID_CARD}")
    window = signed_in("clerk").get(f"/staff/intake/{ID_CARD}")
    assert web.status_code == 200 and window.status_code == 200
    assert by_api == _preselected(web.text) == _preselected(window.text) == "window"
