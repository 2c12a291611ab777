"""Work typed into a form outlives the sign-in: an expired session does not throw away what
was posted, signing in again keeps the open pages of the same browser usable, and typing
alone (no upload) is enough to get a draft by autosave.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete
from sqlalchemy.orm import Session

from tests.web.support import ITEM, VALID, SignedIn, csrf, found, sign_in
from tongban.accounts.models import SignInSession, User
from tongban.cases.models import Case

TYPED = {"applicant_name": "张三", "residence_address": "福州市台江区八一七中路99号"}


class _Form(HTMLParser):
    """The named inputs of the form posting to ``action``, as a browser would send them."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.fields = action, False, []  # type: ignore[var-annotated]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found_attrs = dict(attrs)
        if tag == "form":
            self.inside = found_attrs.get("action") == self.action
        elif self.inside and tag == "input" and found_attrs.get("name"):
            kind = found_attrs.get("type")
            self.fields += (
                [] if kind in ("submit", "checkbox", "file") else [self._pair(found_attrs)]
            )

    @staticmethod
    def _pair(attrs: dict[str, str | None]) -> tuple[str, str]:
        return str(attrs["name"]), attrs.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def form_fields(html: str, action: str) -> list[tuple[str, str]]:
    parser = _Form(action)
    parser.feed(html)
    assert parser.fields, f"no form posting to {action}"
    return parser.fields


