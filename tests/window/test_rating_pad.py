"""The window's rating pad (评价器): after taking a case in, the clerk offers it on the
second screen; the applicant, not signed in, taps a level (reason tags for a bad one) and
the rating is recorded through the window channel, once for the stage, as on the case page.
The pad never shows the applicant's name."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import API
from tests.ratings.conftest import Finish
from tests.ratings.conftest import finish as finish  # the fixture
from tests.web.support import ITEM, VALID, SignedIn, csrf, found
from tests.window.test_channel_parity import FILES, ZHANGSAN


def _taken_in(clerk: TestClient) -> tuple[str, str]:
    """A case the clerk takes in for zhangsan: its number and the receipt page."""
    form = clerk.get(f"/staff/intake/{ITEM}")
    data = {**ZHANGSAN, "walkin_phone": VALID["phone"], **VALID, "csrf_token": csrf(form.text)}
    receipt = clerk.post(f"/staff/intake/{ITEM}", data=data, files=FILES)
    assert receipt.status_code == 200 and "/receipt/" in str(receipt.url), receipt.text
    return found(r"<strong>(\d{20,})</strong>", receipt.text), receipt.text


def test_the_applicant_rates_the_window_case_on_the_pad(
    signed_in: SignedIn, client: TestClient, as_user: Any
) -> None:
    clerk = signed_in("clerk")
    waiting = clerk.get("/staff/pad")
    assert waiting.status_code == 200 and "欢迎您对窗口服务作出评价" in waiting.text
    assert 'name="score"' not in waiting.text and "/staff/intake" not in waiting.text  # no menu
    number, receipt = _taken_in(clerk)
    offered = clerk.post(
        "/staff/pad/offer",
        data={"number": number, "csrf_token": csrf(receipt)},
        follow_redirects=True,
    )
    assert offered.status_code == 200 and "评价器已显示本办件" in offered.text, offered.text
    pad = clerk.get("/staff/pad")
    assert number in pad.text and "失业登记" in pad.text and "收件" in pad.text
    assert "张三" not in pad.text and VALID["applicant_id_number"] not in pad.text
    # the receipt is rated: nothing is decided yet to disagree with
    assert 'value="多次跑动"' in pad.text and 'value="结果不认可"' not in pad.text
    refused = clerk.post(  # 不满意 with no reason: the pad asks for one
        "/staff/pad", data={"number": number, "score": "2", "csrf_token": csrf(pad.text)}
    )
    assert refused.status_code == 422 and "请选择差评原因或写明" in refused.text
    rated = clerk.post(
        "/staff/pad",
        data={
            "number": number,
            "score": "1",
            "tags": ["多次跑动", "服务态度差"],
            "csrf_token": csrf(pad.text),
        },
        follow_redirects=True,
    )
    assert rated.status_code == 200 and "感谢您的评价" in rated.text, rated.text
    ratings = client.get(f"{API}/cases/{number}/ratings", headers=as_user("zhangsan")).json()
    assert [(r["stage"], r["channel"], r["score"], r["tags"]) for r in ratings] == [
        ("receipt", "window", 1, ["多次跑动", "服务态度差"])
    ]
    assert ratings[0]["rectify_due_at"] is not None  # the department must rectify it
    after = clerk.get("/staff/pad")  # back to waiting: the stage is rated once
    assert 'name="score"' not in after.text
    again = clerk.post("/staff/pad/offer", data={"number": number, "csrf_token": csrf(receipt)})
    assert again.status_code == 409 and "已经评价过" in again.text


def test_the_pad_rates_only_the_case_it_shows(signed_in: SignedIn) -> None:
    """A screen drawn for one case cannot rate another offered since, nor a case that is
    not the clerk's own."""
    clerk = signed_in("clerk")
    first, receipt = _taken_in(clerk)
    second, _receipt = _taken_in(clerk)
    clerk.post("/staff/pad/offer", data={"number": first, "csrf_token": csrf(receipt)})
    pad = clerk.get("/staff/pad")
    clerk.post("/staff/pad/offer", data={"number": second, "csrf_token": csrf(receipt)})
    stale = clerk.post(
        "/staff/pad", data={"number": first, "score": "5", "csrf_token": csrf(pad.text)}
    )
    assert stale.status_code == 409 and "评价器上的办件已更换" in stale.text
    assert second in stale.text  # the pad shows the case offered now
    other = signed_in("sm-clerk")  # another hall's clerk
    page = other.get(f"/staff/intake/{ITEM}")
    refused = other.post("/staff/pad/offer", data={"number": first, "csrf_token": csrf(page.text)})
    assert refused.status_code == 403 and "本大厅窗口受理或本部门办理的办件" in refused.text


def test_a_clerk_of_the_handling_department_offers_the_case_from_its_page(
    signed_in: SignedIn, client: TestClient, as_user: Any, finish: Finish
) -> None:
    """A case filed online and finished: any window clerk of the department handling it,
    not only one who took it in, offers it on the pad from the case page; its staff who
    are no window clerks are not offered the button."""
    number = finish()  # zhangsan's, online; 人社局 accepted and approved it
    approver = signed_in("rs-hz").get(f"/cases/{number}")
    assert approver.status_code == 200 and "请申请人在评价器上评价" not in approver.text
    clerk = signed_in("rs")
    page = clerk.get(f"/cases/{number}")
    assert page.status_code == 200 and "请申请人在评价器上评价" in page.text
    offered = clerk.post(
        "/staff/pad/offer",
        data={"number": number, "back": "case", "csrf_token": csrf(page.text)},
        follow_redirects=True,
    )
    assert f"/cases/{number}?pad=offered" in str(offered.url)
    assert "评价器已显示本办件" in offered.text
    pad = clerk.get("/staff/pad")
    clerk.post("/staff/pad", data={"number": number, "score": "4", "csrf_token": csrf(pad.text)})
    ratings = client.get(f"{API}/cases/{number}/ratings", headers=as_user("zhangsan")).json()
    assert [(r["stage"], r["channel"], r["score"]) for r in ratings] == [
        ("completion", "window", 4)
    ]
