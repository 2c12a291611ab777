"""A refused form of the ratings workbench (/staff/ratings) is shown again with its own
message beside the wrong field, in that form only (its section open), once, and with all
that was typed or chosen kept."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.ratings.conftest import Finish
from tests.ratings.test_pages import _rate, _rectified
from tests.web.support import check_structure, csrf, found, posted_form


def _bad_rating(browser: Any, finish: Finish) -> tuple[str, TestClient]:
    """A finished case rated 非常不满意, not rectified yet: the rating's id and 人社's client."""
    number = finish()
    _rate(browser("zhangsan"), number, score="1", comment="让我跑了两次。")
    staff = browser("rs")
    listing = staff.get("/staff/ratings").text
    return found(r'action="/staff/ratings/(\d+)/rectification"', listing), staff


def test_a_blank_appeal_is_refused_at_its_reason_in_english_the_appeal_left_open(
    browser: Any, finish: Finish
) -> None:
    rating_id, staff = _bad_rating(browser, finish)
    staff.cookies.set("tongban_lang", "en")
    listing = staff.get("/staff/ratings").text
    refused = staff.post(
        f"/staff/ratings/{rating_id}/appeal", data={"csrf_token": csrf(listing), "reason": " "}
    )
    assert refused.status_code == 422
    check_structure(refused.text)
    appeal = posted_form(refused.text, f"/staff/ratings/{rating_id}/appeal")
    assert list(appeal.messages) == ["reason"] and not appeal.hidden
    assert appeal.messages["reason"].startswith("Write the reason.")  # then the field's hint
    rectification = posted_form(refused.text, f"/staff/ratings/{rating_id}/rectification")
    assert rectification.messages == {} and rectification.alerts == []
    assert refused.text.count("Write the reason.") == 1


def test_a_refused_rectification_keeps_its_text_and_leaves_the_appeal_folded(
    browser: Any, finish: Finish
) -> None:
    rating_id, staff = _bad_rating(browser, finish)
    listing = staff.get("/staff/ratings").text
    typed = "已改进。\x07"  # a control character the service refuses
    refused = staff.post(
        f"/staff/ratings/{rating_id}/rectification",
        data={"csrf_token": csrf(listing), "text": typed},
    )
    assert refused.status_code == 422
    rectification = posted_form(refused.text, f"/staff/ratings/{rating_id}/rectification")
    message = "整改情况含有无法显示的控制字符，请删除后重试。"
    assert rectification.messages["text"].startswith(message)  # then the field's hint
    assert rectification.values["text"] == [typed]
    appeal = posted_form(refused.text, f"/staff/ratings/{rating_id}/appeal")
    assert appeal.messages == {} and appeal.hidden
    assert refused.text.count(message) == 1


def test_an_empty_call_back_keeps_the_unticked_box_and_says_so_once_at_the_note(
    browser: Any, finish: Finish
) -> None:
    _number, rating_id, staff = _rectified(browser, finish)
    listing = staff.get("/staff/ratings").text
    action = f"/staff/ratings/{rating_id}/callback"
    assert posted_form(listing, action).values["reached"] == ["1"]  # ticked at first
    refused = staff.post(action, data={"csrf_token": csrf(listing), "note": " "})
    assert refused.status_code == 422
    check_structure(refused.text)
    callback = posted_form(refused.text, action)
    assert list(callback.messages) == ["note"]
    assert callback.messages["note"].startswith("请填写回访情况。")
    assert "reached" not in callback.values  # the box stays as the user left it: unticked
    assert refused.text.count("请填写回访情况。") == 1
    ticked = staff.post(action, data={"csrf_token": csrf(listing), "note": "", "reached": "1"})
    assert posted_form(ticked.text, action).values["reached"] == ["1"]


def test_a_decision_without_its_reason_keeps_the_chosen_outcome_and_names_each_field(
    browser: Any, finish: Finish
) -> None:
    rating_id, staff = _bad_rating(browser, finish)
    listing = staff.get("/staff/ratings").text
    staff.post(
        f"/staff/ratings/{rating_id}/appeal",
        data={"csrf_token": csrf(listing), "reason": "申请人材料不全是其自身原因。"},
    )
    supervisor = browser("supervisor")
    pending = supervisor.get("/staff/ratings?appeals=open").text
    action = f"/staff/ratings/{rating_id}/appeal/decision"
    refused = supervisor.post(
        action, data={"csrf_token": csrf(pending), "outcome": "upheld", "decision": " "}
    )
    assert refused.status_code == 422
    check_structure(refused.text)
    decision = posted_form(refused.text, action)
    assert decision.messages == {"decision": "请填写裁定理由。"}
    assert decision.values["outcome"] == ["upheld"]
    assert refused.text.count("请填写裁定理由。") == 1
    neither = supervisor.post(action, data={"csrf_token": csrf(pending), "decision": "属实"})
    assert posted_form(neither.text, action).messages == {"outcome": "请选择申诉成立或不成立。"}
    assert posted_form(neither.text, action).values["decision"] == ["属实"]