def as_data(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Form fields as httpx posts them, repeated names included."""
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


def _expire(db: Session, username: str) -> None:
    """The sign-in ends on the server (as when its hours run out)."""
    user_id = db.query(User.id).filter(User.username == username).scalar()
    db.execute(delete(SignInSession).where(SignInSession.user_id == user_id))
    db.commit()


def _draft(client: TestClient) -> tuple[str, str]:
    """A saved draft of ITEM: its number and the token of its open edit page."""
    token = csrf(client.get(f"/apply/{ITEM}").text)
    saved = client.post(
        f"/apply/{ITEM}", data={"applicant_name": "张三", "intent": "save", "csrf_token": token}
    )
    number = found(r"/cases/(\d+)/edit", str(saved.url))
    return number, csrf(client.get(f"/cases/{number}/edit").text)


def _answers(db: Session, number: str) -> dict[str, object]:
    db.expire_all()
    case = db.query(Case).filter(Case.number == number).one()
    return dict(case.form_data)


@pytest.mark.parametrize("ended", ["on the server", "in the browser"])
def test_saving_after_the_session_ended_asks_to_sign_in_and_keeps_what_was_typed(
    signed_in: SignedIn, db: Session, ended: str
) -> None:
    client = signed_in("zhangsan")
    number, token = _draft(client)
    if ended == "on the server":
        _expire(db, "zhangsan")
    else:  # the cookie's max-age ran out with the session
        client.cookies.delete("tongban_session")

    posted = client.post(
        f"/cases/{number}/edit", data={**TYPED, "intent": "save", "csrf_token": token}
    )
    assert posted.status_code == 401
    assert 'action="/login"' in posted.text and "登录已过期" in posted.text
    login = dict(form_fields(posted.text, "/login"))
    assert TYPED["residence_address"] in login["carry"]  # nothing typed is dropped

    again = client.post("/login", data={**login, "username": "zhangsan", "password": "demo12345"})
    assert again.status_code == 200
    assert "继续保存" in again.text
    resend = form_fields(again.text, f"/cases/{number}/edit")
    assert ("residence_address", TYPED["residence_address"]) in resend

    saved = client.post(f"/cases/{number}/edit", data=as_data(resend))
    assert str(saved.url).endswith(f"/cases/{number}/edit?done=saved")
    assert TYPED["residence_address"] in saved.text
    assert _answers(db, number)["residence_address"] == TYPED["residence_address"]


def test_a_new_application_posted_after_the_session_ended_becomes_a_draft_after_sign_in(
    signed_in: SignedIn, db: Session
) -> None:
    client = signed_in("zhangsan")
    token = csrf(client.get(f"/apply/{ITEM}").text)
    _expire(db, "zhangsan")
    posted = client.post(f"/apply/{ITEM}", data={**VALID, "intent": "save", "csrf_token": token})
    assert posted.status_code == 401
    login = dict(form_fields(posted.text, "/login"))
    again = client.post("/login", data={**login, "username": "zhangsan", "password": "demo12345"})
    saved = client.post(f"/apply/{ITEM}", data=as_data(form_fields(again.text, f"/apply/{ITEM}")))
    number = found(r"/cases/(\d+)/edit\?done=saved", str(saved.url))
    assert _answers(db, number)["phone"] == VALID["phone"]


def test_a_page_opened_before_signing_in_again_still_saves(
    signed_in: SignedIn, db: Session
) -> None:
    client = signed_in("zhangsan")
    number, token = _draft(client)
    _expire(db, "zhangsan")
    sign_in(client, "zhangsan")  # in another tab of the same browser

    saved = client.post(
        f"/cases/{number}/edit", data={**TYPED, "intent": "save", "csrf_token": token}
    )
    assert saved.status_code == 200 and str(saved.url).endswith("?done=saved")
    assert _answers(db, number)["residence_address"] == TYPED["residence_address"]


def test_forms_of_another_browser_or_person_are_still_refused(
    signed_in: SignedIn, client: TestClient, db: Session
) -> None:
    number, token = _draft(signed_in("zhangsan"))
    unknown = client.post(f"/cases/{number}/edit", data={**TYPED, "csrf_token": "0" * 32})
    assert unknown.status_code == 403 and "页面已过期" in unknown.text
    missing = client.post(f"/cases/{number}/edit", data=TYPED)
    assert missing.status_code == 403

    sign_in(client, "lisi")  # someone else signs in at this browser: zhangsan's pages expire
    other = client.post(f"/cases/{number}/edit", data={**TYPED, "csrf_token": token})
    assert other.status_code == 403

    signed_in("zhangsan")  # a fresh browser: the token of the old one is worth nothing
    stale = client.post(f"/cases/{number}/edit", data={**TYPED, "csrf_token": token})
    assert stale.status_code == 403
    assert "residence_address" not in _answers(db, number)


def test_a_forged_post_after_the_session_ended_carries_nothing_to_the_sign_in(
    signed_in: SignedIn, db: Session
) -> None:
    client = signed_in("zhangsan")
    number, _ = _draft(client)
    _expire(db, "zhangsan")
    forged = client.post(f"/cases/{number}/edit", data={**TYPED, "csrf_token": "0" * 32})
    assert forged.status_code == 403
    assert TYPED["residence_address"] not in forged.text


def test_signing_out_ends_the_pages_of_this_browser(signed_in: SignedIn) -> None:
    client = signed_in("zhangsan")
    number, token = _draft(client)
    client.post("/logout", data={"csrf_token": token})
    sign_in(client, "zhangsan")
    stale = client.post(f"/cases/{number}/edit", data={**TYPED, "csrf_token": token})
    assert stale.status_code == 403


def test_autosave_of_a_new_application_creates_the_draft(signed_in: SignedIn, db: Session) -> None:
    client = signed_in("zhangsan")
    page = client.get(f"/apply/{ITEM}").text
    assert f'data-autosave="/apply/{ITEM}/autosave"' in page
    answer = client.post(f"/apply/{ITEM}/autosave", data={**TYPED, "csrf_token": csrf(page)})
    assert answer.status_code == 200
    body = answer.json()
    number = body["number"]
    assert body["edit"] == f"/cases/{number}/edit"
    assert body["autosave"] == f"/cases/{number}/autosave"
    assert body["message"].startswith("已自动保存 ")
    assert _answers(db, number) == TYPED
    assert number in client.get("/my/cases").text

    more = client.post(
        f"/cases/{number}/autosave",
        data={**TYPED, "phone": "13800000001", "intent": "submit", "csrf_token": csrf(page)},
    )
    assert more.status_code == 200 and more.json()["number"] == number
    assert _answers(db, number)["phone"] == "13800000001"
    case_page = client.get(f"/cases/{number}", follow_redirects=False)
    assert case_page.status_code == 200 and "草稿" in case_page.text  # never submitted


def test_autosave_after_the_session_ended_tells_the_script(
    signed_in: SignedIn, db: Session
) -> None:
    client = signed_in("zhangsan")
    number, token = _draft(client)
    _expire(db, "zhangsan")
    answer = client.post(
        f"/cases/{number}/autosave",
        data={**TYPED, "csrf_token": token},
        headers={
            "X-Requested-With": "XMLHttpRequest",
            "Referer": f"http://testserver/cases/{number}/edit",
        },
    )
    assert answer.status_code == 401
    error = answer.json()["error"]
    assert error["code"] == "not_signed_in"
    assert error["login"] == f"/login?next=%2Fcases%2F{number}%2Fedit"
    sign_in(client, "zhangsan")
    answer = client.post(f"/cases/{number}/autosave", data={**TYPED, "csrf_token": token})
    assert answer.status_code == 200
    assert _answers(db, number)["residence_address"] == TYPED["residence_address"]


def test_an_htmx_form_posted_after_the_session_ended_shows_the_sign_in_with_it(
    signed_in: SignedIn, db: Session
) -> None:
    client = signed_in("zhangsan")
    number, token = _draft(client)
    _expire(db, "zhangsan")
    form = {"score": "1", "comment": "办理太慢，材料要求反复变化", "csrf_token": token}
    answer = client.post(f"/cases/{number}/rating", data=form, headers={"HX-Request": "true"})
    assert answer.status_code == 200  # htmx swaps only 2xx
    assert answer.headers["HX-Retarget"] == "body"
    login = dict(form_fields(answer.text, "/login"))
    assert "办理太慢" in login["carry"] and login["carry_to"] == f"/cases/{number}/rating"
