"""States of an on-site inspection and of its appointment with the applicant."""

from enum import StrEnum


class InspectionNeed(StrEnum):
    """When an item's review needs an inspection (catalog ``inspection.when``)."""

    required = "required"  # the review may approve only after an inspection passed
    on_order = "on_order"  # the reviewer orders one where the materials leave doubt


class InspectionState(StrEnum):
    open = "open"  # drawn, visiting (or re-visiting after rectification)
    passed = "passed"  # 合格
    failed = "failed"  # 不合格: the review can only refuse


class InspectionResult(StrEnum):
    """What the inspectors conclude after a visit."""

    passed = "passed"  # 合格
    failed = "failed"  # 不合格
    rectify = "rectify"  # 限期整改后复查: a second visit


class VisitState(StrEnum):
    """The appointment (预约) of the current visit."""

    proposed = "proposed"  # the inspector proposed a time; the applicant has not answered
    agreed = "agreed"  # the applicant accepted the time
    other_asked = "other_asked"  # the applicant asked for another time
