"""下一步 on the case page (issue 15): under the state, what the applicant can do now, linked
to where it is done on the page, or which stage the case waits in; in English too."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import act, open_task, submitted
from tests.web.support import ITEM, SignedIn, found


def _next_step(html: str) -> str:
    return found(r'<dd id="next-step">(.*?)</dd>', html.replace("\n", " "))


def test_the_next_step_follows_the_case(client: TestClient, as_user, signed_in: SignedIn) -> None:  # type: ignore[no-untyped-def]
    applicant, rs = as_user("zhangsan"), as_user("rs")
    number = submitted(client, applicant, ITEM)["number"]
    page = signed_in("zhangsan")
    waiting = _next_step(page.get(f"/cases/{number}").text)
    assert waiting == '等待窗口受理 · <a href="#rating">评价收件环节</a>'  # 收件 is rated, named
    english = _next_step(page.get(f"/cases/{number}?lang=en").text)
    assert english.endswith('<a href="#rating">Rate the receipt step</a>')  # not "the service"
    notice = {"problems": [{"target": "phone", "problem": "电话号码有误"}]}
    task = open_task(client, rs, number, "accept")
    assert act(client, rs, task, "correction", **notice).status_code == 201
    step = _next_step(page.get(f"/cases/{number}").text)
    assert step.startswith('<a href="#correct-title">按补正告知修改后重新提交</a>'), step
    # the department sees whose turn it is, not the applicant's links
    assert _next_step(signed_in("rs").get(f"/cases/{number}").text) == "等待申请人补正"


def test_the_next_step_in_english(client: TestClient, as_user, signed_in: SignedIn) -> None:  # type: ignore[no-untyped-def]
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]
    page = signed_in("zhangsan")
    page.cookies.set("tongban_lang", "en")
    html = page.get(f"/cases/{number}").text
    assert "Next step" in html
    assert _next_step(html).startswith("Waiting for the window to accept it · ")
