"""Helpers for page tests: sign in through the login form, read CSRF tokens, fill forms."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from tongban.demo.samples import PDF as PDF  # a whole PDF that uploads accept

Files = dict[str, tuple[str, bytes, str]]  # input name → (file name, bytes, type)
SignedIn = Callable[[str], TestClient]  # the ``signed_in`` fixture
ITEM = "3501-RS-003"  # 失业登记: one department, ordinary approval, accept → review
VALID = {
    "applicant_name": "张三",
    "applicant_id_number": "350102196204180310",
    "household_address": "福州市鼓楼区五四路1号",
    "residence_address": "福州市鼓楼区五四路1号",
    "fuzhou_district": "鼓楼区",
    "education": "大学本科",
    "employer_name": "福州示例有限公司",
    "termination_date": "2025-09-01",
    "phone": "13800000001",
}


def csrf(html: str) -> str:
    """The hidden CSRF token of the (first) form on a page."""
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', html)
    assert found, "no csrf_token on the page"
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str = "demo12345") -> None:
    token = csrf(client.get("/login").text)
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )
    assert response.status_code == 200, response.text


def fill_in(client: TestClient, code: str, form: dict[str, str], files: Files):  # type: ignore[no-untyped-def]
    """Post the apply form of ``code``: the review page, or the form again with problems."""
    token = csrf(client.get(f"/apply/{code}").text)
    return client.post(f"/apply/{code}", data={**form, "csrf_token": token}, files=files)


def confirm(client: TestClient, review_html: str):  # type: ignore[no-untyped-def]
    """Press 「确认提交」 on a review page; the response is the receipt."""
    action = found(r'action="(/cases/\d+/submit)"', review_html)
    return client.post(action, data={"csrf_token": csrf(review_html)})


def apply(client: TestClient, code: str, form: dict[str, str], files: Files):  # type: ignore[no-untyped-def]
    """Apply as a person does — fill in, review, confirm, then open the case from the
    receipt — and return the submitted case's page (or the response that stopped the way).
    """
    review = fill_in(client, code, form, files)
    if review.status_code != 200 or "/review" not in str(review.url):
        return review
    receipt = confirm(client, review.text)
    if receipt.status_code != 200:
        return receipt
    return client.get(found(r'href="(/cases/\d+)"', receipt.text))


def found(pattern: str, text: str) -> str:
    """The first group of ``pattern`` in ``text`` (the test fails if it is not there)."""
    match = re.search(pattern, text)
    assert match, f"{pattern!r} not found"
    return match.group(1)


def case_number(html: str) -> str:
    found = re.search(r"/cases/(\d{20,})", html)
    assert found, "no case number on the page"
    return found.group(1)


VOID = {
    "meta",
    "link",
    "input",
    "br",
    "img",
    "hr",
    "area",
    "base",
    "col",
    "embed",
    "source",
    "track",
    "wbr",
}


class _Structure(HTMLParser):
    """Nesting, unique ids, and which controls carry a label."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.problems: list[str] = []
        self.ids: set[str] = set()
        self.labelled: set[str] = set()
        self.controls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            if found["id"] in self.ids:
                self.problems.append(f"duplicate id {found['id']}")
            self.ids.add(str(found["id"]))
        if tag == "label" and found.get("for"):
            self.labelled.add(str(found["for"]))
        hidden = found.get("type") in ("hidden", "submit")
        if tag in ("input", "select", "textarea") and not hidden and "aria-label" not in found:
            self.controls.append(str(found.get("id")))
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> at line {self.getpos()[0]} closes <{self.open[-1:]}>")
            return
        self.open.pop()


def check_structure(html: str) -> None:
    """Tags nest, ids are unique, every label points at something, every control has a label."""
    parser = _Structure()
    parser.feed(html)
    assert not parser.problems and not parser.open, (parser.problems, parser.open)
    assert parser.labelled <= parser.ids, parser.labelled - parser.ids
    unlabelled = [control for control in parser.controls if control not in parser.labelled]
    assert not unlabelled, unlabelled


