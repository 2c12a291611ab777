"""``tongban clients`` and ``tongban webhooks``: department systems' credentials and the
addresses told of events (docs/integration.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from tongban.accounts.enums import Role
from tongban.cli import base
from tongban.db import reading_session, unit_of_work
from tongban.errors import DomainError
from tongban.integration import clients as machine
from tongban.integration import webhooks as hooks
from tongban.timeutil import utcnow

clients = typer.Typer(help="Machine clients of department systems.", no_args_is_help=True)
webhooks = typer.Typer(help="Webhook subscriptions and their deliveries.", no_args_is_help=True)


@clients.command("create")
def clients_create(
    name: Annotated[str, typer.Option(help="The system's name, e.g. 民政业务系统")],
    department: Annotated[str, typer.Option(help="Department code, e.g. MZ")],
    role: Annotated[list[Role], typer.Option(help="clerk, reviewer, approver or issuer; repeat")],
    scope: Annotated[
        list[str] | None,
        typer.Option(help="tasks:read, tasks:write; repeat, or separate by spaces or commas"),
    ] = None,
) -> None:
    """Make credentials for a department's system; the secret is printed once."""
    runtime = base.runtime()
    try:
        with unit_of_work(runtime.sessions) as session:
            made = machine.create_client(
                session,
                name=name,
                department_code=department,
                roles=role,
                scope=" ".join(
                    " ".join(scope or ["tasks:read tasks:write"]).replace(",", " ").split()
                ),
                actor=base.OPERATOR,
                now=utcnow(),
            )
            client_id, scopes = made.client.client_id, made.client.scopes
    except DomainError as error:
        base.fail(error)
        return
    base.console.print(f"client_id={client_id}\nclient_secret={made.secret}\nscope={scopes}")
    base.console.print("密钥只显示这一次，请妥善保存。 (The secret is shown only once.)")


@clients.command("list")
def clients_list() -> None:
    """Every machine client with its department, scopes and last token."""
    runtime = base.runtime()
    with reading_session(runtime.sessions) as session:
        for row in machine.list_clients(session):
            last = f"{row.last_token_at:%Y-%m-%d %H:%M}Z" if row.last_token_at else "-"
            state = "active" if row.active else "revoked"
            base.console.print(
                f"{row.client_id}\t{row.department_code}\t{row.name}\t{row.scopes}\t{state}\t{last}"
            )


@clients.command("revoke")
def clients_revoke(client_id: Annotated[str, typer.Argument()]) -> None:
    """Switch a client off; its tokens stop working at once."""
    runtime = base.runtime()
    try:
        with unit_of_work(runtime.sessions) as session:
            machine.revoke_client(session, client_id=client_id, actor=base.OPERATOR, now=utcnow())
    except DomainError as error:
        base.fail(error)
    base.console.print(f"已停用 {client_id}")


@webhooks.command("add")
def webhooks_add(
    department: Annotated[str, typer.Option(help="Department code")],
    url: Annotated[str, typer.Option(help="The receiver's http(s) address")],
    event: Annotated[list[str], typer.Option(help=f"One of {', '.join(hooks.EVENTS)}; repeat")],
) -> None:
    """Subscribe an address to events; the signing secret is printed once."""
    runtime = base.runtime()
    try:
        with unit_of_work(runtime.sessions) as session:
            row, secret = hooks.subscribe(
                session,
                department_code=department,
                url=url,
                events=event,
                actor=base.OPERATOR,
                now=utcnow(),
            )
            subscription_id = row.id
    except DomainError as error:
        base.fail(error)
        return
    base.console.print(f"id={subscription_id}\nsecret={secret}")


@webhooks.command("list")
def webhooks_list() -> None:
    """Every subscription."""
    runtime = base.runtime()
    with reading_session(runtime.sessions) as session:
        for row in hooks.list_subscriptions(session):
            state = "active" if row.active else "stopped"
            base.console.print(f"{row.id}\t{row.department_code}\t{row.url}\t{row.events}\t{state}")


@webhooks.command("remove")
def webhooks_remove(subscription_id: Annotated[int, typer.Argument()]) -> None:
    """Stop sending to a subscription."""
    runtime = base.runtime()
    try:
        with unit_of_work(runtime.sessions) as session:
            hooks.unsubscribe(
                session, subscription_id=subscription_id, actor=base.OPERATOR, now=utcnow()
            )
    except DomainError as error:
        base.fail(error)
    base.console.print(f"已停止推送 {subscription_id}")


@webhooks.command("deliveries")
def webhooks_deliveries(subscription_id: Annotated[int, typer.Argument()]) -> None:
    """The subscription's latest deliveries: event, state, attempts, last error."""
    runtime = base.runtime()
    with reading_session(runtime.sessions) as session:
        for view in hooks.deliveries(session, subscription_id=subscription_id):
            row = view.delivery
            base.console.print(
                f"{row.event_id}\t{row.event_type}\t{view.state}\t{view.attempts}"
                f"\t{view.last_error or ''}"
            )
