"""Rating pages: the applicant rates from the case page, the department rectifies from
/staff/ratings, the applicant sees the answer; supervisors look across departments.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Clock
from tests.factories import API
from tests.ratings.conftest import Finish
from tests.web.support import check_structure, csrf, found


def _card(html: str) -> str:
    start = html.index('id="rating-title"')
    return html[start : html.index("</section>", start)]


def _rate(client: TestClient, number: str, **fields: Any):  # type: ignore[no-untyped-def]
    token = csrf(client.get(f"/cases/{number}").text)
    return client.post(f"/cases/{number}/rating", data={"csrf_token": token, **fields})


def _rectify(client: TestClient, rating_id: str, text: str):  # type: ignore[no-untyped-def]
    token = csrf(client.get("/staff/ratings").text)
    return client.post(
        f"/staff/ratings/{rating_id}/rectification", data={"csrf_token": token, "text": text}
    )


def _rectified(browser: Any, finish: Finish) -> tuple[str, str, TestClient]:
    """A finished case rated 非常不满意 by its applicant and rectified by 人社: its number,
    the rating's id and the department's signed-in client."""
    number = finish()
    _rate(browser("zhangsan"), number, score="1", comment="让我跑了两次。")
    staff = browser("rs")
    rating_id = found(
        r'action="/staff/ratings/(\d+)/rectification"', staff.get("/staff/ratings").text
    )
    _rectify(staff, rating_id, "已一次性告知材料清单。")
    return number, rating_id, staff


def test_applicant_rates_the_department_rectifies_the_applicant_sees_it(
    browser: Any, finish: Finish, clock: Clock
) -> None:
    number = finish()
    applicant = browser("zhangsan")
    page = applicant.get(f"/cases/{number}").text
    check_structure(page)
    card = _card(page)
    assert "<legend>满意度" in card
    labels = re.findall(r'<label for="rating-score-(\d)">([^<]+)</label>', card)
    assert labels == [
        ("5", "非常满意"),
        ("4", "满意"),
        ("3", "基本满意"),
        ("2", "不满意"),
        ("1", "非常不满意"),
    ]

    refused = _rate(applicant, number, score="1", comment="  ")
    assert refused.status_code == 422
    card = _card(refused.text)
    assert 'id="e-rating-comment"' in card and "写明哪里做得不好" in card
    assert re.search(r'id="rating-score-1"[^>]* checked', card)  # the choice is kept
    assert "请选择 1 到 5 分" in _card(_rate(applicant, number, comment="好").text)

    rated = _rate(applicant, number, score="1", comment="窗口让我跑了三次。")
    assert rated.status_code == 200 and "感谢您的评价" in rated.text
    card = _card(rated.text)
    assert "非常不满意" in card and "窗口让我跑了三次。" in card and "整改中，期限" in card
    assert "<form" not in card  # rated once

    clock.advance(hours=17, minutes=20)  # 6 h 40 min of 24 h left: warned at 2/3, yellow
    staff = browser("rs")
    assert 'href="/staff/ratings"' in staff.get("/staff").text
    assert '<span class="badge yellow">临期</span>' in staff.get("/staff/ratings").text
    clock.advance(hours=2, minutes=40)  # 4 of 24 hours left
    listing = staff.get("/staff/ratings").text
    check_structure(listing)
    rating_id = re.findall(r'action="/staff/ratings/(\d+)/rectification"', listing)
    assert len(rating_id) == 1
    assert '<span class="badge yellow">临期</span>' in listing and "剩余 4 小时" in listing
    clock.advance(hours=3, minutes=2, seconds=30)  # 57 minutes and a half left
    assert "剩余 57 分钟" in staff.get("/staff/ratings").text
    clock.advance(minutes=57, seconds=30)  # due this very moment: overdue
    due_now = staff.get("/staff/ratings").text
    assert '<span class="badge red">超期</span>' in due_now and "已超期 1 分钟" in due_now
    clock.advance(hours=-4)
    listing = staff.get("/staff/ratings").text
    assert "窗口让我跑了三次。" in listing and number in listing

    empty = _rectify(staff, rating_id[0], " ")
    assert empty.status_code == 422 and 'id="e-text"' in empty.text
    done = _rectify(staff, rating_id[0], "已核实，窗口一次性告知材料，并向申请人致歉。")
    assert done.status_code == 200 and "整改情况已提交" in done.text
    assert "/rectification" not in done.text and "已整改" in done.text
    twice = _rectify(staff, rating_id[0], "再次")
    assert twice.status_code == 409 and "已由人社审查员整改" in twice.text

    card = _card(browser("zhangsan").get(f"/cases/{number}").text)
    assert "已核实，窗口一次性告知材料，并向申请人致歉。" in card and "人社审查员" in card
    assert "整改中" not in card


def test_the_staff_task_page_shows_the_rating(
    browser: Any, finish: Finish, client: TestClient, as_user: Any
) -> None:
    number = finish()
    assert _rate(browser("zhangsan"), number, score="5", comment="很方便").status_code == 200
    line = client.get(f"{API}/cases/{number}/timeline", headers=as_user("rs")).json()
    task = line["stages"][0]["tasks"][0]["id"]
    page = browser("rs").get(f"/staff/tasks/{task}").text
    card = _card(page)
    assert "非常满意" in card and "很方便" in card and "整改" not in card
    assert "评价" in page.split('id="timeline-title"')[1]  # the rating is in the case's record


def test_a_case_waiting_for_acceptance_is_rated_for_its_receipt(
    browser: Any, finish: Finish
) -> None:
    """一事多评: a running case offers the rating of the stage it is in, not its completion."""
    number = finish("submitted")
    applicant = browser("zhangsan")
    card = _card(applicant.get(f"/cases/{number}").text)
    assert '<input type="hidden" name="stage" value="receipt">' in card and "评价环节：收件" in card
    assert 'name="indicator-speed"' in card and 'value="服务热情"' in card
    refused = _rate(applicant, number, score="5", stage="completion")
    assert refused.status_code == 409 and "才能评价" in refused.text
    rated = applicant.post(
        f"/cases/{number}/rating",
        data={
            "csrf_token": csrf(applicant.get(f"/cases/{number}").text),
            "stage": "receipt",
            "score": "4",
            "indicator-speed": "5",
            "tags": ["服务热情", "指南清晰"],
        },
    )
    assert rated.status_code == 200, rated.text
    card = _card(rated.text)
    assert "收件环节评价" in card and "服务热情、指南清晰" in card and "办事速度" in card
    assert "<form" not in card  # the receipt is rated; acceptance comes later


def test_supervisors_look_across_departments_and_others_see_their_own(
    browser: Any, finish: Finish
) -> None:
    number = finish()
    _rate(browser("zhangsan"), number, score="2", comment="说明不清。")
    overview = browser("supervisor").get("/staff/ratings").text
    check_structure(overview)
    assert "各部门好差评" in overview and 'href="/staff/ratings?department=RS"' in overview
    assert number in overview and "/rectification" not in overview  # supervisors only look
    assert number in browser("supervisor").get("/staff/ratings?department=RS").text
    assert number not in browser("supervisor").get("/staff/ratings?department=GA").text
    other = browser("ga").get("/staff/ratings")
    assert other.status_code == 200 and "没有差评" in other.text
    assert browser("ga").get("/staff/ratings?department=RS").status_code == 403
    assert browser("zhangsan").get("/staff/ratings").status_code == 403


def test_with_htmx_each_form_swaps_only_its_card(browser: Any, finish: Finish) -> None:
    """htmx swaps only 2xx answers, so a refused form comes back as its card with the reason."""
    number = finish()
    htmx = {"HX-Request": "true"}
    applicant = browser("zhangsan")
    page = applicant.get(f"/cases/{number}").text
    assert f'hx-post="/cases/{number}/rating" hx-target="#rating"' in page
    token = csrf(page)
    url = f"/cases/{number}/rating"
    refused = applicant.post(url, data={"csrf_token": token, "score": "2"}, headers=htmx)
    assert refused.status_code == 200 and refused.text.lstrip().startswith(
        '<section class="card" id="rating"'
    )
    assert "<html" not in refused.text and 'id="e-rating-comment"' in refused.text
    data = {"csrf_token": token, "score": "2", "comment": "说明不清。"}
    rated = applicant.post(url, data=data, headers=htmx)
    assert rated.status_code == 200 and "<html" not in rated.text
    assert "感谢您的评价" in rated.text and "<form" not in rated.text

    staff = browser("rs")
    listing = staff.get("/staff/ratings").text
    rating_id = found(r'hx-post="/staff/ratings/(\d+)/rectification"', listing)
    assert f'hx-target="#rating-{rating_id}"' in listing
    fix = f"/staff/ratings/{rating_id}/rectification"
    token = csrf(listing)
    empty = staff.post(fix, data={"csrf_token": token, "text": " "}, headers=htmx)
    assert (
        empty.status_code == 200 and f'<article class="card" id="rating-{rating_id}"' in empty.text
    )
    assert "<html" not in empty.text and 'id="e-text"' in empty.text
    done = staff.post(fix, data={"csrf_token": token, "text": "已改进说明。"}, headers=htmx)
    assert done.status_code == 200 and "<html" not in done.text
    assert (
        "整改情况已提交" in done.text
        and "已改进说明。" in done.text
        and "/rectification" not in done.text
        and "/callback" in done.text  # next: the call-back
    )


def test_the_department_calls_back_the_applicant_rates_again_an_appeal_is_decided(
    browser: Any, finish: Finish
) -> None:
    number, rating_id, staff = _rectified(browser, finish)
    listing = staff.get("/staff/ratings").text
    assert "待回访申请人" in listing and f'action="/staff/ratings/{rating_id}/callback"' in listing
    empty = staff.post(
        f"/staff/ratings/{rating_id}/callback", data={"csrf_token": csrf(listing), "note": " "}
    )
    assert empty.status_code == 422 and "请填写回访情况" in empty.text
    called = staff.post(
        f"/staff/ratings/{rating_id}/callback",
        data={"csrf_token": csrf(listing), "note": "申请人认可整改。", "reached": "1"},
    )
    assert called.status_code == 200 and "回访情况已记录" in called.text
    assert f'action="/staff/ratings/{rating_id}/callback"' not in called.text

    applicant = browser("zhangsan")
    card = _card(applicant.get(f"/cases/{number}").text)
    assert "申请人认可整改。" in card and "已一次性告知材料清单。" in card
    assert '<input type="hidden" name="stage" value="completion">' in card  # rate again
    again = _rate(applicant, number, score="5", comment="整改后很满意。")
    assert again.status_code == 200 and "再次评价" in _card(again.text)

    staff = browser("rs")
    listing = staff.get("/staff/ratings").text
    appealed = staff.post(
        f"/staff/ratings/{rating_id}/appeal",
        data={"csrf_token": csrf(listing), "reason": "申请人材料不全是其自身原因。"},
    )
    assert appealed.status_code == 200 and "申诉已提交" in appealed.text
    assert "待电子监察裁定" in appealed.text and "裁定申诉" not in appealed.text
    supervisor = browser("supervisor")
    overview = supervisor.get("/staff/ratings").text
    assert f'action="/staff/ratings/{rating_id}/appeal/decision"' in overview
    decided = supervisor.post(
        f"/staff/ratings/{rating_id}/appeal/decision",
        data={"csrf_token": csrf(overview), "outcome": "dismissed", "decision": "评价属实。"},
    )
    assert decided.status_code == 200 and "申诉已裁定" in decided.text
    assert "申诉不成立：评价属实。" in decided.text


def test_the_channel_shown_is_where_the_rating_was_given_not_the_cases(
    browser: Any, finish: Finish, client: TestClient, as_user: Any
) -> None:
    """A case applied for through the API and rated at a hall's self-service terminal is
    listed as rated at the terminal; one rated through the API, as rated through it."""
    at_terminal, through_api = finish(), finish()
    applicant = browser("zhangsan")
    applicant.cookies.set("tongban_kiosk", "FZ-HALL")  # the terminal's kiosk mode
    assert _rate(applicant, at_terminal, score="2", comment="排队太久。").status_code == 200
    applicant.cookies.delete("tongban_kiosk")
    rated = client.post(
        f"{API}/cases/{through_api}/rating",
        json={"score": 1, "comment": "材料要了两遍。"},
        headers=as_user("zhangsan"),
    )
    assert rated.status_code == 201 and rated.json()["channel"] == "api", rated.text
    assert "自助终端" in _card(browser("zhangsan").get(f"/cases/{at_terminal}").text)
    listed = browser("rs").get("/staff/ratings").text
    cards = {n: listed[listed.index(n) :][:3000] for n in (at_terminal, through_api)}
    assert "<dt>评价渠道</dt><dd>自助终端</dd>" in cards[at_terminal]
    assert "<dt>评价渠道</dt><dd>接口</dd>" in cards[through_api]
    client.cookies.set("tongban_lang", "en")
    english = client.get("/staff/ratings").text
    assert "<dt>Rated through</dt><dd>Self-service terminal</dd>" in english


def test_supervisors_are_told_of_an_appeal_and_led_to_its_decision(
    browser: Any, finish: Finish
) -> None:
    """申诉: the region's supervisors get a message at once; it, the header and the
    dashboard's 申诉 figure lead to the pending appeals with the decision form."""
    number = finish()
    _rate(browser("zhangsan"), number, score="1", comment="让我跑了两次。")
    staff = browser("rs")
    listing = staff.get("/staff/ratings").text
    rating_id = found(r'action="/staff/ratings/(\d+)/rectification"', listing)
    staff.post(
        f"/staff/ratings/{rating_id}/appeal",
        data={"csrf_token": csrf(listing), "reason": "申请人材料不全是其自身原因。"},
    )
    supervisor = browser("supervisor")
    inbox = supervisor.get("/messages").text
    assert f"差评申诉待裁定：{number}" in inbox and "申请人材料不全是其自身原因。" in inbox
    target = f"/staff/ratings?appeals=open#rating-{rating_id}"
    assert f'name="go" value="{target}"' in inbox
    assert 'href="/staff/ratings?appeals=open">差评申诉裁定</a>' in inbox  # the header
    dashboard = supervisor.get("/supervision").text
    assert 'href="/staff/ratings?appeals=open">裁定待处理的申诉</a>' in dashboard
    pending = supervisor.get("/staff/ratings?appeals=open").text
    assert "待裁定的差评申诉" in pending
    assert f'action="/staff/ratings/{rating_id}/appeal/decision"' in pending
    supervisor.post(
        f"/staff/ratings/{rating_id}/appeal/decision",
        data={"csrf_token": csrf(pending), "outcome": "dismissed", "decision": "评价属实。"},
    )
    assert "没有待裁定的申诉。" in supervisor.get("/staff/ratings?appeals=open").text
    # trial 12, fault 8: the dashboard no longer leads to appeals once none waits
    assert "裁定待处理的申诉" not in supervisor.get("/supervision").text
    supervisor.cookies.set("tongban_lang", "en")
    assert "Rating appeals" in supervisor.get("/messages").text
    # trial 12, fault 8: staff who do not decide saw the heading without a form
    assert "待裁定的差评申诉" not in browser("rs").get("/staff/ratings?appeals=open").text


