"""Questions about when the service halls are open are answered from halls.yaml: the hall
the question names (by its division), else the hall whose kiosk it is asked at, else every
hall, each with its hours and address. Before: "政务中心几点下班" was declined ("cannot
answer", and kept for the administrators), and "what time does the hall open" offered
whatever item shares "open" with it. Other questions are answered as before."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import API
from tongban.assistant import service
from tongban.assistant.enums import Aspect, ReplyKind
from tongban.assistant.models import UnansweredQuestion

EVERY_HALL = ["FZ-XZFW", "GL-ZWFW"]


@pytest.mark.parametrize(
    ("question", "halls"),
    [
        ("政务中心几点下班", EVERY_HALL),
        ("大厅几点开门", EVERY_HALL),
        ("what time does the hall open", EVERY_HALL),
        ("办事大厅周末上班吗", EVERY_HALL),
        ("鼓楼区政务服务中心几点开门", ["GL-ZWFW"]),
        ("鼓楼政务中心中午休息吗几点上班", ["GL-ZWFW"]),
        ("福州市行政服务中心营业时间", ["FZ-XZFW"]),
    ],
)
def test_a_question_when_a_hall_is_open_names_its_hours(
    db: Session, question: str, halls: list[str]
) -> None:
    reply = service.ask(db, question=question, user=None)
    assert reply.kind == ReplyKind.hours, [found.code for found in reply.found]
    assert [hall["code"] for hall in reply.halls] == halls


def test_at_a_kiosk_the_hall_it_stands_in_answers(db: Session) -> None:
    reply = service.ask(db, question="大厅几点关门", user=None, kiosk="GL-ZWFW")
    assert [hall["code"] for hall in reply.halls] == ["GL-ZWFW"]


@pytest.mark.parametrize(
    ("question", "code"),
    [
        ("what do I need to open a restaurant", "3501-BUNDLE-KCG"),
        ("外地户口在福州上班要办什么", "3501-GA-004"),
    ],
)
def test_a_question_about_a_service_is_answered_as_before(
    db: Session, question: str, code: str
) -> None:
    reply = service.ask(db, question=question, user=None)
    assert reply.kind == ReplyKind.entries and reply.found[0].code == code


def test_the_answer_page_and_the_api_give_the_hours_and_keep_nothing(
    client: TestClient, db: Session
) -> None:
    page = client.get("/ask", params={"q": "政务中心几点下班"}).text
    assert "福州市行政服务中心" in page and "鼓楼区政务服务中心" in page
    assert "开放时间：工作日 09:00–12:00、14:00–17:00" in page
    assert "福州市鼓楼区杨桥中路1号" in page and "答不上来" not in page
    english = client.get("/ask", params={"q": "what time does the hall open", "lang": "en"}).text
    assert "Opening hours: working days 08:30–12:00, 14:30–17:30" in english
    assert "1 Yangqiao Middle Road" in english
    body = client.get(f"{API}/assistant", params={"q": "鼓楼区政务中心几点开门"}).json()
    assert body["kind"] == "hours" and [hall["code"] for hall in body["halls"]] == ["GL-ZWFW"]
    assert body["halls"][0]["hours"][1] == {"opens": "14:30", "closes": "17:30"}
    assert db.scalar(select(func.count()).select_from(UnansweredQuestion)) == 0


@pytest.mark.parametrize(
    "follow_up",
    ["那几点下班", "那里几点开门", "下午几点关门", "營業時間呢", "what time does it close"],
)
def test_a_follow_up_asking_hours_names_the_hours_of_the_hall_that_handles_the_service(
    db: Session, follow_up: str
) -> None:
    """Before: the follow-up got the service's 办理方式 ("那几点下班"), or another service
    ("那里几点开门" offered 3501-SCJG-003, "关门" and "close" the closing of a business)."""
    first = service.ask(db, question="开餐馆要什么材料", user=None)
    reply = service.ask(db, question=follow_up, user=None, about=first.about)
    assert reply.kind == ReplyKind.hours, (reply.kind, [found.code for found in reply.found])
    assert [hall["code"] for hall in reply.halls] == ["FZ-XZFW"]  # its guide's 办理地点
    assert reply.about == "3501-BUNDLE-KCG"  # the next follow-up still asks about it


def test_a_service_handled_outside_the_halls_gives_its_own_place_for_hours(db: Session) -> None:
    """低保 is applied for at the township's service centre, whose hours halls.yaml lacks: the
    guide's place and phone answer, not every hall's hours."""
    first = service.ask(db, question="低保怎么申请", user=None)
    reply = service.ask(db, question="那几点下班", user=None, about=first.about)
    assert reply.kind == ReplyKind.entries and reply.follow_up
    assert reply.aspect == Aspect.place and reply.about == "3501-MZ-001"


def test_hours_asked_without_a_service_before_still_give_every_hall(db: Session) -> None:
    reply = service.ask(db, question="几点下班", user=None)
    assert reply.kind == ReplyKind.hours
    assert [hall["code"] for hall in reply.halls] == EVERY_HALL


def test_the_answer_page_gives_the_hours_of_the_service_asked_about_before(
    client: TestClient,
) -> None:
    page = client.get("/ask", params={"q": "那几点下班", "about": "3501-BUNDLE-KCG"}).text
    assert "开放时间：工作日 09:00–12:00、14:00–17:00" in page
    assert "鼓楼区政务服务中心" not in page and "办理方式" not in page
    assert "我要开餐馆" in page and 'name="about" value="3501-BUNDLE-KCG"' in page
    english = client.get(
        "/ask", params={"q": "那几点下班", "about": "3501-BUNDLE-KCG", "lang": "en"}
    ).text
    assert "Opening hours: working days 09:00–12:00, 14:00–17:00" in english
    assert "is handled at" in english
