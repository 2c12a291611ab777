"""The cases domain promises: a case moves only along the state machine in
``machine.py``; every move is audited with its actor and opinion in the same
transaction; each stage and the whole case carry due times counted in working days
(or office hours) that pause for corrections and art. 45 procedures; accepted cases
fan out into parallel department reviews joined by ``review.decide``; a department may
ask another to verify a fact (协查) while the clock keeps running; a department or an
applicant sees only what is theirs.

This module is the only one other domains and the web layer import.
"""

from tongban.cases.access import may_see_event
from tongban.cases.clocks import calendar
from tongban.cases.definition import spec_of
from tongban.cases.drafting import add_material, check_complete, create_case, update_form
from tongban.cases.drilldown import CaseFilter, list_supervised_cases
from tongban.cases.flow import (
    approve_case,
    deliver_result,
    issue_result,
    refuse_case,
    review_task,
)
from tongban.cases.intake import (
    accept_case,
    deem_accepted,
    reject_case,
    request_correction,
    resubmit_case,
    submit_case,
    withdraw_case,
)
from tongban.cases.limits import extend_limit, pause_clock, resume_clock
from tongban.cases.measures import Status
from tongban.cases.metrics import PERIODS, dashboard
from tongban.cases.queries import (
    case_time_left,
    corrections,
    get_case,
    get_material,
    get_result,
    get_task,
    legal_time_left,
    list_my_cases,
    materials,
    queue,
    results,
    task_time_left,
    timeline,
)
from tongban.cases.tasks import recompute_open_deadlines, run_deemed_acceptance
from tongban.cases.verification import answer as answer_verification
from tongban.cases.verification import ask as ask_verification
from tongban.cases.verification import for_case as case_verifications
from tongban.cases.verification import get as get_verification
from tongban.cases.verification import list_addressed as list_verifications
from tongban.cases.verification import list_open as open_verifications
from tongban.cases.verification import may_answer as may_answer_verification
from tongban.cases.verification import time_left as verification_time_left

__all__ = [
    "PERIODS",
    "CaseFilter",
    "Status",
    "accept_case",
    "add_material",
    "answer_verification",
    "approve_case",
    "ask_verification",
    "calendar",
    "case_time_left",
    "case_verifications",
    "check_complete",
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
    "get_verification",
    "issue_result",
    "legal_time_left",
    "list_my_cases",
    "list_supervised_cases",
    "list_verifications",
    "materials",
    "may_answer_verification",
    "may_see_event",
    "open_verifications",
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
    "verification_time_left",
    "withdraw_case",
]
