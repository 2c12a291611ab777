"""A question typed in pinyin (a kiosk's keyboard has no input method) is answered, and
read back in the catalog's Chinese words, which the asker may ask in with one tap."""

from __future__ import annotations

import html

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tongban.assistant import service
from tongban.assistant.enums import ReplyKind


@pytest.mark.parametrize(
    ("typed", "read", "answer"),
    [
        ("kaifandian", "开饭店", "3501-BUNDLE-KCG"),
        ("zhuxiao gongsi", "注销公司", "3501-BUNDLE-QYZX"),
        ("wo yao kai fandian", "开饭店", "3501-BUNDLE-KCG"),
        ("YingYe ZhiZhao", "营业执照", "3501-SCJG-001"),
    ],
)
def test_pinyin_is_answered_and_read_in_the_catalogs_words(
    db: Session, typed: str, read: str, answer: str
) -> None:
    reply = service.ask(db, question=typed, user=None)
    assert reply.kind == ReplyKind.entries and answer in [found.code for found in reply.found]
    assert service.read_pinyin(db, question=typed) == read


@pytest.mark.parametrize("typed", ["开饭店", "register a company", "sydj", "huankou"])
def test_what_is_not_pinyin_or_reads_too_little_is_not_read(db: Session, typed: str) -> None:
    """Characters, English and initials are no pinyin to read; "huankou" (a slip of
    hukou) would read only 换."""
    service.ask(db, question=typed, user=None)
    assert service.read_pinyin(db, question=typed) == ""


def test_the_answer_page_and_the_candidate_bar_show_the_characters(client: TestClient) -> None:
    page = html.unescape(client.get("/ask", params={"q": "zhuxiao gongsi"}).text)
    assert "拼音理解为：" in page and 'href="/ask?q=%E6%B3%A8%E9%94%80%E5%85%AC%E5%8F%B8"' in page
    assert "企业注销" in page
    bar = client.get("/ask/pinyin", params={"q": "kaifandian"}).text
    assert 'name="common" value="开饭店"' in bar
    assert "拼音对应的汉字" not in client.get("/ask/pinyin", params={"q": "开饭店"}).text
