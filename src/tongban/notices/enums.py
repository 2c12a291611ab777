"""States of a pre-decision public notice (公示) and of an objection (异议) to it."""

from enum import StrEnum


class NoticeState(StrEnum):
    running = "running"  # shown on the public page; objections may be filed
    ended = "ended"  # the period is over, or a founded objection stopped it


class ObjectionState(StrEnum):
    filed = "filed"  # waiting for the reviewing department to examine it
    unfounded = "unfounded"  # 异议不成立: examined, the decision may approve
    founded = "founded"  # 异议成立: examined, the case is investigated again, a new notice follows
    closed = "closed"  # 公示已终止: another objection was founded and stopped the notice first
