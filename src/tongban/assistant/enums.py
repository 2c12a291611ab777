"""Kinds of replies of the guide assistant and the parts of a guide a question asks for."""

from __future__ import annotations

from enum import StrEnum


class ReplyKind(StrEnum):
    entries = "entries"  # the items or bundle that answer it, from the catalog
    own_cases = "own_cases"  # the signed-in applicant's own cases
    sign_in = "sign_in"  # a question about one's own case, asked without signing in
    unanswered = "unanswered"  # nothing in the catalog answers it: hotline and window
    elsewhere = "elsewhere"  # a matter this portal does not handle: who does, and the hotline
    hours = "hours"  # when the service halls are open (halls.yaml), and where they are
    warming = "warming"  # the index is still being built (server start-up): ask again soon


class Aspect(StrEnum):
    """A part of a guide (办事指南) a question asks for."""

    conditions = "conditions"  # 申请条件
    materials = "materials"  # 申请材料
    fees = "fees"  # 收费
    time_limit = "time_limit"  # 办结时限
    place = "place"  # 办理地点, 咨询电话
    # 办理方式: online or at the window (网上办理深度, 到现场次数), in person or by an agent
    # (代办), the result by post (送达方式), the days the windows are open
    channels = "channels"


# The section of the guide page each part is shown in (its element id): time limits and
# place are among the facts of the conditions section.
SECTIONS = {
    Aspect.conditions: "tab-conditions",
    Aspect.materials: "tab-materials",
    Aspect.fees: "tab-fees",
    Aspect.time_limit: "tab-conditions",
    Aspect.place: "tab-conditions",
    Aspect.channels: "tab-conditions",
}
FAQ_SECTION = "tab-faq"
