"""A draft's materials are checked against the shared sources each time it is saved (the
page says at once "已从公安人口库调取核验"): each such reading is in the data subject's
access log from that save on, not only once the case is submitted, so a person whose ID
number someone typed into a draft sees it on their profile (once per case, material and
person: ``access.record_once``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tongban.cases.core.prefill import FillRequest, Prefill, filler
from tongban.cases.materials.registry import Provided
from tongban.cases.models import Case
from tongban.catalog.enums import MaterialWay
from tongban.sharing import materials


@filler
def log_material_pulls(session: Session, request: FillRequest, found: Prefill) -> None:
    """On saving a draft: log every shared-data material its answers (with the values the
    sources lock) satisfy."""
    case = request.case
    if not request.saving or case is None:
        return
    locked = {name: filled.value for name, filled in found.locked().items()}
    saved = Case(  # the case as this save leaves it (not added to the session)
        number=case.number,
        applicant_id=case.applicant_id,
        form_data={**request.answers, **locked},
        catalog_version_id=case.catalog_version_id,
        situation_answers=case.situation_answers,
    )
    for entry in request.spec["materials"]:
        if MaterialWay.shared not in (entry.get("ways") or []):
            continue
        answer = materials.provide(session, case=saved, material=entry, now=request.now)
        if isinstance(answer, Provided):
            materials.log_pulls(
                session, case=case, detail=answer.detail, entry=entry, now=request.now
            )
