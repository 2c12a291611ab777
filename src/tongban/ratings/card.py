"""What a case page shows of the ratings: each rating given (stage, level, indicators,
tags, the department's rectification and call-back), and the applicant's form for the
stage the case is in, or for rating again after a rectification; for a window clerk who
may (``pad.may_offer``), the button that shows the case on their rating pad.

Registered as a panel of both case pages (the applicant's and the staff task page).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Request
from jinja2 import pass_context
from jinja2.runtime import Context
from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.cases.core import access
from tongban.cases.http.panels import case_panel
from tongban.cases.models import Case
from tongban.ratings import pad, rules, service
from tongban.ratings.enums import RATING_CHANNEL_NAMES_ZH


@pass_context
def rating_stage(context: Context, stage: str) -> str:
    """``rating_stage(stage)``: the rated stage's name in the page's language."""
    return rules.stage_name(stage, context.get("locale"))


@pass_context
def rating_tag(context: Context, tag: str) -> str:
    """``rating_tag(tag)``: a reason tag's name in the page's language."""
    return rules.tag_name(tag, context.get("locale"))


@case_panel
def case_rating(
    request: Request, session: Session, case: Case, user: User, now: datetime
) -> dict[str, Any]:
    """Context of the 「评价」 card; a refused rating form leaves its input in ``request.state``."""
    rows = [
        service.get_row(session, rating=r, now=now)
        for r in service.ratings_of_case(session, case_id=case.id)
    ]
    is_applicant = access.owns(user, case) or access.acts_for(user, case)
    stages = service.open_stages(session, case=case) if is_applicant else []
    on_pad = not is_applicant and pad.may_offer(session, clerk=user, case=case)
    settings = request.app.state.runtime.settings
    return {
        "rating_rows": rows,
        "rating_row": rows[-1] if rows else None,
        "rating_stages": stages,
        "can_rate": bool(stages),
        # a clerk of its hall or department may ask the applicant at the window to rate it
        "pad_offer": on_pad and bool(service.open_stages(session, case=case)),
        "may_rectify": any(r.open and service.can_rectify(user, r.rating) for r in rows),
        "rating_form": getattr(request.state, "rating_form", None) or {},
        "rating_hours": settings.rating_rectify_hours,
        "rating_days": settings.rating_rectify_working_days,
        "rating_comment_max": rules.COMMENT_MAX,
        # the tags offered for any stage the form rates (the stage refuses another's)
        "rating_tags": [
            tag for tag in rules.TAGS if any(tag in rules.STAGE_TAGS[s] for s in stages)
        ],
        "rating_indicators": rules.INDICATORS,
        "rating_channel_names": RATING_CHANNEL_NAMES_ZH,
    }