def test_a_call_back_that_did_not_reach_the_applicant_is_kept_and_tried_again(
    browser: Any, finish: Finish
) -> None:
    """回访: an attempt that did not reach the applicant is recorded but does not close the
    call-back, count as 已回访, or open the second rating; the reached one does."""
    number, rating_id, staff = _rectified(browser, finish)
    listing = staff.get("/staff/ratings").text
    missed = staff.post(
        f"/staff/ratings/{rating_id}/callback",
        data={"csrf_token": csrf(listing), "note": "电话无人接听。"},
    )
    assert missed.status_code == 200 and "请再次回访" in missed.text
    assert "未联系上申请人" in missed.text and "电话无人接听。" in missed.text
    assert f'action="/staff/ratings/{rating_id}/callback"' in missed.text  # try again
    assert "<dt>已回访</dt><dd>0</dd>" in missed.text
    card = _card(browser("zhangsan").get(f"/cases/{number}").text)
    assert '<input type="hidden" name="stage" value="completion">' not in card

    staff = browser("rs")
    listing = staff.get("/staff/ratings").text
    reached = staff.post(
        f"/staff/ratings/{rating_id}/callback",
        data={"csrf_token": csrf(listing), "note": "申请人认可整改。", "reached": "1"},
    )
    assert reached.status_code == 200 and "回访情况已记录" in reached.text
    assert "<dt>已回访</dt><dd>1</dd>" in reached.text
    assert "电话无人接听。" in reached.text and "申请人认可整改。" in reached.text  # both kept
    card = _card(browser("zhangsan").get(f"/cases/{number}").text)
    assert '<input type="hidden" name="stage" value="completion">' in card  # rate again


