"""The cases domain promises: a case moves only along the state machine in
``machine.py``; every move is audited with its actor and opinion in the same
transaction; each stage and the whole case carry due times counted in working days
(or office hours) that pause for corrections and art. 45 procedures; accepted cases
fan out into parallel department reviews joined by ``review.decide``; a department or
an applicant sees only what is theirs.

This module is the only one other domains and the web layer import.
"""

from tongban.cases.definition import spec_of
from tongban.cases.flow import (
    approve_case,
    deliver_result,
    extend_limit,
    issue_result,
    pause_clock,
    refuse_case,
    resume_clock,
    review_task,
)
from tongban.cases.intake import (
    accept_case,
    add_material,
    create_case,
    deem_accepted,
    reject_case,
    request_correction,
    resubmit_case,
    submit_case,
    update_form,
    withdraw_case,
)
from tongban.cases.metrics import dashboard
from tongban.cases.queries import (
    case_time_left,
    corrections,
    get_case,
    get_material,
    get_result,
    get_task,
    list_my_cases,
    materials,
    queue,
    results,
    task_time_left,
    timeline,
)
from tongban.cases.tasks import recompute_open_deadlines, run_deemed_acceptance

__all__ = [
    "accept_case",
    "add_material",
    "approve_case",
    "case_time_left",
    "corrections",
    "create_case",
    "dashboard",
    "deem_accepted",
    "deliver_result",
    "extend_limit",
    "get_case",
    "get_material",
    "get_result",
    "get_task",
    "issue_result",
    "list_my_cases",
    "materials",
    "pause_clock",
    "queue",
    "recompute_open_deadlines",
    "refuse_case",
    "reject_case",
    "request_correction",
    "resubmit_case",
    "results",
    "resume_clock",
    "review_task",
    "run_deemed_acceptance",
    "spec_of",
    "submit_case",
    "task_time_left",
    "timeline",
    "update_form",
    "withdraw_case",
]
