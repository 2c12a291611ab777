"""``tongban experts``: the expert register (专家库), as the register page keeps it."""

from __future__ import annotations

from typing import Annotated

import typer

from tongban.cli import base
from tongban.db import unit_of_work
from tongban.errors import DomainError
from tongban.experts import service as experts
from tongban.experts.enums import Field
from tongban.timeutil import utcnow

app = typer.Typer(help="The expert register (专家库).", no_args_is_help=True)

Fields = Annotated[list[Field], typer.Option("--field", help="Repeat for several fields")]
Employer = Annotated[str, typer.Option(help="Employer (工作单位)")]
CreditCode = Annotated[
    str, typer.Option(help="Employer's unified social credit code: its cases are not drawn")
]
Phone = Annotated[str, typer.Option(help="Mobile phone")]


@app.command("list")
def list_experts(
    field: Annotated[Field | None, typer.Option(help="Only the active experts of a field")] = None,
) -> None:
    """The register: id, account, name, fields, employer, whether drawn."""
    with unit_of_work(base.runtime().sessions) as session:
        for e in experts.list_experts(session, field=field):
            state = "参与抽取" if e.active else "暂停抽取"
            typer.echo(
                f"{e.id}\t{e.user.username}\t{e.name}\t{','.join(e.fields)}\t{e.employer}\t{state}"
            )


@app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="An account with the expert role only")],
    field: Fields,
    employer: Employer,
    credit_code: CreditCode = "",
    phone: Phone = "",
) -> None:
    """Put an expert account in the register (audited)."""
    entry = experts.Entry([f.value for f in field], employer, credit_code, phone)
    try:
        with unit_of_work(base.runtime().sessions) as session:
            expert = experts.register(
                session, username=username, entry=entry, actor=base.OPERATOR, now=utcnow()
            )
            number = expert.id
    except DomainError as error:
        base.fail(error)
    base.console.print(f"已入库：专家 {number} ({username})")


@app.command("update")
def update(
    expert_id: Annotated[int, typer.Argument(help="The expert's number in the register")],
    field: Fields,
    employer: Employer,
    credit_code: CreditCode = "",
    phone: Phone = "",
    active: Annotated[bool, typer.Option("--active/--inactive", help="Drawn or not")] = True,
) -> None:
    """Change an expert's entry, or take them off the draw (audited)."""
    entry = experts.Entry([f.value for f in field], employer, credit_code, phone)
    try:
        with unit_of_work(base.runtime().sessions) as session:
            experts.update(
                session,
                expert_id=expert_id,
                entry=entry,
                active=active,
                actor=base.OPERATOR,
                now=utcnow(),
            )
    except DomainError as error:
        base.fail(error)
    base.console.print(f"已保存：专家 {expert_id}")
