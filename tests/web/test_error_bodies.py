"""Every error the framework itself raises is said as the project says its own: a 422 of
FastAPI's validation in Chinese and English by pydantic's error type, with a field a
person can read; a 404, 405 … as the bilingual JSON body to API clients and as the
error page, with a way home, to browsers.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.dependencies.utils import get_flat_params
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel
from pydantic_core.core_schema import ErrorType

from tongban.web import validation
from tongban.web.field_names import FIELD_NAMES

CHINESE = re.compile(r"[\u4e00-\u9fff]")
PYDANTIC_ENGLISH = re.compile(r"Field required|Input should|JSON decode|Extra inputs|String should")


def _details(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert CHINESE.search(error["message"]), error
    assert error["details"], error
    for detail in error["details"]:
        assert CHINESE.search(detail["message_zh"]), detail
        assert not PYDANTIC_ENGLISH.search(detail["message_zh"]), detail
        assert not PYDANTIC_ENGLISH.search(detail["message_en"]), detail
        assert not detail["field"].startswith("body"), detail
    return list(error["details"])


def _said(details: list[dict[str, str]]) -> dict[str, str]:
    return {detail["field"]: detail["message_zh"] for detail in details}


def test_a_missing_field_is_named_and_required_in_chinese(client: TestClient, as_user: Any) -> None:
    said = _said(_details(client.post("/api/v1/cases", json={}, headers=as_user("zhangsan"))))
    assert said == {"code": "“事项编码”必须填写"}


def test_wrong_types_say_what_the_value_should_be(client: TestClient, as_user: Any) -> None:
    body = {"code": 8, "form_data": [1]}
    said = _said(_details(client.post("/api/v1/cases", json=body, headers=as_user("zhangsan"))))
    assert said == {
        "code": "“事项编码”应为文本（字符串）",
        "form_data": "“申请表”应为 JSON 对象",
    }


def test_broken_json_names_the_body_and_where_to_look(client: TestClient) -> None:
    response = client.post(
        "/api/v1/auth/login", content=b'{"username":', headers={"content-type": "application/json"}
    )
    [detail] = _details(response)
    assert detail["field"] == ""
    assert detail["message_zh"] == "提交的内容不是有效的 JSON，请检查第 12 个字符附近"
    assert detail["message_en"] == "The request is not valid JSON; check near character 12"


def test_what_was_sent_is_called_one_thing_and_each_member_a_field(client: TestClient) -> None:
    """Issue 16: the API called the whole of what was sent 请求体, 请求内容, 提交的数据 and
    提交的内容 by turns, and a member 字段“x” or a bare “x”; now the whole is 提交的内容
    (the request) and a member 字段 (a field), in the errors and in the OpenAPI document."""
    json_type = {"content-type": "application/json"}
    login = "/api/v1/auth/login"
    deep = client.post(login, content=b"[" * 70 + b"]" * 70, headers=json_type)
    nul = client.post(login, content=b'"\\u0000"', headers=json_type)
    for whole in (deep, nul):
        [detail] = _details(whole)
        assert detail["message_zh"].startswith("提交的内容"), detail
        assert detail["message_en"].startswith("The request"), detail
    infinite = client.post(login, content=b'{"username": Infinity}', headers=json_type)
    said = _said(_details(infinite))
    assert said["username"].startswith("字段“username”应为有限的数字")
    responses = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/cases"]["post"]
    described = {code: answer["description"] for code, answer in responses["responses"].items()}
    assert described["413"].startswith("The request") and "body" not in described["413"]
    assert described["422"].startswith("The request is invalid")
    for answer in (deep, nul, infinite):
        assert not re.search("请求体|请求内容|提交的数据|“body”", answer.text), answer.text


def test_an_unknown_field_is_refused_by_name(client: TestClient) -> None:
    body = {"username": "zhangsan", "password": "demo12345", "remember": True}
    said = _said(_details(client.post("/api/v1/auth/login", json=body)))
    assert said == {"remember": "字段“remember”不是可接受的字段，请删去"}


def test_bounds_choices_and_nested_places_are_said_precisely(client: TestClient) -> None:
    body = {
        "kind": "robot",
        "username": "ab",
        "password": "x" * 200,
        "display_name": "张三",
        "id_number": "350102196204180310",
    }
    said = _said(_details(client.post("/api/v1/auth/register", json=body)))
    assert said["kind"].startswith("“类别”应为以下之一：")
    assert "person" in said["kind"] and "enterprise" in said["kind"]
    assert said["username"] == "“用户名”至少 3 个字"
    assert said["password"] == "“密码”最多 128 个字"


def test_list_items_are_named_with_their_index(client: TestClient, as_user: Any) -> None:
    body = {"problems": [{"target": "", "problem": "x"}]}
    response = client.post("/api/v1/tasks/1/correction", json=body, headers=as_user("clerk"))
    said = _said(_details(response))
    assert "problems[0].target" in said


def test_query_and_path_parameters_are_named_as_such(client: TestClient, as_user: Any) -> None:
    response = client.get("/api/v1/ratings", params={"limit": 0}, headers=as_user("scjg"))
    assert _said(_details(response)) == {"limit": "“每页条数”不能小于 1"}
    response = client.get("/api/v1/tasks/first", headers=as_user("scjg"))
    assert _said(_details(response)) == {"task_id": "“任务编号”应为整数"}


def test_the_english_message_is_there_for_english_users(client: TestClient) -> None:
    response = client.post("/api/v1/auth/login", json={}, headers={"Accept-Language": "en"})
    error = response.json()["error"]
    assert error["message"].startswith("The request is invalid: Username is required")


@pytest.mark.parametrize("kind", typing.get_args(ErrorType))
def test_every_pydantic_error_type_has_a_chinese_message(kind: str) -> None:
    problem = {"type": kind, "loc": ("body", "x"), "msg": "Input should be fine", "ctx": {}}
    detail = validation.translated(problem)
    assert CHINESE.search(detail["message_zh"].removeprefix("字段“x”")), detail
    assert "{" not in detail["message_zh"] and "{" not in detail["message_en"], detail
    assert detail["field"] == ("" if kind == "json_invalid" else "x")


def test_an_unknown_address_answers_the_api_with_the_bilingual_body(client: TestClient) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "not_found" and CHINESE.search(error["message"])
    english = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "en"})
    assert english.json()["error"]["message"].startswith("This page or resource does not exist")


def test_a_method_a_route_does_not_take_is_said_with_the_ones_it_does(client: TestClient) -> None:
    response = client.delete("/api/v1/search")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    assert response.json()["error"]["message"] == "此地址不接受 DELETE 请求，只接受 GET。"


def test_a_browser_gets_the_chinese_error_page_with_a_way_home(client: TestClient) -> None:
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "找不到该页面" in response.text and 'href="/"' in response.text
    assert "Not Found" not in response.text


def test_the_error_page_is_english_for_english_users(client: TestClient) -> None:
    response = client.put("/", headers={"Accept": "text/html", "Accept-Language": "en"})
    assert response.status_code == 405
    assert "This address does not take PUT requests" in response.text
    assert 'href="/"' in response.text


def test_a_wrong_format_says_what_to_type_in_words_never_the_expression(
    client: TestClient,
) -> None:
    code = _said(_details(client.post("/api/v1/halls/GL-ZWFW/check-in", json={"code": "12ab56"})))
    assert code == {"code": "“签到码”格式不正确，应为预约时得到的 6 位数字签到码"}


def _patterns(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
        return found + [p for value in node.values() for p in _patterns(value)]
    if isinstance(node, list):
        return [p for value in node for p in _patterns(value)]
    return []


def test_every_pattern_of_the_api_has_words_for_a_mismatch(client: TestClient) -> None:
    """The API's answer quotes no regular expression: each pattern in the document has
    its words (``validation.shaped``)."""
    patterns = set(_patterns(client.app.openapi()))  # type: ignore[attr-defined]
    assert len(patterns) >= 5
    assert {p for p in patterns if validation.shape_of(p) is None} == set()


def test_a_page_names_what_was_typed_in_words_not_the_parameter(client: TestClient) -> None:
    """A person who typed too long a search on the results page is told which box it was."""
    response = client.get(
        "/public/results", params={"q": "查" * 301}, headers={"Accept": "text/html"}
    )
    assert response.status_code == 422
    assert "“查询内容”最多" in response.text
    assert "“q”" not in response.text


def test_every_parameter_and_body_field_has_a_name_people_read(client: TestClient) -> None:
    """Each route's parameters and its body model's fields have a Chinese name (their
    ``title`` or ``web.field_names``): a new one without fails here, not on a user's screen."""
    unnamed: set[str] = set()
    for route in _routes(client.app.routes):  # type: ignore[attr-defined]
        for param in (*get_flat_params(route.dependant), *route.dependant.body_params):
            info = param.field_info
            model = info.annotation
            if isinstance(model, type) and issubclass(model, BaseModel):
                fields = model.model_fields.items()
                unnamed |= {n for n, f in fields if not f.title and n not in FIELD_NAMES}
            elif not info.title and param.alias not in FIELD_NAMES:
                unnamed.add(param.alias)
    assert unnamed == set()


def _routes(routes: list[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # an included router
            yield from _routes(route.original_router.routes)
