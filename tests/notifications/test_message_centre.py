"""The message centre: every page's header counts the unread messages; the page lists
them in the reader's language with a link to the case; one or all can be marked read,
from the page and through the API."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import API, submitted
from tests.web.support import csrf, sign_in

ITEM = "3501-RS-003"


def _badge(html: str) -> str | None:
    found = re.search(
        r'href="/messages" class="messages-link">消息 <span class="badge count"[^>]*>(\d+)</span>',
        html,
    )
    return found.group(1) if found else None


def test_unread_messages_are_counted_in_the_header_and_read_from_the_page(
    client: TestClient, as_user: Any
) -> None:
    first = submitted(client, as_user("zhangsan"), ITEM)["number"]
    second = submitted(client, as_user("zhangsan"), ITEM)["number"]
    sign_in(client, "zhangsan")
    home = client.get("/").text
    assert _badge(home) == "2"
    page = client.get("/messages").text
    assert _badge(page) == "2"
    assert f"您的申请已收到：{first}" in page and f"您的申请已收到：{second}" in page
    assert "2 条未读消息" in page
    ids = re.findall(
        r'<form method="post" action="/messages/(\d+)/read" class="inline">\s*'
        r'<input type="hidden" name="csrf_token" value="[^"]+">\s*'
        rf'<input type="hidden" name="go" value="/cases/{first}">',
        page,
    )
    assert len(ids) == 1
    # opening the case from the message marks it read and goes to the case
    opened = client.post(
        f"/messages/{ids[0]}/read",
        data={"csrf_token": csrf(page), "go": f"/cases/{first}"},
        follow_redirects=False,
    )
    assert opened.status_code == 303 and opened.headers["location"] == f"/cases/{first}"
    assert _badge(client.get("/").text) == "1"
    page = client.get("/messages").text
    done = client.post("/messages/read-all", data={"csrf_token": csrf(page)})
    assert done.status_code == 200
    assert _badge(done.text) is None and "全部消息已标为已读" in done.text
    assert "没有未读消息" in done.text


def test_the_api_lists_counts_and_marks_messages_read(client: TestClient, as_user: Any) -> None:
    headers = as_user("zhangsan")
    number = submitted(client, headers, ITEM)["number"]
    assert client.get(f"{API}/me/messages/unread-count", headers=headers).json() == {"unread": 1}
    [message] = client.get(f"{API}/me/messages", headers=headers).json()
    assert message["title"] == f"您的申请已收到：{number}"
    assert message["link"] == f"/cases/{number}" and message["read"] is False
    # another user cannot mark it read, and is told no such message, as for a missing one
    other = client.post(f"{API}/me/messages/{message['id']}/read", headers=as_user("lisi"))
    missing = client.post(f"{API}/me/messages/99999/read", headers=headers)
    assert other.status_code == missing.status_code == 404
    assert other.json()["error"]["message"] == f"没有找到消息 {message['id']}。"
    marked = client.post(f"{API}/me/messages/{message['id']}/read", headers=headers)
    assert marked.json() == {"changed": 1, "unread": 0}
    again = client.post(f"{API}/me/messages/{message['id']}/read", headers=headers)
    assert again.json()["changed"] == 0
    assert client.get(f"{API}/me/messages?unread=true", headers=headers).json() == []
    [read] = client.get(f"{API}/me/messages", headers=headers).json()
    assert read["read"] is True


def test_english_readers_get_english_messages(client: TestClient, as_user: Any) -> None:
    headers = as_user("zhangsan")
    bad = client.put(f"{API}/me/message-language", json={"locale": "fr"}, headers=headers)
    assert bad.status_code == 422
    client.put(f"{API}/me/message-language", json={"locale": "en"}, headers=headers)
    number = submitted(client, headers, ITEM)["number"]
    [message] = client.get(f"{API}/me/messages", headers=headers).json()
    assert message["title"] == f"Application received: {number}"


def test_a_message_opens_its_page_in_the_language_chosen_for_messages(
    client: TestClient, as_user: Any
) -> None:
    headers = as_user("zhangsan")
    chosen = client.put(f"{API}/me/message-language", json={"locale": "en"}, headers=headers)
    assert chosen.status_code == 200, chosen.text
    number = submitted(client, headers, ITEM)["number"]
    [message] = client.get(f"{API}/me/messages", headers=headers).json()
    assert message["link"] == f"/cases/{number}?lang=en"
    sign_in(client, "zhangsan")  # a browser reading Chinese pages
    page = client.get("/messages").text
    assert f'<input type="hidden" name="go" value="/cases/{number}?lang=en">' in page
    assert f'<a href="/cases/{number}?lang=en">' in page  # the path in the message's text
    opened = client.get(f"/cases/{number}?lang=en")
    assert '<html lang="en"' in opened.text
