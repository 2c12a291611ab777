"""A draft's materials are checked against the shared sources each time it is saved (the
page says at once "已从公安人口库调取核验"): each such reading is in the data subject's
access log from that save on, not only once the case is submitted, so a person whose ID
number someone typed into a draft sees it on their profile (once per case, material and
person: ``access.record_once``). A number that found a record under another name (or
owner) is logged too: the platform read that record to say it does not match."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tongban.cases.core.prefill import FillRequest, Prefill, filler
from tongban.cases.materials.registry import Provided
from tongban.cases.models import Case
from tongban.catalog.enums import MaterialWay
from tongban.sharing import access, materials

MISMATCH = "mismatch"  # a log row's outcome: found, but not the record the form meant


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
        else:
            _log_refused(session, request, saved, entry)


def _log_refused(
    session: Session, request: FillRequest, saved: Case, entry: dict[str, Any]
) -> None:
    """Log, for its subject, each record a number in the draft found that did not verify
    the material (another name typed beside the number, an owner not the applicant's):
    the platform read it to tell, and the person sees that their number was typed."""
    case = request.case
    assert case is not None
    name_en = entry.get("name_en") or entry["name"]
    for source, key, record in materials.refused_records(session, case=saved, material=entry):
        for subject in access.subjects_of(source, key, record):
            access.record_once(
                session,
                at=request.now,
                source=source["code"],
                subject_key=subject,
                record_key=key,
                actor=request.actor,
                case_id=case.id,
                fields=[str(entry["code"])],
                purpose=f"办件 {case.number}：核验材料“{entry['name']}”，"
                "记录与所填姓名（或权利人）不符，未予核验",
                purpose_en=f"Case {case.number}: checking the material '{name_en}'; the record "
                "did not match the name (or owner) typed, so it verified nothing",
                outcome=MISMATCH,
            )
