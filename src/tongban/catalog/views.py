"""Pages of the service hall (办事大厅): search, the catalog, and each guide (办事指南)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tongban.accounts import authorisations
from tongban.accounts.deps import OptionalUser
from tongban.accounts.enums import UserKind
from tongban.accounts.models import User
from tongban.audit.names import BY_POLICY
from tongban.catalog import guides, service
from tongban.catalog.enums import EntryKind
from tongban.catalog.models import CatalogEntry, Department
from tongban.errors import DomainError, InvalidInput, NotAllowed, NotFound
from tongban.web.deps import AgentFor, NowDep, SessionDep
from tongban.web.templating import render, render_page_or_fragment

router = APIRouter()


def departments(session: Session) -> dict[str, Department]:
    """Departments by code, for showing names next to codes."""
    return {dept.code: dept for dept in service.list_departments(session)}


def _by_department(entries: Sequence[CatalogEntry]) -> dict[str, list[CatalogEntry]]:
    groups: dict[str, list[CatalogEntry]] = defaultdict(list)
    for entry in entries:
        groups[entry.department_code].append(entry)
    return dict(sorted(groups.items()))


@router.get("/")
def home(request: Request, session: SessionDep, user: OptionalUser, q: str = "") -> Response:
    """The service hall: search box, 热门事项, bundles (一件事) and items by department.

    htmx, searching as the person types, gets only the results.
    """
    query = q.strip()
    context = {
        "q": query,
        "results": service.search(session, query=query) if query else None,
        "departments": departments(session),
    }
    return render_page_or_fragment(
        request,
        "catalog/home.html",
        "catalog/_search_results.html",
        context,
        lambda: _hall(session),
    )


def _hall(session: Session) -> dict[str, Any]:
    """The service hall's lists: 热门事项 (``guides.featured``), bundles, items by department."""
    entries = service.list_entries(session)
    return {
        "featured": [
            entry
            for entry in entries
            if entry.current_version and guides.featured(entry.current_version.definition)
        ],
        "bundles": [entry for entry in entries if entry.kind == EntryKind.bundle],
        "groups": _by_department([entry for entry in entries if entry.kind == EntryKind.item]),
    }


@router.get("/finder")
def finder(
    request: Request, session: SessionDep, user: OptionalUser, who: str = "", event: str = ""
) -> Response:
    """The guided finder (办事引导): who you are, then the life or business event, then the
    items and bundles for it; every step a plain link, no script needed."""
    entries = service.list_entries(session)
    definitions = [entry.current_version.definition for entry in entries if entry.current_version]
    who = who if who in guides.WHO else ""
    events = guides.finder_events(definitions, who=who) if who else []
    event = event if event in [e["event"] for e in events] else ""
    found = guides.finder_entries(definitions, who=who, event=event) if event else []
    context = {"who": who, "events": events, "event": event, "found": found}
    return render(request, "catalog/finder.html", context)


@dataclass(frozen=True)
class GuideReader:
    """Who reads a guide and when: the page's request, session, user (None: a visitor),
    the time, and the authorisation an agent acts under (``?for=``, 代办)."""

    request: Request
    session: Session
    user: User | None
    now: datetime
    agent_for: int | None


def _reader(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    now: NowDep,
    agent_for: AgentFor = None,
) -> GuideReader:
    return GuideReader(request, session, user, now, agent_for)


ReaderDep = Annotated[GuideReader, Depends(_reader)]


def _guide(reader: GuideReader, code: str, kind: EntryKind) -> Response:
    """The guide with its tabs; with the situations answered (``?s_<question>=<option>``)
    tailored to the applicant's case: only the materials, items and departments that
    apply, and how many materials that spares. It says who may apply, and offers neither
    the situation questions nor the application to a signed-in applicant of another kind
    (a person on an enterprise-only item), telling them why and what to do instead. An
    agent's ``for`` (the authorisation they act under, 代办) is judged by its grantor and
    kept on the way to the form."""
    request, session, user = reader.request, reader.session, reader.user
    entry = service.get_entry(session, code=code)
    if entry.kind != kind:
        raise NotFound(f"没有找到“{code}”。", f"No {kind} '{code}'.")
    assert entry.current_version is not None
    full = entry.current_version.definition
    answers, problem = service.from_query(request.query_params), None
    if answers:
        try:
            answers = service.check_answers(full, answers)
        except InvalidInput as error:
            answers, problem = {}, error
    spec = service.tailor(full, answers)
    context = {
        "entry": entry,
        "version": entry.current_version,
        "spec": spec,
        "full": full,
        "questions": service.questions(full),
        "answers": answers,
        "answers_query": service.to_query(answers),
        "situation_problem": problem,
        "asking": bool(request.query_params.get("apply")),
        "serves": service.subjects(full),
        "refusal": _refusal(full, _applicant(session, user, reader.agent_for, code, reader.now)),
        "agent_for": reader.agent_for,
        "templates": guides.material_templates(full),
        "faq": guides.faq(spec),  # the questions of the items that apply
        "order": service.waits([i["code"] for i in spec["items"]], spec.get("requires") or {}),
        "departments": departments(session),
        "sources": service.list_sources(session),  # shared data sources, by their names
        "by_policy_name": BY_POLICY,  # who decides where a benefit is granted by its policy
    }
    return render(request, "catalog/guide.html", context)


def _applicant(
    session: Session, user: User | None, agent_for: int | None, code: str, now: datetime
) -> User | None:
    """Who would apply: the signed-in user, or the grantor of the authorisation ``agent_for``
    they hold (one they do not hold is left to the form page, which says why)."""
    if user is None or agent_for is None:
        return user
    try:
        grantor, _ = authorisations.grantor_for(
            session, agent=user, authorisation_id=agent_for, code=code, now=now
        )
    except DomainError:
        return user
    return grantor


def _refusal(definition: dict[str, Any], user: User | None) -> NotAllowed | None:
    """Why a signed-in applicant may not apply for the entry (None: they may, or the
    viewer is not an applicant: a visitor, or staff reading a guide)."""
    if user is None or user.kind not in (UserKind.person, UserKind.enterprise):
        return None
    return service.subject_refusal(definition, user.kind)


@router.get("/items/{code}")
def item_guide(code: str, reader: ReaderDep) -> Response:
    """The guide of one service item, from its current version."""
    return _guide(reader, code, EntryKind.item)


@router.get("/bundles/{code}")
def bundle_guide(code: str, reader: ReaderDep) -> Response:
    """The guide of a bundle (一件事) with every item it covers."""
    return _guide(reader, code, EntryKind.bundle)


ASSET_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*\.pdf$")


@router.get("/catalog/assets/{name}")
def asset(name: str) -> Response:
    """A sample (样表) or blank form of the catalog, as a PDF download."""
    path = guides.asset_path(name)
    if not ASSET_NAME.match(name) or not path.is_file():
        raise NotFound("没有找到该样表。", f"No sample or blank form '{name}'.")
    return Response(
        path.read_bytes(),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )
