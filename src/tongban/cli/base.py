"""What every command shares: the console, the runtime, and how a domain error ends one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tongban.audit.service import platform_actor
from tongban.config import Settings, get_settings
from tongban.errors import DomainError
from tongban.logs import configure
from tongban.migrate import schema_behind
from tongban.models import load_all
from tongban.web.runtime import Runtime

console = Console(stderr=True)
OPERATOR = platform_actor("运维命令")  # who the audit log names for a command's change
CatalogPath = Annotated[
    Path, typer.Option("--path", help="Catalog folder (departments.yaml, items/, bundles/)")
]


UNBOUNDED = 10_000  # columns: a table printed to a pipe or a file is never cut


def print_whole(table: Table) -> None:
    """Print ``table`` on the console; piped or from cron (not a terminal) every value in
    full on its line instead of cut to ``…`` at 80 columns (a terminal keeps its width)."""
    if console.is_terminal:
        console.print(table)
        return
    kept = console.width
    console.width = UNBOUNDED  # print's own width is capped at the console's
    try:
        console.print(table)
    finally:
        console.width = kept


def load_settings() -> Settings:
    """The settings, or one line per problem and exit code 2 (never a traceback)."""
    try:
        return get_settings()
    except ValidationError as error:
        for problem in error.errors():
            where = "TONGBAN_" + "_".join(str(part) for part in problem["loc"]).upper()
            message = str(problem["msg"]).removeprefix("Value error, ")
            console.print(
                f"[red]设置有误 / bad setting:[/red] {where if problem['loc'] else ''} {escape(message)}",
                soft_wrap=True,
            )
        raise typer.Exit(2) from None


def runtime(*, schema: bool = True) -> Runtime:
    """The runtime of the configured settings, every domain's tables loaded.

    With ``schema`` (every command but those that make the schema) a database that was
    never migrated, or is behind this version, ends the command with what to run first
    (exit code 2), never a traceback about a missing table."""
    load_all()  # every domain's tables, so relationships by name resolve
    settings = load_settings()
    configure(json=settings.log_json)
    made = Runtime.from_settings(settings)
    problem = schema_behind(made.engine) if schema else None
    if problem:
        console.print(
            f"[red]{escape(problem)}[/red]\n请先运行 tongban migrate（演示库：tongban demo "
            "--cases 0）(run `tongban migrate` first; for a demo database `tongban demo`).",
            soft_wrap=True,
        )
        raise typer.Exit(2)
    return made


def fail(error: DomainError) -> None:
    """Print a domain error in both languages and exit with code 2."""
    console.print(f"[red]错误：{escape(error.message_zh)}[/red] ({escape(error.message_en)})")
    for detail in error.details:
        zh, en = detail.get("message_zh", detail), detail.get("message_en")
        console.print(f"  - {zh}" + (f" ({en})" if en and en != zh else ""), markup=False)
    raise typer.Exit(2)