class _FieldMessages(HTMLParser):
    """The texts of elements by id, and the controls marked invalid with what describes them."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: dict[str, str] = {}
        self.reading: list[str | None] = []
        self.invalid: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("input", "select", "textarea") and found.get("aria-invalid") == "true":
            described = str(found.get("aria-describedby") or "").split()
            self.invalid.setdefault(str(found.get("name")), described)
        if tag not in VOID:
            self.reading.append(found.get("id"))
            if found.get("id"):
                self.texts[str(found["id"])] = ""

    def handle_data(self, data: str) -> None:
        for opened in filter(None, self.reading):
            self.texts[opened] += data

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self.reading:
            self.reading.pop()


def field_messages(html: str) -> dict[str, str]:
    """Each input marked invalid (aria-invalid) by name → the text of what its
    aria-describedby points at: the message a screen reader reads at that field."""
    parser = _FieldMessages()
    parser.feed(html)
    return {
        name: " ".join(parser.texts.get(i, "").strip() for i in described).strip()
        for name, described in parser.invalid.items()
    }


class _PostedForm(HTMLParser):
    """One form of a page (by its action): the values it would post, whether a closed
    ``<details>`` hides it, and the texts of its alerts."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.details: list[bool] = []  # open or not, of each <details> around
        self.depth = 0  # the <form>'s nesting while inside it, 0 outside
        self.found = False
        self.hidden = False
        self.values: dict[str, list[str]] = {}
        self.alerts: list[str] = []
        self.reading: list[str] = []  # "textarea:<name>", "alert", or "" per open tag inside

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "details":
            self.details.append("open" in found)
        if tag == "form" and found.get("action") == self.action:
            self.found, self.depth = True, 1
            self.hidden = not all(self.details)
            return
        if not self.depth:
            return
        name = str(found.get("name") or "")
        kind = found.get("type")
        if tag == "input" and (kind not in ("checkbox", "radio") or "checked" in found):
            self.values.setdefault(name, []).append(str(found.get("value") or ""))
        if tag in VOID:
            return
        self.depth += tag == "form"
        if tag == "textarea":
            self.values.setdefault(name, []).append("")
        self.reading.append(
            f"textarea:{name}"
            if tag == "textarea"
            else "alert"
            if found.get("role") == "alert"
            else ""
        )
        if found.get("role") == "alert":
            self.alerts.append("")

    def handle_data(self, data: str) -> None:
        if self.depth and self.reading and self.reading[-1].startswith("textarea:"):
            self.values[self.reading[-1][9:]][-1] += data
        if self.depth and "alert" in self.reading:
            self.alerts[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "details" and self.details:
            self.details.pop()
        if not self.depth or tag in VOID:
            return
        if tag == "form":
            self.depth -= 1
            if not self.depth:
                return
        if self.reading:
            self.reading.pop()


@dataclass(frozen=True)
class PostedForm:
    """``values``: what the form would post, by name (checked boxes and radios only);
    ``hidden``: inside a closed ``<details>``; ``alerts``: its texts with role="alert";
    ``messages``: its inputs marked invalid → the message read at each (``field_messages``)."""

    values: dict[str, list[str]]
    hidden: bool
    alerts: list[str]
    messages: dict[str, str]


def posted_form(html: str, action: str) -> PostedForm:
    """The form of ``html`` that posts to ``action`` (the test fails if there is none)."""
    parser = _PostedForm(action)
    parser.feed(html)
    assert parser.found, f"no form posting to {action}"
    start = html.index(f'action="{action}"')
    piece = html[html.rindex("<form", 0, start) : html.index("</form>", start)]
    alerts = [" ".join(text.split()) for text in parser.alerts]
    return PostedForm(parser.values, parser.hidden, alerts, field_messages(piece))
