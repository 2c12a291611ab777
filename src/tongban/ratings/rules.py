"""The rules of a rating, as pure functions: which scores exist, what is a bad rating,
what a comment or a rectification must look like, and how urgent an open one is.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from tongban.accounts.models import User
from tongban.cases.core import access
from tongban.cases.enums import CaseState
from tongban.config import get_settings
from tongban.errors import InvalidInput, NotAllowed
from tongban.ratings.models import Rating
from tongban.ratings.tags import packaged

SCORES = (5, 4, 3, 2, 1)
SCORE_NAMES_ZH = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
SCORE_NAMES_EN = {
    5: "very satisfied",
    4: "satisfied",
    3: "fairly satisfied",
    2: "dissatisfied",
    1: "very dissatisfied",
}
# 一事多评: a case is rated at receipt, at acceptance and at completion: this platform's
# rule within the national 好差评 rules (国办发〔2019〕51号: 现场服务"一次一评", 网上服务
# "一事一评"), which name no such stages
STAGES = ("receipt", "acceptance", "completion")
STAGE_NAMES_ZH = {"receipt": "收件", "acceptance": "受理", "completion": "办结"}
STAGE_NAMES_EN = {"receipt": "receipt", "acceptance": "acceptance", "completion": "completion"}
# the indicators besides overall satisfaction (``score``), each 1–5, after the national
# 好差评 evaluation content (办事效率, 办事指南, 办事便捷度, 平台操作性: ``tags.yaml``)
INDICATORS = ("speed", "guide", "convenience", "ease")
INDICATOR_NAMES_ZH = {
    "speed": "办事速度",
    "guide": "办事指南准确性",
    "convenience": "办事便利度",
    "ease": "操作便捷度",
}
INDICATOR_NAMES_EN = {
    "speed": "speed",
    "guide": "accuracy of the guide",
    "convenience": "convenience",
    "ease": "ease of use",
}
# reason tags: what was good, what went wrong, and the stages each is offered at (data)
_TAGS = packaged(STAGES)
GOOD_TAGS, BAD_TAGS = _TAGS.good, _TAGS.bad
TAGS = GOOD_TAGS + BAD_TAGS
TAG_NAMES_EN = _TAGS.names_en
STAGE_TAGS = _TAGS.by_stage
BAD_AT_MOST = 2  # 差评: 不满意 or 非常不满意
GOOD_AT_LEAST = 4  # counted in the satisfaction rate (好评率)
COMMENT_MAX = 500
RECTIFICATION_MAX = 2000
# a case can be rated once it is finished: done, refused or not accepted; not withdrawn
RATEABLE_STATES = frozenset({CaseState.completed, CaseState.refused, CaseState.rejected})
# control characters (line breaks and tabs aside) and halves of surrogate pairs: no one
# types them, PostgreSQL text cannot hold NUL, and no database stores a lone surrogate
UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _check_printable(text: str, *, field: str, what_zh: str, what_en: str) -> None:
    if UNPRINTABLE.search(text):
        raise InvalidInput(
            f"{what_zh}含有无法显示的控制字符，请删除后重试。",
            f"The {what_en} contains control characters that cannot be shown; remove them.",
            field=field,
        )


def is_bad(score: int) -> bool:
    return score <= BAD_AT_MOST


def satisfaction_rate(*, good: int | float, rated: int | float) -> float | None:
    """好评率, the one rule every page and export uses: the ratings scoring ``GOOD_AT_LEAST``
    or more out of the ratings counted (a rating whose department's appeal was upheld is
    not counted: ``figures.counted``); None without any."""
    return round(good / rated, 3) if rated else None


def rectification_rate(*, rectified: int | float, bad: int | float) -> float | None:
    """差评整改率, the one rule every page and export uses: bad ratings rectified out of the
    bad ratings counted; None without any."""
    return round(rectified / bad, 3) if bad else None


def check_rating(
    score: object, comment: str | None, tags: list[str] | None = None
) -> tuple[int, str | None]:
    """The score and the trimmed comment (None when empty), or InvalidInput saying what to
    fix. A bad rating says what went wrong: a comment, or a reason tag of ``BAD_TAGS`` (the
    window's pad offers tags to tap, as the national rules' 差评 reasons)."""
    if isinstance(score, bool) or not isinstance(score, int) or score not in SCORE_NAMES_ZH:
        raise InvalidInput(
            "请选择 1 到 5 分的满意度：5 非常满意，4 满意，3 基本满意，2 不满意，1 非常不满意。",
            "Choose a score from 1 to 5: 5 very satisfied … 1 very dissatisfied.",
            field="score",
        )
    text = (comment or "").strip() or None
    if text is None and is_bad(score) and not set(tags or ()) & set(BAD_TAGS):
        raise InvalidInput(
            "选择“不满意”或“非常不满意”时，请选择差评原因或写明哪里做得不好，以便部门整改。",
            "A score of 2 or less needs a reason: choose what went wrong or write a comment, "
            "so it can be put right.",
            field="comment",
        )
    if text is not None and len(text) > COMMENT_MAX:
        raise InvalidInput(
            f"评价意见最多 {COMMENT_MAX} 字，当前 {len(text)} 字。",
            f"The comment can be at most {COMMENT_MAX} characters; it has {len(text)}.",
            field="comment",
        )
    if text is not None:
        _check_printable(text, field="comment", what_zh="评价意见", what_en="comment")
    return score, text


def stage_name(stage: str, locale: str | None) -> str:
    """The name a page shows for a rated stage (收件, 受理, 办结; Receipt … in English)."""
    if locale == "en":
        return STAGE_NAMES_EN.get(stage, stage).capitalize()
    return STAGE_NAMES_ZH.get(stage, stage)


def tag_name(tag: str, locale: str | None) -> str:
    """The name a page or the API shows for a reason tag (办理时间长; Took too long in English)."""
    return TAG_NAMES_EN.get(tag, tag) if locale == "en" else tag


def tags_of_stage(stage: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The good and the bad reason tags offered when rating ``stage`` (``STAGE_TAGS``)."""
    offered = STAGE_TAGS[stage]
    return (
        tuple(tag for tag in GOOD_TAGS if tag in offered),
        tuple(tag for tag in BAD_TAGS if tag in offered),
    )


