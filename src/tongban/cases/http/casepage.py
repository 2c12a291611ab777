"""The case page's content that every audience shares (applicant, staff task page, 协查):
answers, notices, materials, results, limits and the timeline a user may see."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.cases import service
from tongban.cases.core import definition, prefill
from tongban.cases.core.access import needs_identifiers
from tongban.cases.core.deadlines import case_limits
from tongban.cases.core.machine import STATE_NAMES_ZH
from tongban.cases.core.queries import STAGE_NAMES_ZH
from tongban.cases.enums import CHANNEL_NAMES_ZH, Stage
from tongban.cases.http import caseform
from tongban.cases.http.material_rows import material_rows
from tongban.cases.models import Case
from tongban.catalog import service as catalog
from tongban.catalog.views import departments
from tongban.forms import inputs
from tongban.pii.service import mask_document
from tongban.web.i18n import locale_of


def locale(request: Request) -> str:
    return locale_of(request, request.app.state.runtime.settings.default_locale)


def may_check(session: Session, case: Case, user: User, now: datetime) -> bool:
    """Whether the user may mark uploads as checked against the original (已核验原件): the
    clerk who may accept the case now, while it waits for acceptance."""
    accept = service.actionable_task(session, case=case, stage=Stage.accept, user=user, now=now)
    return accept is not None


def _answers_for(user: User, case: Case) -> dict[str, Any]:
    """The answers whole for those handling the case, masked for everyone else (脱敏)."""
    return case.form_data if needs_identifiers(user, case) else mask_document(case.form_data)


def answers(
    session: Session, spec: dict[str, Any], case: Case, values: dict[str, Any], lang: str
) -> list[inputs.FormField]:
    """The answers ``values`` of ``case`` as its pages show them; on English pages what
    a source gives in English reads in it, and a pulled name or address says it is as the
    source holds it (``caseform.mark_pulled``)."""
    found = inputs.fields(spec["form"], values, {}, lang)
    if lang == "en":
        pulled = prefill.pulled_fields(session, case)
        caseform.mark_pulled(found, spec, pulled, catalog.list_sources(session))
    return found


def case_context(
    request: Request, session: Session, case: Case, user: User, now: datetime
) -> dict[str, Any]:
    """What the case pages of applicants and staff share: answers, notices, materials, timeline."""
    spec, lang = service.spec_of(session, case), locale(request)
    line = service.timeline(session, case=case, now=now)
    ways = service.material_ways(session, case=case, now=now)
    return {
        "case": case,
        "spec": spec,
        "timeline": line,
        "events": [e for e in line.events if service.may_see_event(user, e.action)],
        "notices": service.corrections(session, case=case),
        "ways": ways,
        "material_rows": material_rows(spec, ways, {}, lang),
        "may_check": may_check(session, case, user, now),
        "results": service.results(session, case=case),
        "limits": case_limits(session, case=case, now=now),
        "departments": departments(session),
        "titles": definition.titles(spec, lang),
        "answers": answers(session, spec, case, _answers_for(user, case), lang),
        "state_names": STATE_NAMES_ZH,
        "channel_names": CHANNEL_NAMES_ZH,
        "stage_names": STAGE_NAMES_ZH,
    }
