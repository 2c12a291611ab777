"""Questions the catalog does not answer are declined plainly, not answered with the entry
that happens to share a word or a pair of letters with them: markup (an attempt at a page's
code), a greeting; and a matter handled elsewhere is referred whatever else the question
says. Before: "hello" → 高龄津贴发放, "<img …>" → 户外广告, "怎么办理护照签证加急" → plain
"cannot answer". A question about the hall itself ("政务中心几点下班", once declined rather
than answered with 公共场所卫生许可) is answered with its opening hours: test_hall_hours."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tongban.assistant import service
from tongban.assistant.enums import ReplyKind


@pytest.mark.parametrize(
    "question", ["hello", "hi there", "<img src=x onerror=alert(1)>", "<b></b>"]
)
def test_what_the_catalog_does_not_answer_is_declined(db: Session, question: str) -> None:
    reply = service.ask(db, question=question, user=None)
    assert reply.kind == ReplyKind.unanswered, [found.code for found in reply.found]


def test_markup_around_a_question_does_not_hide_it(db: Session) -> None:
    reply = service.ask(db, question="<b>开饭店要办什么证</b>", user=None)
    assert reply.kind == ReplyKind.entries
    assert reply.found[0].code in {"3501-BUNDLE-KCG", "3501-SCJG-002"}  # 我要开餐馆, 食品经营许可


def test_more_words_about_a_matter_handled_elsewhere_still_refer_it(db: Session) -> None:
    for question in ("怎么办理护照签证加急", "护照签证能加急吗"):
        reply = service.ask(db, question=question, user=None)
        assert reply.kind == ReplyKind.elsewhere, question
        assert reply.matter is not None and reply.matter["code"] == "exit_entry_documents"


def test_a_document_asked_for_in_general_words_does_not_decline_the_entry(db: Session) -> None:
    """ "卡证", "证照" name no document in particular: the entry is not declined for lacking
    them (居住证申领 for a newcomer's "卡证")."""
    reply = service.ask(db, question="外地人在福州住要办什么卡证", user=None)
    assert reply.kind == ReplyKind.entries and reply.found[0].code == "3501-GA-004"


def test_the_entry_holding_most_of_the_question_is_offered_among_near_scores(
    db: Session,
) -> None:
    """单位食堂: 食品经营许可 holds 食堂, the question's subject; entries that share only 单位
    score as high and are not offered first."""
    reply = service.ask(db, question="单位食堂要办证吗", user=None)
    assert reply.kind == ReplyKind.entries and reply.found[0].code == "3501-SCJG-002"
