"""Fields of expertise, and the states of an expert panel (专家评审) and of its seats."""

from enum import StrEnum


class Field(StrEnum):
    """A field an expert is registered for (专业领域); a panel is drawn from one."""

    environment = "environment"  # 环境保护
    construction = "construction"  # 建设工程
    fire_safety = "fire_safety"  # 消防安全
    food_safety = "food_safety"  # 食品安全
    health = "health"  # 医疗卫生
    transport = "transport"  # 交通运输
    geology = "geology"  # 地质与国土空间


FIELD_NAMES = {  # as the pages name them (templates/experts/_names.html)
    Field.environment: ("环境保护", "environmental protection"),
    Field.construction: ("建设工程", "construction"),
    Field.fire_safety: ("消防安全", "fire safety"),
    Field.food_safety: ("食品安全", "food safety"),
    Field.health: ("医疗卫生", "health care"),
    Field.transport: ("交通运输", "transport"),
    Field.geology: ("地质与国土空间", "geology and land"),
}


class PanelState(StrEnum):
    open = "open"  # experts are giving opinions; the case clock is paused (art. 45)
    closed = "closed"  # every opinion arrived, or the deadline passed; the clock runs again


# a closed panel's ``closed_why``: answered, deadline, or its case ended first (终止办理 …)
CASE_ENDED = "case_ended"


class SeatState(StrEnum):
    """drawn → accepted (no conflict declared) → answered; drawn → recused (回避);
    drawn / accepted → lapsed (no opinion by the deadline)."""

    drawn = "drawn"
    accepted = "accepted"
    recused = "recused"
    answered = "answered"
    lapsed = "lapsed"


class Verdict(StrEnum):
    agree = "agree"  # 同意
    disagree = "disagree"  # 不同意
    conditions = "conditions"  # 有条件同意


VERDICT_NAMES = {
    Verdict.agree: ("同意", "agree"),
    Verdict.disagree: ("不同意", "disagree"),
    Verdict.conditions: ("有条件同意", "agree with conditions"),
}
