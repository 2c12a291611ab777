"""The register page (专家库) for the catalog administrator: every expert with their
fields, employer and contact; add an expert account to it; change or take one off the
draw. A refused post shows the page again with each wrong part's message beside its input
in the form that was posted, and what was typed (``web.refusals``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from tongban.accounts.deps import CatalogAdmin
from tongban.accounts.service import actor_of
from tongban.errors import DomainError
from tongban.experts import service as experts
from tongban.experts.enums import Field
from tongban.web.deps import CheckedForm, NowDep, SessionDep, see_other
from tongban.web.refusals import Refusal, page_again, shown, status_of
from tongban.web.templating import render

router = APIRouter(prefix="/admin/experts")


def _entry(form: FormData) -> experts.Entry:
    def text(name: str) -> str:
        value = form.get(name)
        return value if isinstance(value, str) else ""

    fields = [value for value in form.getlist("fields") if isinstance(value, str)]
    return experts.Entry(
        fields=fields,
        employer=text("employer"),
        employer_credit_code=text("employer_credit_code"),
        phone=text("phone"),
    )


def _page(
    request: Request,
    session: Session,
    *,
    refusal: Refusal | None = None,
    kept: FormData | None = None,
    failed: int | None = None,
) -> Response:
    """``kept``: the refused form, whose chosen fields (several of one name) the page
    checks again; ``failed``: the expert whose form it was (None: the form adding one)."""
    context: dict[str, Any] = {
        "experts": experts.list_experts(session),
        "accounts": experts.unregistered_accounts(session),
        "expert_fields": list(Field),
        "kept": kept,
        "failed": failed,
        **shown(refusal),
    }
    return render(request, "experts/register.html", context, status_code=status_of(refusal))


@router.get("")
def register_page(request: Request, session: SessionDep, user: CatalogAdmin) -> Response:
    """The register and the form to add an expert account to it."""
    return _page(request, session)


def _refused(
    request: Request, session: Session, error: DomainError, form: FormData, failed: int | None
) -> Response:
    def page(refusal: Refusal) -> Response:
        return _page(request, session, refusal=refusal, kept=form, failed=failed)

    return page_again(request, session, error, form, page)


@router.post("")
def add(
    request: Request, session: SessionDep, user: CatalogAdmin, now: NowDep, form: CheckedForm
) -> Response:
    """Put an expert account in the register."""
    username = form.get("username")
    try:
        experts.register(
            session,
            username=username if isinstance(username, str) else "",
            entry=_entry(form),
            actor=actor_of(user),
            now=now,
        )
    except DomainError as error:
        return _refused(request, session, error, form, None)
    return see_other("/admin/experts?done=added")


@router.post("/{expert_id}")
def change(
    expert_id: int,
    request: Request,
    session: SessionDep,
    user: CatalogAdmin,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    """Change an expert's fields, employer or phone, or whether they are drawn."""
    try:
        experts.update(
            session,
            expert_id=expert_id,
            entry=_entry(form),
            active=form.get("active") == "yes",
            actor=actor_of(user),
            now=now,
        )
    except DomainError as error:
        return _refused(request, session, error, form, expert_id)
    return see_other(f"/admin/experts?done=changed#expert-{expert_id}")
