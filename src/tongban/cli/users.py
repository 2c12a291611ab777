"""``tongban users``: staff accounts."""

from __future__ import annotations

from typing import Annotated

import typer

from tongban.accounts import service as accounts
from tongban.accounts.enums import Role
from tongban.accounts.passwords import check_new_password
from tongban.accounts.schemas import StaffCreate
from tongban.cli import base
from tongban.db import unit_of_work
from tongban.errors import DomainError

app = typer.Typer(help="Staff accounts.", no_args_is_help=True)


@app.command("create")
def users_create(
    username: Annotated[str, typer.Option()],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    name: Annotated[str, typer.Option(help="Display name")],
    role: Annotated[list[Role], typer.Option(help="Repeat for several roles")],
    department: Annotated[str | None, typer.Option(help="Department code")] = None,
) -> None:
    """Create a staff account (the password must meet TONGBAN_PASSWORD_POLICY)."""
    runtime = base.runtime()
    try:
        own = [username, name]
        check_new_password(password, policy=runtime.settings.password_policy, user_inputs=own)
        with unit_of_work(runtime.sessions) as session:
            data = StaffCreate(
                username=username,
                password=password,
                display_name=name,
                department_code=department,
                roles=role,
            )
            accounts.create_staff(session, data=data)
    except DomainError as error:
        base.fail(error)
    base.console.print(f"已创建 {username}")
