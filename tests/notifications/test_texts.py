"""Every topic the outbox can produce has its texts in Chinese and English, and they render."""

from __future__ import annotations

import pytest

from tongban.notifications import texts
from tongban.outbox.service import APPLICANT_TOPICS, DEPARTMENT_TOPICS, REGISTER_SMS_TOPICS

TOPICS = sorted(
    set(APPLICANT_TOPICS.values())
    | {t for t, _ in DEPARTMENT_TOPICS.values()}
    | set(REGISTER_SMS_TOPICS.values())
    | texts.topics()
)


# messages about something that is not (yet) a case: a 免申即享 offer before it is accepted
WITHOUT_CASE = {
    "benefit_offered",
    "benefit_offered_sms",  # to someone with no account
    "complaint_answered",
    "complaint_routed",
}  # 12345: a case or none


@pytest.mark.parametrize("topic", TOPICS)
@pytest.mark.parametrize("locale", ["zh_Hans", "en"])
def test_every_topic_has_texts_in_both_languages(topic: str, locale: str) -> None:
    assert locale in texts.catalog()[topic], f"{topic} has no {locale} text"
    written = texts.render(
        topic,
        locale,
        {
            "name": "张三",
            "number": "350100202509220000001",
            "case_title": "失业登记",
            "opinion": "材料齐全。",
            "deadlines": [
                {"kind": "legal", "due_label": "2025-10-20", "previous_label": "2025-10-17"}
            ],
            "score_name": "不满意",
            "due_label": "2025-09-23 09:00",
            "link": "https://tongban.example.cn/cases/350100202509220000001",
            "outcome": "upheld",
        },
    )
    if topic not in WITHOUT_CASE:
        assert "350100202509220000001" in written.title
    assert written.body and "{{" not in written.body
    chinese = any("\u4e00" <= ch <= "\u9fff" for ch in written.title)
    assert chinese == (locale == "zh_Hans") or "张三" in written.title
    for sentence in (written.title, *written.body.split("\n")[1:2]):  # after "Dear 张三,"
        assert not sentence[:1].islower(), f"{topic}: {sentence!r} starts in lower case"


@pytest.mark.parametrize("topic", ["deficiency_notice", "deficiency_reminder"])
def test_deficiency_messages_name_the_materials_and_their_deadline(topic: str) -> None:
    """容缺: the messages say which materials are awaited and by when (the opinion, which
    they showed alone, is usually empty)."""
    context = {"materials": ["场地证明"], "due_label": "2025-11-10"}
    zh = texts.render(topic, "zh_Hans", context).body
    en = texts.render(topic, "en", context).body
    assert "场地证明" in zh and "2025-11-10" in zh
    assert "场地证明" in en and "2025-11-10" in en


@pytest.mark.parametrize("topic", ["limit_warning", "limit_overdue", "limit_escalated"])
@pytest.mark.parametrize(
    ("what", "zh", "en"),
    [
        ("promised", "承诺期限", "promised limit"),
        ("review", "审查", "Review"),
        ("rating", "差评整改", "rectification"),
        ("acceptance", "受理期限", "acceptance decision"),
        ("legal", "法定期限", "legal limit"),
        ("inspection", "现场踏勘时限", "on-site inspection"),
    ],
)
def test_staff_alerts_name_what_is_due_as_the_workbench_does(
    topic: str, what: str, zh: str, en: str
) -> None:
    """电子监察 messages name the limit (承诺期限, 审查, 差评整改), never its code."""
    context = {"number": "350100202509220000001", "alert": {"what": what, "due_label": "x"}}
    written = {locale: texts.render(topic, locale, context) for locale in ("zh_Hans", "en")}
    for text in (written["zh_Hans"].body, written["zh_Hans"].sms or ""):
        assert zh in text and what not in text
    assert en in written["en"].body and f"\n{what} " not in written["en"].body