def check_stage(stage: str) -> str:
    if stage not in STAGES:
        raise InvalidInput(
            "评价环节只能是收件、受理或办结。",
            "The stage rated is receipt, acceptance or completion.",
            field="stage",
        )
    return stage


def check_tags(tags: list[str], score: int, stage: str) -> list[str]:
    """Known reason tags offered for the stage (``STAGE_TAGS``) that fit the level, each
    once, in the order given: a bad rating (``BAD_AT_MOST`` or less) takes what went
    wrong (``BAD_TAGS``), a good one (``GOOD_AT_LEAST`` or more) what was good
    (``GOOD_TAGS``), 基本满意 either. InvalidInput ``tags`` otherwise."""
    unknown = [tag for tag in tags if tag not in TAGS]
    if unknown:
        raise InvalidInput(
            f"没有评价标签“{unknown[0]}”，请从列出的标签中选择。",
            f"There is no tag {unknown[0]!r}; choose from the tags listed.",
            field="tags",
        )
    foreign = [tag for tag in tags if tag not in STAGE_TAGS[stage]]
    if foreign:
        raise InvalidInput(
            f"评价{STAGE_NAMES_ZH[stage]}环节时不能选择“{foreign[0]}”，请去掉该标签。",
            f"{tag_name(foreign[0], 'en')!r} is not a tag for rating the "
            f"{STAGE_NAMES_EN[stage]} stage; remove it.",
            field="tags",
        )
    unfit = [
        tag
        for tag in tags
        if (is_bad(score) and tag in GOOD_TAGS) or (score >= GOOD_AT_LEAST and tag in BAD_TAGS)
    ]
    if unfit:
        raise InvalidInput(
            f"评价标签“{unfit[0]}”与所选满意度不符，请去掉该标签或改选满意度。",
            f"The tag {tag_name(unfit[0], 'en')!r} does not fit the level chosen; remove it or change the level.",
            field="tags",
        )
    return list(dict.fromkeys(tags))


def check_indicators(indicators: dict[str, int]) -> dict[str, int]:
    """The indicators the applicant scored, each 1–5; none is required."""
    for name, value in indicators.items():
        if name not in INDICATORS:
            raise InvalidInput(
                f"没有评价指标“{name}”。", f"There is no indicator {name!r}.", field="indicators"
            )
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCORE_NAMES_ZH:
            raise InvalidInput(
                f"“{INDICATOR_NAMES_ZH[name]}”请打 1 到 5 分。",
                f"Score {INDICATOR_NAMES_EN[name]} from 1 to 5.",
                field=f"indicators.{name}",
            )
    return dict(indicators)


def check_text(text: str | None, *, field: str, what_zh: str, what_en: str) -> str:
    """A required free text (call-back note, appeal reason, decision), trimmed."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise InvalidInput(f"请填写{what_zh}。", f"Write the {what_en}.", field=field)
    if len(cleaned) > RECTIFICATION_MAX:
        raise InvalidInput(
            f"{what_zh}最多 {RECTIFICATION_MAX} 字，当前 {len(cleaned)} 字。",
            f"The {what_en} can be at most {RECTIFICATION_MAX} characters; it has {len(cleaned)}.",
            field=field,
        )
    _check_printable(cleaned, field=field, what_zh=what_zh, what_en=what_en)
    return cleaned


def check_rectification(text: str | None) -> str:
    """The trimmed rectification text, or InvalidInput."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise InvalidInput(
            "请填写整改情况：查明的问题、采取的措施和对申请人的答复。",
            "Describe the rectification: what was wrong, what was done, the answer to the applicant.",
            field="text",
        )
    if len(cleaned) > RECTIFICATION_MAX:
        raise InvalidInput(
            f"整改情况最多 {RECTIFICATION_MAX} 字，当前 {len(cleaned)} 字。",
            f"The rectification can be at most {RECTIFICATION_MAX} characters; it has {len(cleaned)}.",
            field="text",
        )
    _check_printable(cleaned, field="text", what_zh="整改情况", what_en="rectification")
    return cleaned


def urgency(*, due_at: datetime, now: datetime, limit: timedelta) -> str:
    """Like the queue's badge: red overdue; yellow once the configured warning share of the
    ``limit`` has run (``warning_share``, when the warning is sent: ``ratings.tasks``);
    green before."""
    if now >= due_at:
        return "red"
    return "yellow" if due_at - now <= limit * (1 - get_settings().warning_share) else "green"


def can_rectify(user: User, rating: Rating) -> bool:
    """Staff of the department the rating is about who handle its cases (受理, 审查, 核准,
    制证: ``access.WORK_ROLES``): they rectify, call back and appeal; an inspector or expert
    of it does not, supervisors only look."""
    return (
        user.is_staff
        and user.department_code == rating.department_code
        and user.has_role(*access.WORK_ROLES)
    )


def check_rectifier(user: User, rating: Rating, *, what_zh: str, what_en: str) -> None:
    """NotAllowed (naming the step, ``what_zh`` / ``what_en``) unless ``can_rectify``."""
    if not can_rectify(user, rating):
        raise NotAllowed(
            f"只有被评价部门的工作人员可以{what_zh}。",
            f"Only staff of the rated department may {what_en}.",
        )
