"""Rating by the signed link of a text message (短信评价): the SMS that a case is finished
carries a link that opens its rating page without signing in, shows nothing personal, and
records a rating through the SMS channel that goes the way of any other (a bad one is the
department's to rectify); an altered or expired link is refused, saying what to do."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import START, Clock
from tests.factories import API
from tests.notifications.conftest import Deliver, deliver, mail_settings
from tests.ratings.conftest import Finish
from tests.web.support import csrf
from tongban.cases.models import Case
from tongban.outbox.models import OutboxMessage
from tongban.ratings import links
from tongban.ratings.enums import RatingChannel
from tongban.ratings.models import Rating

__all__ = ["deliver"]  # the fixture, shared


def _sms_link(client: TestClient, deliver: Deliver, tmp_path: Path, number: str) -> str:
    """The path of the rating link in the SMS that case ``number`` is finished."""
    secret = client.app.state.runtime.settings.secret_key  # type: ignore[attr-defined]
    settings = mail_settings(1, tmp_path, smtp_host=None, secret_key=secret)
    deliver(START + timedelta(minutes=1), settings)
    texts = [
        json.loads(line)["text"]
        for line in (tmp_path / "sms.jsonl").read_text("utf-8").splitlines()
    ]
    [text] = [t for t in texts if number in t and "/rate/" in t]
    found = re.search(r"https://tongban\.example\.cn(/rate/\S+)", text)
    assert found, text
    return found.group(1)


def test_the_sms_link_rates_the_finished_case_without_signing_in(
    client: TestClient, finish: Finish, deliver: Deliver, tmp_path: Path, as_user: Any, db: Session
) -> None:
    number = finish()
    path = _sms_link(client, deliver, tmp_path, number)
    client.cookies.clear()  # nobody signed in: the phone's browser
    page = client.get(path)
    assert page.status_code == 200, page.text
    assert "失业登记" in page.text and number in page.text
    assert "张三" not in page.text and "350102" not in page.text  # nothing personal
    sent = client.post(
        path,
        data={"score": "2", "tags": ["办理时间长"], "csrf_token": csrf(page.text)},
        follow_redirects=True,
    )
    assert sent.status_code == 200 and "感谢您的评价" in sent.text, sent.text
    assert "部门将在期限内整改" in sent.text
    rated = client.get(f"{API}/cases/{number}/rating", headers=as_user("zhangsan")).json()
    assert (rated["channel"], rated["score"], rated["tags"], rated["bad"]) == (
        "sms",
        2,
        ["办理时间长"],
        True,
    )
    assert rated["rectify_due_at"] is not None  # the department must rectify it
    told = db.scalars(
        select(OutboxMessage.channel).where(OutboxMessage.topic == "bad_rating_received")
    )
    assert "department" in set(told)  # its staff hear of it
    again = client.get(path)
    assert "已经评价过" in again.text and 'name="score"' not in again.text


def test_an_altered_link_is_refused_with_what_to_do(
    client: TestClient, finish: Finish, deliver: Deliver, tmp_path: Path
) -> None:
    number = finish()
    path = _sms_link(client, deliver, tmp_path, number)
    case_id, channel, expires, mac = path.removeprefix("/rate/").split(".")
    client.cookies.clear()
    for forged in (
        f"/rate/{int(case_id) + 1}.{channel}.{expires}.{mac}",  # another case
        f"/rate/{case_id}.{channel}.{int(expires) + 86400}.{mac}",  # a later expiry
        f"/rate/{case_id}.email.{expires}.{mac}",  # another channel
        path[:-3],  # cut short
    ):
        page = client.get(forged)
        assert page.status_code == 403, forged
        assert "评价链接无效" in page.text and "登录后在办件页面评价" in page.text
        assert 'name="score"' not in page.text and number not in page.text
    english = client.get(f"/rate/{case_id}.{channel}.{int(expires) + 1}.{mac}?lang=en")
    assert english.status_code == 403
    assert "This rating link is not valid" in english.text


def test_an_expired_link_is_refused_and_says_when_it_expired(
    client: TestClient, finish: Finish, clock: Clock, db: Session
) -> None:
    number = finish()
    case_id = db.scalar(select(Case.id).where(Case.number == number))
    assert case_id is not None
    secret = client.app.state.runtime.settings.secret_key  # type: ignore[attr-defined]
    token = links.sign(case_id=case_id, channel=RatingChannel.sms, sent_at=START, secret_key=secret)
    client.cookies.clear()
    page = client.get(f"/rate/{token}")
    assert page.status_code == 200 and 'name="score"' in page.text
    clock.now = START + timedelta(days=links.VALID_DAYS, minutes=1)
    expired = client.get(f"/rate/{token}")
    assert expired.status_code == 409
    assert "评价链接已于" in expired.text and "过期" in expired.text
    assert 'name="score"' not in expired.text and number not in expired.text
    posted = client.post(f"/rate/{token}", data={"score": "5", "csrf_token": csrf(page.text)})
    assert posted.status_code == 409 and "过期" in posted.text
    assert db.scalar(select(Rating).where(Rating.case_id == case_id)) is None


def test_the_link_offers_the_national_indicators_and_keeps_them(
    client: TestClient, finish: Finish, deliver: Deliver, tmp_path: Path, as_user: Any
) -> None:
    """The page of the link asks what the case page's form asks: overall satisfaction and
    the national indicators (speed, the guide, convenience, ease of use), stored alike."""
    number = finish()
    path = _sms_link(client, deliver, tmp_path, number)
    client.cookies.clear()
    page = client.get(path)
    for name in ("办事速度", "办事指南准确性", "办事便利度", "操作便捷度"):
        assert name in page.text, name
    sent = client.post(
        path,
        data={
            "score": "4",
            "indicator-speed": "3",
            "indicator-guide": "5",
            "indicator-ease": "",  # 不评: not scored
            "csrf_token": csrf(page.text),
        },
        follow_redirects=True,
    )
    assert sent.status_code == 200 and "感谢您的评价" in sent.text, sent.text
    rated = client.get(f"{API}/cases/{number}/rating", headers=as_user("zhangsan")).json()
    assert rated["indicators"] == {"speed": 3, "guide": 5}
    shown = client.get(f"/cases/{number}", headers=as_user("zhangsan"))
    assert "办事速度" in shown.text and "办事指南准确性" in shown.text
