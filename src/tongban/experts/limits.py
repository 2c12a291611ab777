"""What a request for an expert panel and an expert's texts may be (专家评审): the field,
the panel's size, its deadline in working days, and the length of a question, an opinion
or a reason for a conflict; each refusal says what to fix, in Chinese and English."""

from __future__ import annotations

from tongban.errors import InvalidInput
from tongban.experts.enums import Field

MAX_SIZE = 9
MAX_WORKING_DAYS = 60
TEXT_MAX = 3000


def checked_text(value: str, *, field: str, zh: str, en: str) -> str:
    """``value`` stripped: InvalidInput naming ``field`` when it is empty or longer than
    ``TEXT_MAX`` characters (``zh``, ``en``: what the text is, in the message)."""
    text = value.strip()
    if not text or len(text) > TEXT_MAX:
        raise InvalidInput(
            f"请填写{zh}（不超过 {TEXT_MAX} 个字）。",
            f"Write the {en} (at most {TEXT_MAX} characters).",
            field=field,
        )
    return text


def check_request(field: str, size: int, working_days: int) -> None:
    """InvalidInput, naming the field to fix, unless ``field`` is a field of expertise, the
    panel has 1 to ``MAX_SIZE`` experts and its deadline 1 to ``MAX_WORKING_DAYS`` working
    days."""
    if field not in set(Field):
        raise InvalidInput("请选择专业领域。", "Choose the field of expertise.", field="field")
    if not 1 <= size <= MAX_SIZE:
        raise InvalidInput(
            f"专家人数须为 1 至 {MAX_SIZE} 人。",
            f"A panel has 1 to {MAX_SIZE} experts.",
            field="size",
        )
    if not 1 <= working_days <= MAX_WORKING_DAYS:
        raise InvalidInput(
            f"评审期限须为 1 至 {MAX_WORKING_DAYS} 个工作日。",
            f"The deadline is 1 to {MAX_WORKING_DAYS} working days away.",
            field="working_days",
        )
