"""Everyday questions a fresh trial (session 17) asked that the assistant answered wrongly:
any "我要…" it did not know got 我要开餐馆 (the bundle's name begins with 我要); one shared
character pair or word (上网, 工作) sent people to a matter handled elsewhere; a time
limit or a place asked with 批下来 or 办到哪 was read as "where is my case"; and a
follow-up about anything but the five parts (online, in person, by post, by an agent, at
the weekend; any part typed in pinyin, as the kiosk's keyboard types) lost the entry."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tongban.assistant import service
from tongban.assistant.enums import Aspect, ReplyKind


@pytest.mark.parametrize("question", ["我要投诉", "我要退款", "我要咨询", "我要办证"])
def test_an_unknown_wish_is_not_answered_with_the_restaurant_bundle(
    db: Session, question: str
) -> None:
    reply = service.ask(db, question=question, user=None)
    assert reply.kind == ReplyKind.unanswered and not reply.found


def test_a_complaint_is_offered_the_complaint_form(client: TestClient) -> None:
    page = client.get("/ask", params={"q": "我要投诉"}).text
    assert "这个问题我还答不上来" in page and 'href="/my/complaints"' in page


def test_a_shared_pair_or_word_does_not_send_people_elsewhere(db: Session) -> None:
    for question in ("网上怎么申请", "上网办理", "可以网上办吗", "开个工作室", "工作", "cailiao"):
        reply = service.ask(db, question=question, user=None)
        assert reply.kind != ReplyKind.elsewhere, (question, reply.matter)
    # a matter named in full, in pinyin or with a homophone is still pointed to
    for question in ("开网吧", "banhuzhao", "护照过期了怎么办", "外国人来华工作许可"):
        assert service.ask(db, question=question, user=None).kind == ReplyKind.elsewhere


@pytest.mark.parametrize(
    ("question", "aspect"),
    [
        ("食品经营许可批下来要多久", Aspect.time_limit),
        ("营业执照多久能批下来", Aspect.time_limit),
        ("开饭店审批到底要多久", Aspect.time_limit),
        ("营业执照办到哪个部门", Aspect.place),
    ],
)
def test_a_time_limit_or_place_question_is_not_read_as_ones_own_case(
    db: Session, question: str, aspect: Aspect
) -> None:
    reply = service.ask(db, question=question, user=None)
    assert reply.kind == ReplyKind.entries and reply.aspect == aspect
    # the asker's own case still, when they say it is theirs
    assert service.ask(db, question="我的营业执照办到哪了", user=None).kind == ReplyKind.sign_in


@pytest.mark.parametrize(
    ("question", "aspect"),
    [
        ("办理需要多少个工作日", Aspect.time_limit),
        ("多少个工作日能办完", Aspect.time_limit),
        ("how long does it take", Aspect.time_limit),
        ("可以网上办吗", Aspect.channels),
        ("要本人去吗", Aspect.channels),
        ("能邮寄吗", Aspect.channels),
        ("能代办吗", Aspect.channels),
        ("周末能办吗", Aspect.channels),
        ("can I apply online", Aspect.channels),
        ("cailiao", Aspect.materials),
        ("na yao dai shen me cai liao", Aspect.materials),
        ("duoshaoqian", Aspect.fees),
        ("duo jiu", Aspect.time_limit),
        ("zai na li ban", Aspect.place),
    ],
)
def test_a_follow_up_on_any_part_in_any_writing_keeps_the_entry(
    db: Session, question: str, aspect: Aspect
) -> None:
    reply = service.ask(db, question=question, user=None, about="3501-SCJG-006")
    assert reply.follow_up and reply.aspect == aspect
    assert [found.code for found in reply.found] == ["3501-SCJG-006"]
