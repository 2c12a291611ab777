"""Authorisations to act for someone (授权委托), as pages and JSON API: the grantor makes
and revokes them at 我的授权; the agent sees those received and starts an application
for the grantor (``/apply/{code}?for=ID``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.accounts import authorisations
from tongban.accounts.authorisations import RELATION_NAMES_ZH, Relation
from tongban.accounts.deps import CurrentApplicant
from tongban.accounts.models import Authorisation, User
from tongban.catalog import service as catalog
from tongban.db import unit_now
from tongban.errors import DomainError, InvalidInput
from tongban.web.deps import CheckedForm, NowDep, SessionDep, see_other
from tongban.web.templating import render

router = APIRouter()
api_router = APIRouter(tags=["agents"])
RowId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Row id")]


class AuthorisationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field is a mistake: 422
    agent_username: str = Field(min_length=2, max_length=64)
    relation: Relation
    scope: list[str] = Field(
        default_factory=list, max_length=50, description="Catalog codes; empty: every item"
    )
    valid_until: date = Field(description="Last day of the authorisation (local date)")


class AuthorisationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    grantor_id: int
    agent_id: int
    relation: str
    scope: list[str]
    valid_until: date
    consent: str
    created_at: datetime
    revoked_at: datetime | None


def _grant(session: Session, user: User, body: AuthorisationCreate, now: datetime) -> Authorisation:
    codes = {entry.code for entry in catalog.list_entries(session)}
    unknown = sorted(set(body.scope) - codes)
    if unknown:
        raise InvalidInput(
            f"没有这些事项：{'、'.join(unknown)}，请从事项列表中选择。",
            f"No such items: {', '.join(unknown)}; choose from the catalog.",
            field="scope",
        )
    return authorisations.grant(
        session,
        grantor=user,
        agent_username=body.agent_username,
        relation=body.relation,
        scope=body.scope,
        valid_until=body.valid_until,
        now=now,
    )


@api_router.get("/me/authorisations")
def list_given(session: SessionDep, user: CurrentApplicant) -> list[AuthorisationRead]:
    """Authorisations the user gave, newest first."""
    return [
        AuthorisationRead.model_validate(r) for r in authorisations.given(session, grantor=user)
    ]


@api_router.get("/me/authorisations/received")
def list_received(session: SessionDep, user: CurrentApplicant) -> list[AuthorisationRead]:
    """Authorisations the user holds as an agent; apply with ``authorisation_id`` on
    ``POST /api/v1/cases``."""
    rows = authorisations.received(session, agent=user)
    return [AuthorisationRead.model_validate(r) for r in rows]


@api_router.post("/me/authorisations", status_code=201)
def grant(
    body: AuthorisationCreate, session: SessionDep, user: CurrentApplicant, now: NowDep
) -> AuthorisationRead:
    """Authorise an agent (by username) for items until a day; making it is the consent."""
    return AuthorisationRead.model_validate(_grant(session, user, body, now))


@api_router.delete("/me/authorisations/{authorisation_id}", status_code=204)
def revoke(
    authorisation_id: RowId, session: SessionDep, user: CurrentApplicant, now: NowDep
) -> None:
    """End an authorisation at once; the agent's cases under it leave their hands."""
    authorisations.revoke(session, grantor=user, authorisation_id=authorisation_id, now=now)


def _page(
    request: Request,
    session: Session,
    user: User,
    error: DomainError | None = None,
    typed: dict[str, Any] | None = None,
) -> Response:
    people = {u.id: u for u in _people(session, user)}
    today = timefmt.local(unit_now(session)).date()
    received = authorisations.received(session, agent=user)
    entries = catalog.list_entries(session)
    context = {
        "given": authorisations.given(session, grantor=user),
        "running": [row for row in received if authorisations.runs(row, today)],
        "today": today,
        "people": people,
        "relations": RELATION_NAMES_ZH,
        "entries": [e.current_version.definition for e in entries if e.current_version],
        "consent": authorisations.CONSENT_ZH,
        "error": error,
        "typed": {"scope": [], **(typed or {})},
    }
    return render(request, "cases/authorisations.html", context, error.status if error else 200)


def _people(session: Session, user: User) -> list[User]:
    ids = {r.agent_id for r in authorisations.given(session, grantor=user)}
    ids |= {r.grantor_id for r in authorisations.received(session, agent=user)}
    return [u for u in (session.get(User, i) for i in ids) if u is not None]


@router.get("/my/authorisations")
def authorisations_page(request: Request, session: SessionDep, user: CurrentApplicant) -> Response:
    """我的授权: authorise an agent, revoke, and the authorisations received."""
    return _page(request, session, user)


def _scope_chosen(codes: list[str], *, all_items: bool) -> list[str]:
    """The items the page's form authorises: every item (an empty scope) only when the
    person chose 全部事项 and ticked none, so a form sent back without its ticks never
    widens to all. InvalidInput when neither or both were chosen."""
    if all_items and codes:
        raise InvalidInput(
            "您选择了“全部事项”，又勾选了具体事项：请只选其中一种。",
            "You chose 'all items' and ticked some items as well: choose one of the two.",
            field="scope",
        )
    if not all_items and not codes:
        raise InvalidInput(
            "请勾选授权代办的事项，或选择“全部事项”。",
            "Tick the items the agent may apply for, or choose 'all items'.",
            field="scope",
        )
    return codes


@router.post("/my/authorisations")
def grant_from_page(
    request: Request, session: SessionDep, user: CurrentApplicant, now: NowDep, form: CheckedForm
) -> Response:
    typed: dict[str, Any] = {
        key: form.get(key) for key in ("agent_username", "relation", "valid_until", "extent")
    }
    typed["scope"] = [str(code) for code in form.getlist("scope") if code]
    try:
        body = AuthorisationCreate(
            agent_username=str(form.get("agent_username") or "").strip(),
            relation=Relation(str(form.get("relation") or "")),
            scope=_scope_chosen(typed["scope"], all_items=typed["extent"] == "all"),
            valid_until=date.fromisoformat(str(form.get("valid_until") or "")),
        )
        _grant(session, user, body, now)
    except DomainError as error:
        session.rollback()
        return _page(request, session, user, error, typed)
    except ValueError:
        missing = InvalidInput(
            "请填写受托人用户名、关系和有效期（日期）。",
            "Fill in the agent's username, the relation and the last day.",
        )
        return _page(request, session, user, missing, typed)
    return see_other("/my/authorisations")


@router.post("/my/authorisations/{authorisation_id}/revoke")
def revoke_from_page(
    authorisation_id: RowId,
    session: SessionDep,
    user: CurrentApplicant,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    authorisations.revoke(session, grantor=user, authorisation_id=authorisation_id, now=now)
    return see_other("/my/authorisations")
