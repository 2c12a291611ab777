"""Proactive benefits (免申即享): ``tongban benefits run POLICY --period 2026-11`` finds
everyone a policy covers in a month and tells (or grants) them; ``tongban benefits list``
shows the policies.

Exit codes: 0 done (a rerun of the same period tells nobody again, and is 0 too);
2 a wrong policy code or period, or settings that do not load.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import Progress

from tongban.benefits import service as benefits
from tongban.cli import base
from tongban.db import unit_of_work
from tongban.errors import DomainError
from tongban.timeutil import utcnow

app = typer.Typer(
    help="Proactive benefits (免申即享): run a policy over a month.", no_args_is_help=True
)


@app.command("list")
def list_policies() -> None:
    """Every published proactive policy: code, name, how it grants, its conditions."""
    runtime = base.runtime()
    with runtime.sessions() as session:
        for policy in benefits.list_policies(session):
            way = "一键确认" if policy.grant == "accept" else "无需操作直接发放"
            titles = "、".join(str(c["title"]) for c in policy.conditions)
            base.console.print(f"{policy.code}  {policy.name}  [{way}]  {titles}", soft_wrap=True)


@app.command("run")
def run(
    policy: Annotated[str, typer.Argument(help="The proactive item's code, e.g. 3501-MZ-002")],
    period: Annotated[str, typer.Option(help="The month to run over, YYYY-MM (e.g. 2026-11)")],
) -> None:
    """Find everyone POLICY covers in PERIOD and tell them (or grant with no action).

    Idempotent: nobody is offered or told twice for the same policy and period.
    """
    runtime = base.runtime()
    try:
        month = benefits.Period.parse(period)
        with Progress(console=base.console, transient=True) as progress:
            bar = progress.add_task(f"{policy} {month.label} 比对", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(bar, completed=done, total=total)

            with unit_of_work(runtime.sessions) as session:
                done = benefits.run_policy(
                    session,
                    code=policy,
                    period=month,
                    actor=base.OPERATOR,
                    now=utcnow(),
                    store=runtime.store,
                    progress=advance,
                )
                summary = (
                    f"{policy} {month.label}：比对 {done.searched}，符合条件 {done.eligible}，"
                    f"新发现 {done.new_offers}，通知 {done.notified}，发放 {done.granted}，"
                    f"尚无账号 {done.without_account}（短信 {done.texted}），无法判断 {done.undetermined}"
                )
    except DomainError as error:
        base.fail(error)
    base.console.print(summary, soft_wrap=True)
