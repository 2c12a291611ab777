"""办件查询 without sign-in: the receipt's promise ("凭办件编号…查询办理进度") holds, the
answer shows nothing personal, and a wrong second factor is refused and rate-limited.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Clock
from tests.factories import submitted
from tests.web.support import ITEM, csrf, sign_in
from tongban import timefmt

ZHANGSAN_TAIL = "180310"  # demo user zhangsan: 350102196204180310
MINFENG_CREDIT_TAIL = "Q1K7XN"  # demo enterprise: 91350102MA2XQ1K7XN


def _ask(client: TestClient, number: str, factor: str) -> Any:
    return client.post("/api/v1/progress", json={"number": number, "factor": factor})


def test_the_receipt_leads_to_a_lookup_that_needs_no_sign_in(
    client: TestClient, as_user: Callable[[str], dict[str, str]]
) -> None:
    case = submitted(client, as_user("zhangsan"), ITEM)
    anonymous = TestClient(client.app)
    page = anonymous.get(f"/progress?number={case['number']}")
    assert page.status_code == 200
    assert f'value="{case["number"]}"' in page.text
    shown = anonymous.post(
        "/progress",
        data={"number": case["number"], "factor": ZHANGSAN_TAIL, "csrf_token": csrf(page.text)},
    )
    assert shown.status_code == 200
    assert "失业登记" in shown.text and "办理环节" in shown.text
    for personal in ("张三", "350102196204180310", "13800000001", "福州示例有限公司"):
        assert personal not in shown.text


def test_a_case_page_opened_signed_out_points_to_the_lookup(client: TestClient) -> None:
    """Found in trial: the case number on the receipt opened the login page, which said
    nothing about the lookup that needs no sign-in."""
    anonymous = TestClient(client.app)
    login = anonymous.get("/cases/20250922000123")
    assert login.status_code == 200 and "/login" in str(login.url)
    assert 'href="/progress?number=20250922000123"' in login.text
    assert "只查询办理进度的，无需登录" in login.text
    assert "progress-hint" not in anonymous.get("/login").text


def test_the_api_answer_holds_the_state_and_time_left_and_nothing_personal(
    client: TestClient, as_user: Callable[[str], dict[str, str]]
) -> None:
    case = submitted(client, as_user("zhangsan"), ITEM)
    response = _ask(TestClient(client.app), case["number"], ZHANGSAN_TAIL)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["state"] == "submitted" and body["state_zh"]
    assert body["time_left"]["unit"] == "working_days"
    assert body["stages"] and body["stages"][0]["departments"]
    text = response.text
    for personal in ("张三", "350102196204180310", "13800000001", "form_data", "applicant"):
        assert personal not in text


def test_the_lookup_counts_down_to_the_time_left_of_the_case_page(
    client: TestClient, as_user: Callable[[str], dict[str, str]]
) -> None:
    """Found in trial: the lookup said 受理期限 剩余 5 个工作日 (art. 32) while the
    applicant's case page said 受理环节剩余时间 剩余 1 个工作日: one case, one count-down.
    The page, the API and the case page show the same due time and time left."""
    case = submitted(client, as_user("zhangsan"), ITEM)
    anonymous = TestClient(client.app)
    body = _ask(anonymous, case["number"], ZHANGSAN_TAIL).json()
    lookup = anonymous.get("/progress")
    page = anonymous.post(
        "/progress",
        data={"number": case["number"], "factor": ZHANGSAN_TAIL, "csrf_token": csrf(lookup.text)},
    ).text
    sign_in(client, "zhangsan")
    own = client.get(f"/cases/{case['number']}").text
    shown = re.search(r"<dt>受理环节剩余时间</dt><dd>(.*?)</dd>", own, re.S)
    assert shown, "the case page shows no time left"
    assert shown.group(0) in page
    assert body["time_left_limit"] == "stage"
    due = timefmt.deadline(datetime.fromisoformat(body["time_left"]["due_at"]))
    assert f"到期：{due}" in shown.group(1)
    # the note beside it states the art. 32 date itself: the lookup has no 办理详情 to point to
    assert "法定受理期限截至 2025-09-28" in shown.group(1) and "办理详情" not in page


def test_an_enterprise_case_takes_the_credit_code_tail_in_either_case(
    client: TestClient, as_user: Callable[[str], dict[str, str]]
) -> None:
    headers = as_user("minfeng")
    code = client.get("/api/v1/items?q=食品经营").json()[0]["code"]
    case = submitted(client, headers, code)
    assert _ask(client, case["number"], MINFENG_CREDIT_TAIL.lower()).status_code == 200


def test_wrong_factor_and_unknown_number_get_the_same_answer(
    client: TestClient, as_user: Callable[[str], dict[str, str]]
) -> None:
    case = submitted(client, as_user("zhangsan"), ITEM)
    wrong = _ask(client, case["number"], "000000")
    unknown = _ask(client, "2099-0000-NOPE", ZHANGSAN_TAIL)
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()
    assert "后 6 位" in wrong.json()["error"]["message"]


def test_a_draft_is_not_shown(client: TestClient, as_user: Callable[[str], dict[str, str]]) -> None:
    headers = as_user("zhangsan")
    draft = client.post("/api/v1/cases", json={"code": ITEM}, headers=headers).json()
    assert _ask(client, draft["number"], ZHANGSAN_TAIL).status_code == 404


def test_malformed_input_says_what_to_fix(client: TestClient) -> None:
    short = _ask(client, "2025-1", "123")
    assert short.status_code == 422
    assert short.json()["error"]["field"] == "factor"
    empty = _ask(client, "  ", "123456")
    assert empty.json()["error"]["field"] == "number"


def test_repeated_failures_lock_the_number_then_release_it(
    client: TestClient, as_user: Callable[[str], dict[str, str]], clock: Clock
) -> None:
    case = submitted(client, as_user("zhangsan"), ITEM)
    for guess in range(5):
        assert _ask(client, case["number"], f"00000{guess}").status_code == 404
    locked = _ask(client, case["number"], ZHANGSAN_TAIL)
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert "分钟后再试" in locked.json()["error"]["message"]
    clock.now += timedelta(minutes=16)
    assert _ask(client, case["number"], ZHANGSAN_TAIL).status_code == 200


def test_a_strangers_guesses_do_not_lock_the_applicant_out(
    client: TestClient, as_user: Callable[[str], dict[str, str]]
) -> None:
    case = submitted(client, as_user("zhangsan"), ITEM)
    stranger = TestClient(client.app, client=("203.0.113.7", 40000))
    for guess in range(6):
        stranger.post(
            "/api/v1/progress", json={"number": case["number"], "factor": f"00000{guess}"}
        )
    assert _ask(client, case["number"], ZHANGSAN_TAIL).status_code == 200


def test_guesses_spread_over_many_addresses_slow_the_guessers_but_never_lock_the_applicant(
    client: TestClient, as_user: Callable[[str], dict[str, str]]
) -> None:
    case = submitted(client, as_user("zhangsan"), ITEM)
    guessers = [TestClient(client.app, client=(f"198.51.100.{n}", 40000)) for n in range(50)]
    for guesser in guessers:
        guesser.post("/api/v1/progress", json={"number": case["number"], "factor": "000009"})
    assert _ask(client, case["number"], ZHANGSAN_TAIL).status_code == 200  # not locked
    # each guessing address now gets one guess per lock period on this number, not five
    again = guessers[0].post("/api/v1/progress", json={"number": case["number"], "factor": "1"})
    assert again.status_code == 422  # malformed input is said first, and not counted
    again = guessers[0].post(
        "/api/v1/progress", json={"number": case["number"], "factor": "000008"}
    )
    assert again.status_code == 429 and "您对该办件编号" in again.json()["error"]["message"]


def test_one_address_guessing_many_numbers_is_slowed(client: TestClient) -> None:
    answers = [_ask(client, f"2025-GUESS-{n}", "123456").status_code for n in range(11)]
    assert answers[:10] == [404] * 10
    assert answers[10] == 429


def test_the_page_form_shows_the_error_and_keeps_the_number(client: TestClient) -> None:
    page = client.get("/progress")
    again = client.post(
        "/progress",
        data={"number": "2025-NOPE", "factor": "12345X", "csrf_token": csrf(page.text)},
    )
    assert again.status_code == 404
    assert 'value="2025-NOPE"' in again.text
    assert "核对申请回执" in again.text
