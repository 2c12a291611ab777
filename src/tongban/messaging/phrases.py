"""常用语: the message templates staff pick from and edit before sending. Placeholders
``{number}`` (the case number), ``{title}`` (the case title) and ``{department}`` (the
writing department's name) are filled in; the text stays editable."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Phrase:
    code: str
    label_zh: str
    label_en: str
    text_zh: str
    text_en: str


PHRASES: tuple[Phrase, ...] = (
    Phrase(
        "received",
        "已收到，正在办理",
        "Received, in progress",
        "您好，您的办件 {number}（{title}）我们已收到，正在办理，办理结果将及时告知您。",
        "Hello, we have your case {number} ({title}) and are working on it; we will tell "
        "you the result as soon as it is decided.",
    ),
    Phrase(
        "clarify",
        "请补充说明",
        "Please explain",
        "您好，关于办件 {number}（{title}），请补充说明以下情况：",
        "Hello, about your case {number} ({title}), please tell us more about the following:",
    ),
    Phrase(
        "original",
        "请携带原件核验",
        "Bring the original",
        "您好，办件 {number} 需要核验以下材料的原件，请于工作日到{department}窗口出示：",
        "Hello, case {number} needs the original of the following material checked; show it "
        "at the {department} window on a working day:",
    ),
    Phrase(
        "answered",
        "问题已答复",
        "Question answered",
        "您好，您关于办件 {number} 的问题答复如下：",
        "Hello, the answer to your question about case {number}:",
    ),
)
BY_CODE = {phrase.code: phrase for phrase in PHRASES}


def fill(code: str, *, locale: str, number: str, title: str, department: str) -> str:
    """The text of phrase ``code`` in ``locale`` with the case filled in ("" if unknown)."""
    phrase = BY_CODE.get(code)
    if phrase is None:
        return ""
    text = phrase.text_en if locale == "en" else phrase.text_zh
    return text.format(number=number, title=title, department=department)
