"""JSON API of open integration: the token of a machine client (OAuth 2.0 client
credentials) and webhook subscriptions, kept by the system administrator."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import Response

from tongban.accounts.deps import require_roles, source_of
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.errors import InvalidInput, NotSignedIn
from tongban.integration import clients, webhooks
from tongban.integration.schemas import (
    ClientToken,
    DeliveryRead,
    WebhookCreate,
    WebhookCreated,
    WebhookRead,
)
from tongban.web.deps import NowDep, SessionDep
from tongban.web.errors import respond

router = APIRouter(tags=["integration"])
SystemAdmin = Annotated[User, Depends(require_roles(Role.system_admin))]
RowId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Row id")]


@router.post("/auth/token", response_model=ClientToken)
def client_token(
    request: Request,
    session: SessionDep,
    now: NowDep,
    grant_type: Annotated[str, Form(max_length=40)],
    client_id: Annotated[str, Form(max_length=60)],
    client_secret: Annotated[str, Form(max_length=200)],
    scope: Annotated[str | None, Form(max_length=200)] = None,
) -> ClientToken | Response:
    """A department system's bearer token (OAuth 2.0 client credentials, RFC 6749 §4.4,
    form-encoded); 401 ``invalid_client`` for a wrong id or secret, 422 ``invalid_scope``."""
    if grant_type != "client_credentials":
        raise InvalidInput(
            "grant_type 须为 client_credentials。",
            "grant_type must be client_credentials.",
            field="grant_type",
            code="unsupported_grant_type",
        )
    try:
        token = clients.issue_token(
            session,
            client_id=client_id,
            client_secret=client_secret,
            scope=scope,
            now=now,
            source_address=source_of(request),
        )
    except NotSignedIn as error:
        return respond(request, error)  # answered, not raised: the refusal's audit is kept
    return ClientToken(
        access_token=token.access_token, expires_in=token.expires_in, scope=token.scope
    )


@router.get("/webhooks")
def list_webhooks(session: SessionDep, admin: SystemAdmin) -> list[WebhookRead]:
    """Every webhook subscription (system administrator)."""
    return [WebhookRead.model_validate(row) for row in webhooks.list_subscriptions(session)]


@router.post("/webhooks", status_code=201)
def add_webhook(
    body: WebhookCreate, session: SessionDep, admin: SystemAdmin, now: NowDep
) -> WebhookCreated:
    """Subscribe a department system's address to events (``case.accepted``,
    ``task.assigned``, ``decision.made``, ``licence.issued``, ``licence.revoked`` (撤销),
    ``licence.penalty_revoked`` (吊销)); the signing secret is in this answer only."""
    row, secret = webhooks.subscribe(
        session,
        department_code=body.department_code,
        url=body.url,
        events=body.events,
        actor=actor_of(admin),
        now=now,
    )
    return WebhookCreated(**WebhookRead.model_validate(row).model_dump(), secret=secret)


@router.delete("/webhooks/{subscription_id}", status_code=204)
def remove_webhook(
    subscription_id: RowId, session: SessionDep, admin: SystemAdmin, now: NowDep
) -> None:
    """Stop sending to the subscription."""
    webhooks.unsubscribe(session, subscription_id=subscription_id, actor=actor_of(admin), now=now)


@router.get("/webhooks/{subscription_id}/deliveries")
def list_deliveries(
    subscription_id: RowId, session: SessionDep, admin: SystemAdmin
) -> list[DeliveryRead]:
    """The subscription's latest deliveries with their attempts and last error."""
    return [
        DeliveryRead(
            **DeliveryRead.model_validate(view.delivery).model_dump(
                exclude={"state", "attempts", "last_error"}
            ),
            state=view.state,
            attempts=view.attempts,
            last_error=view.last_error,
        )
        for view in webhooks.deliveries(session, subscription_id=subscription_id)
    ]