def test_the_applicant_is_told_a_call_back_comes_first_then_that_they_may_rate_again(
    browser: Any, finish: Finish
) -> None:
    number, rating_id, staff = _rectified(browser, finish)
    applicant = browser("zhangsan")
    inbox = applicant.get("/messages").text
    assert "回访后您可以重新评价" in inbox and "您可以查看答复并重新评价" not in inbox
    assert "部门将回访您；回访后您可以再次评价。" in _card(applicant.get(f"/cases/{number}").text)
    assert "您可以重新评价：" not in inbox

    staff = browser("rs")
    listing = staff.get("/staff/ratings").text
    staff.post(
        f"/staff/ratings/{rating_id}/callback",
        data={"csrf_token": csrf(listing), "note": "电话无人接听。"},
    )
    assert f"您可以重新评价：{number}" not in browser("zhangsan").get("/messages").text
    staff = browser("rs")
    staff.post(
        f"/staff/ratings/{rating_id}/callback",
        data={
            "csrf_token": csrf(staff.get("/staff/ratings").text),
            "note": "申请人认可整改。",
            "reached": "1",
        },
    )
    applicant = browser("zhangsan")
    assert f"您可以重新评价：{number}" in applicant.get("/messages").text
    applicant.cookies.set("tongban_lang", "en")
    token = csrf(applicant.get("/messages").text)
    applicant.post("/messages/language", data={"csrf_token": token, "locale": "en"})
    english = applicant.get("/messages").text
    assert f"You can rate again: {number}" in english
    assert "The department will call you back; after the call you can rate again." in english


