"""``tongban halls``: the service halls' self-service terminals."""

from __future__ import annotations

from typing import Annotated

import typer

from tongban.cli import base
from tongban.db import unit_of_work
from tongban.errors import DomainError
from tongban.queueing import service as queueing
from tongban.timeutil import utcnow

app = typer.Typer(
    help="Service halls (政务服务大厅) and their kiosk terminals.", no_args_is_help=True
)


@app.command("kiosk-terminal")
def kiosk_terminal_command(
    hall: Annotated[str, typer.Argument(help="The hall's code, e.g. FZ-HALL")],
    name: Annotated[str, typer.Argument(help="The terminal's name, e.g. 一楼东侧")],
) -> None:
    """Register a kiosk terminal (audited; as on /ops/kiosk-terminals, where it can be
    revoked): prints its set-up address, to open once on the terminal; the token in it
    is shown only here."""
    runtime = base.runtime()
    try:
        with unit_of_work(runtime.sessions) as session:
            terminal, token = queueing.register_terminal(
                session, hall_code=hall, name=name, now=utcnow(), actor=base.OPERATOR
            )
            hall_code = terminal.hall_code
    except DomainError as error:
        base.fail(error)
    address = f"{runtime.settings.public_address}/kiosk/{hall_code}?terminal={token}"
    base.console.print(f"设置地址 / set-up address: {address}", soft_wrap=True)
