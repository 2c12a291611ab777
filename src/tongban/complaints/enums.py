"""Kinds, channels and states of a complaint (12345 政务服务便民热线 and the online form)."""

from enum import StrEnum


class Kind(StrEnum):
    """What the person brings: each kind has its own response limit (settings)."""

    consultation = "consultation"  # 咨询
    complaint = "complaint"  # 投诉
    suggestion = "suggestion"  # 建议


class Channel(StrEnum):
    online = "online"  # filed by a signed-in person
    hotline = "hotline"  # recorded by a 12345 operator from a call


class State(StrEnum):
    """new → routed (派单) → answered → closed (回访); routed → returned (退单) → routed."""

    new = "new"  # waits for the operator to route it
    routed = "routed"  # with the responsible department
    returned = "returned"  # sent back by the department, waits to be routed again
    answered = "answered"  # the department answered; the person is told
    closed = "closed"  # the call-back (回访) is recorded, with the person's satisfaction


class Satisfaction(StrEnum):
    satisfied = "satisfied"  # 满意
    fair = "fair"  # 基本满意
    dissatisfied = "dissatisfied"  # 不满意