def test_english_pages_stay_english_saving_the_message_language_and_listing_ratings(
    browser: Any, finish: Finish
) -> None:
    number = finish()
    _rate(browser("zhangsan"), number, score="1", comment="让我跑了两次。")
    applicant = browser("zhangsan")
    page = applicant.get("/messages?lang=en").text
    saved = applicant.post(
        "/messages/language", data={"csrf_token": csrf(page), "locale": "en", "page_lang": "en"}
    )
    assert saved.status_code == 200
    assert "消息语言已保存" not in saved.text and "Message centre" in saved.text
    staff = browser("rs")
    english = staff.get("/staff/ratings?lang=en").text
    title = english.split(f'<a href="/cases/{number}">{number}</a>', 1)[1].split("<", 1)[0]
    assert "Unemployment" in title and not re.search(r"[\u4e00-\u9fff]", title), title


def test_the_rated_stage_and_reason_tag_are_named_in_either_language(
    browser: Any, finish: Finish
) -> None:
    """The stage a rating is for (收件, 受理, 办结) reads as a name wherever a rating is
    shown (the case page, its record, the department's list), and its reason tags are in
    the page's language: never the code ``completion``."""
    number = finish()
    applicant = browser("zhangsan")
    _rate(applicant, number, score="1", tags=["办理时间长"])
    for page in (applicant.get(f"/cases/{number}"), browser("rs").get("/staff/ratings")):
        assert "办结" in page.text and "办理时间长" in page.text
    staff = browser("rs")
    listed = staff.get("/staff/ratings?lang=en").text
    card = listed[listed.index(number) :]
    assert "Stage rated" in card and "Completion" in card and "Took too long" in card
    english = browser("zhangsan").get(f"/cases/{number}?lang=en").text
    text = re.sub(r"<[^>]+>", " ", english)
    assert "Completion rating" in text and "Took too long" in text
    assert not re.search(r"\b(completion|receipt|acceptance)\b", text), text
    record = text[text.index("Completion:") :]  # the case's record names the rated stage
    assert record
