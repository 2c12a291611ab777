"""Sign-in, sign-out, registration, language choice and CSRF on the pages."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.support import csrf, sign_in


def test_login_sends_applicants_to_their_cases_and_staff_to_the_queue(client: TestClient) -> None:
    page = client.get("/login")
    assert '<label for="username">用户名</label>' in page.text
    token = csrf(page.text)
    response = client.post(
        "/login", data={"username": "zhangsan", "password": "demo12345", "csrf_token": token}
    )
    assert (
        str(response.url).endswith("/my/cases")
        and "我的办件" in response.text
        and "张三" in response.text
    )
    client.cookies.clear()
    sign_in(client, "rs")
    assert "工作台" in client.get("/").text
    client.cookies.clear()
    token = csrf(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": "rs", "password": "demo12345", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/staff"
    assert "httponly" in response.headers["set-cookie"].lower()


def test_login_goes_on_to_next_but_only_on_this_site(client: TestClient) -> None:
    token = csrf(client.get("/login?next=/items/3501-RS-003").text)
    form = {"username": "zhangsan", "password": "demo12345", "csrf_token": token}
    response = client.post(
        "/login", data={**form, "next": "/items/3501-RS-003"}, follow_redirects=False
    )
    assert response.headers["location"] == "/items/3501-RS-003"
    client.cookies.clear()
    token = csrf(client.get("/login").text)
    response = client.post(
        "/login",
        data={**form, "csrf_token": token, "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/my/cases"


def test_wrong_password_shows_the_form_again(client: TestClient) -> None:
    token = csrf(client.get("/login").text)
    response = client.post(
        "/login", data={"username": "zhangsan", "password": "nope", "csrf_token": token}
    )
    assert response.status_code == 401
    assert "用户名或密码不正确" in response.text and 'value="zhangsan"' in response.text


def test_logout_ends_the_session(client: TestClient) -> None:
    sign_in(client, "zhangsan")
    page = client.get("/my/cases")
    response = client.post("/logout", data={"csrf_token": csrf(page.text)})
    assert str(response.url).endswith("/") and 'href="/login"' in response.text
    assert client.get("/my/cases", follow_redirects=False).status_code == 303


def test_post_without_csrf_token_is_refused(client: TestClient) -> None:
    response = client.post("/login", data={"username": "zhangsan", "password": "demo12345"})
    assert response.status_code == 403
    assert "页面已过期或来源不明" in response.text and "返回上一页" in response.text


def _register(client: TestClient, **fields: str):  # type: ignore[no-untyped-def]
    page = client.get("/register")
    assert '<label for="r-id_number">' in page.text
    data = {
        "kind": "person",
        "username": "wangxiao",
        "password": "longenough1",
        "display_name": "王小",
        "id_number": "350102196204180310",
        "phone": "13800000009",
        **fields,
    }
    return client.post("/register", data={**data, "csrf_token": csrf(page.text)})


def test_register_a_person_signs_them_in(client: TestClient) -> None:
    response = _register(client)
    assert response.status_code == 200 and "注册成功" in response.text and "王小" in response.text


def test_register_with_a_bad_id_number_says_so_next_to_it(client: TestClient) -> None:
    response = _register(client, id_number="350102196204180311")
    assert response.status_code == 422
    assert 'id="e-id_number">' in response.text and 'value="王小"' in response.text


def test_register_enterprise_needs_a_credit_code_and_short_password_fails(
    client: TestClient,
) -> None:
    response = _register(client, kind="enterprise")
    assert response.status_code == 422 and "统一社会信用代码" in response.text
    response = _register(client, password="short")
    assert response.status_code == 422 and 'id="e-password"' in response.text
    response = _register(client, username="zhangsan")
    assert response.status_code == 409 and "已被使用" in response.text


def test_language_switch_sets_the_cookie_and_returns(client: TestClient) -> None:
    referer = "http://testserver/items/3501-RS-003?lang=zh_Hans&tab=1"
    response = client.get("/lang/en", headers={"referer": referer}, follow_redirects=False)
    assert response.headers["location"] == "/items/3501-RS-003?tab=1"
    assert "tongban_lang=en" in response.headers["set-cookie"]
    client.cookies.set("tongban_lang", "en")
    assert '<html lang="en">' in client.get("/").text
    assert client.get("/lang/xx", follow_redirects=False).headers["location"] == "/"


def test_every_signed_in_user_finds_the_password_change_in_the_menu(client: TestClient) -> None:
    assert 'href="/account/password"' not in client.get("/").text  # nobody to change it for
    for username, start in [
        ("zhangsan", "/my/cases"),
        ("rs", "/staff"),
        ("supervisor", "/supervision"),
        ("secadmin", "/security"),
        ("auditor", "/audit"),
    ]:
        client.cookies.clear()
        sign_in(client, username)
        assert '<a href="/account/password">修改密码</a>' in client.get(start).text, username
    client.cookies.set("tongban_lang", "en")
    assert '<a href="/account/password">Change password</a>' in client.get("/audit").text


def test_register_names_every_wrong_field_next_to_it(client: TestClient) -> None:
    response = _register(client, id_number="350102196204180311", phone="1380000000")
    assert response.status_code == 422
    assert 'id="e-id_number">' in response.text and 'id="e-phone">' in response.text
    assert "手机号码应为 11 位，实际为 10 位" in response.text and 'value="王小"' in response.text


def test_register_names_a_weak_password_with_the_other_wrong_fields(client: TestClient) -> None:
    response = _register(client, password="12345678", phone="1380000000")
    assert response.status_code == 422
    assert 'id="e-password"' in response.text and 'id="e-phone">' in response.text
