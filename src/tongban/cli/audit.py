"""``tongban audit``: checking the tamper-evident audit trail."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from tongban.audit import verify as chain
from tongban.cli import base
from tongban.db import reading_session

app = typer.Typer(help="The audit trail (审计日志).", no_args_is_help=True)

AnchorOption = Annotated[
    list[str] | None,
    typer.Option("--anchor", help="A head once logged, SEQ:HASH (may be given again)."),
]
AnchorLog = Annotated[
    Path | None,
    typer.Option(
        "--anchors-from",
        exists=True,
        dir_okay=False,
        help="A log of the worker (JSON or console lines) whose audit.anchor lines are checked; "
        "exit 2 if it holds none.",
    ),
]


@app.command("verify")
def verify_command(anchor: AnchorOption = None, anchors_from: AnchorLog = None) -> None:
    """Check the whole hash chain; name the first broken entry and exit 1 if there is one."""
    try:
        anchors = [chain.parse_anchor(text) for text in anchor or []]
    except ValueError as error:
        base.console.print(f"[red]锚点格式有误 / bad anchor:[/red] {error}")
        raise typer.Exit(2) from None
    if anchors_from:
        with anchors_from.open(encoding="utf-8", errors="replace") as lines:
            logged = chain.anchors_in_log(lines)
        if not logged:  # checking nothing must not read as a pass
            base.console.print(
                f"[red]日志中没有审计锚点 / no audit anchors in {anchors_from}[/red]: 请给出"
                "运行 worker（或内嵌 worker 的 serve）的进程日志，锚点行为 audit.anchor；"
                "give the log of a process that ran the worker (its audit.anchor lines).",
                soft_wrap=True,
            )
            raise typer.Exit(2)
        anchors += logged
    runtime = base.runtime()
    session = reading_session(runtime.sessions)
    try:
        total = chain.count_entries(session)
        with Progress(console=base.console, transient=True) as bar:
            task = bar.add_task("校验审计链 (verifying)", total=total)
            report = chain.verify_chain(
                session, anchors=anchors, progress=lambda n: bar.advance(task, n)
            )
    finally:
        session.close()
    if report.broken:
        where = report.broken
        base.console.print(
            f"[red]审计链已被破坏 / audit chain broken[/red] at entry seq={where.seq} "
            f"id={where.entry_id}: {where.reason} ({report.checked} entries verified before it)",
            soft_wrap=True,
        )
        raise typer.Exit(1)
    base.console.print(
        f"审计链完好 / audit chain intact: {report.checked} entries, "
        f"{report.anchors_checked} anchors, head {report.head_seq}:{report.head_hash}",
        soft_wrap=True,
    )
