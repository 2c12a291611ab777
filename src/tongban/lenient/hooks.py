"""What the lenient modes add to a case's life (``cases/core/hooks.py``): the commitment
decision at acceptance (and on a review that opens later, after its prerequisite) and the
post-approval checks at approval, the results withheld
while deficiencies are awaited, and uploads of those materials after acceptance.
Imported by ``tongban.models.load_all``."""

from __future__ import annotations

from tongban.cases.core import hooks
from tongban.lenient import awaiting, commitment, eligibility

hooks.ACCEPTED.append(commitment.on_accepted)
hooks.APPLICANT_BARS.append(eligibility.applicant_bar)
hooks.TASK_OPENED.append(commitment.on_task_opened)
hooks.DECIDED.append(commitment.on_decided)
hooks.HOLDS.append(awaiting.hold)
hooks.CONDITIONS.append(awaiting.condition)
hooks.OPINIONS_EN.update(
    {
        commitment.APPROVED_ON_COMMITMENT: "Commitment approval: the applicant committed in "
        "writing to meeting the conditions; approved on the spot on the commitment.",
        commitment.GRANTED_OPINION: "Commitment approval applies.",
    }
)
hooks.LATE_UPLOADS.append(hooks.LateUpload(allows=awaiting.allows, uploaded=awaiting.uploaded))
