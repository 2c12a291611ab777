"""The lenient domain promises (容缺受理 and 告知承诺制, the modes that trust the applicant):

- neither mode is open to an applicant with a bad credit record, a high-risk item or a
  case flagged by risk screening, and the reason is shown (``eligibility``);
- a commitment item is approved on the signed commitment (at once, or after its short
  review), and a post-approval check with its own owner and due date follows; a failed
  check revokes the licence with the reason (``commitment``);
- a case missing only 容缺 materials is accepted once the applicant signs a deficiency
  commitment; the notice lists what is missing, in what form and by when; those
  materials may be uploaded after acceptance; results are withheld until they arrive; a
  missed deadline ends the case (``deficiency``); a walk-in applicant signs the same
  commitment at the window, before the clerk (``window``);
- scheduled work is rows with ``due_at`` and idempotent sweeps the worker calls.

This module is the only one other domains import.
"""

from tongban.lenient.awaiting import list_open as open_deficiencies
from tongban.lenient.awaiting import outstanding, run_due_deficiencies
from tongban.lenient.commitment import decision as commitment_decision
from tongban.lenient.commitment import (
    for_case as checks_for_case,
)
from tongban.lenient.commitment import (
    get_check,
    is_overdue,
    list_checks,
    record_check,
    run_due_post_checks,
)
from tongban.lenient.deficiency import accept as accept_with_deficiencies
from tongban.lenient.deficiency import conditional, sign_commitment, signed
from tongban.lenient.deficiency import get as get_deficiency
from tongban.lenient.deficiency import (
    letter as deficiency_letter,
)
from tongban.lenient.eligibility import Refusal, may_use_lenient, refusal, register_case_risk
from tongban.lenient.window import may_witness, printable, sign_at_window
from tongban.timefmt import deadline as deadline_label

__all__ = [
    "Refusal",
    "accept_with_deficiencies",
    "checks_for_case",
    "commitment_decision",
    "conditional",
    "deadline_label",
    "deficiency_letter",
    "get_check",
    "get_deficiency",
    "is_overdue",
    "list_checks",
    "may_use_lenient",
    "may_witness",
    "open_deficiencies",
    "outstanding",
    "printable",
    "record_check",
    "refusal",
    "register_case_risk",
    "run_due_deficiencies",
    "run_due_post_checks",
    "sign_at_window",
    "sign_commitment",
    "signed",
]
