"""What a case page shows of the rating: the applicant's form once the case is finished,
then the rating and, for a bad one, the department's rectification or its due time.

Registered as a panel of both case pages (the applicant's and the staff task page).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.cases.core import access
from tongban.cases.http.panels import case_panel
from tongban.cases.models import Case
from tongban.ratings import rules, service


@case_panel
def case_rating(
    request: Request, session: Session, case: Case, user: User, now: datetime
) -> dict[str, Any]:
    """Context of the 「评价」 card; a refused rating form leaves its input in ``request.state``."""
    rating = service.rating_of_case(session, case_id=case.id)
    row = service.get_row(session, rating=rating, now=now) if rating else None
    return {
        "rating_row": row,
        "can_rate": rating is None
        and case.state in rules.RATEABLE_STATES
        and (access.owns(user, case) or access.acts_for(user, case)),
        "may_rectify": row is not None and row.open and service.can_rectify(user, row.rating),
        "rating_form": getattr(request.state, "rating_form", None) or {},
        "rating_hours": request.app.state.runtime.settings.rating_rectify_hours,
        "rating_comment_max": rules.COMMENT_MAX,
    }
