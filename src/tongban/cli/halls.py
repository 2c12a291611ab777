"""``tongban halls``: the service halls' self-service terminals."""

from __future__ import annotations

from typing import Annotated

import typer

from tongban.cli import base
from tongban.db import reading_session
from tongban.queueing import service as queueing

app = typer.Typer(
    help="Service halls (政务服务大厅) and their kiosk terminals.", no_args_is_help=True
)


@app.command("kiosk-terminal")
def kiosk_terminal_command(
    hall: Annotated[str, typer.Argument(help="The hall's code, e.g. FZ-HALL")],
    name: Annotated[str, typer.Argument(help="The terminal's name, e.g. 一楼东侧")],
) -> None:
    """Register a kiosk terminal: prints its set-up address (open it once on the terminal)
    and the entry to add to TONGBAN_KIOSK_TERMINALS; the token is shown only here."""
    runtime = base.runtime()
    with reading_session(runtime.sessions) as session:
        queueing.hall_of(session, hall)
    try:
        token, entry = queueing.new_terminal(hall, name)
    except ValueError as error:
        base.console.print(str(error))
        raise typer.Exit(2) from None
    base.console.print(f"设置地址 / set-up address: /kiosk/{hall}?terminal={token}", soft_wrap=True)
    base.console.print(f"TONGBAN_KIOSK_TERMINALS 中加入 / add to it: {entry}", soft_wrap=True)
