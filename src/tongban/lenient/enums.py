"""States of post-approval checks and of acceptances with deficiencies."""

from enum import StrEnum


class CheckState(StrEnum):
    """事后核查: scheduled at approval, passed or failed once."""

    scheduled = "scheduled"
    passed = "passed"
    failed = "failed"  # the licence is revoked


class DeficiencyState(StrEnum):
    """容缺受理: the missing materials are awaited, arrived, or the deadline was missed."""

    open = "open"
    supplied = "supplied"
    missed = "missed"  # the case was ended (终止办理)
