"""What every command shares: the console, the runtime, and how a domain error ends one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from tongban.config import get_settings
from tongban.errors import DomainError
from tongban.logs import configure
from tongban.models import load_all
from tongban.web.runtime import Runtime

console = Console(stderr=True)
CatalogPath = Annotated[
    Path, typer.Option("--path", help="Catalog folder (departments.yaml, items/, bundles/)")
]


def runtime() -> Runtime:
    """The runtime of the configured settings, every domain's tables loaded."""
    load_all()  # every domain's tables, so relationships by name resolve
    settings = get_settings()
    configure(json=settings.log_json)
    return Runtime.from_settings(settings)


def fail(error: DomainError) -> None:
    """Print a domain error in both languages and exit with code 2."""
    console.print(f"[red]错误：{error.message_zh}[/red] ({error.message_en})")
    for detail in error.details:
        console.print(f"  - {detail.get('message_zh', detail)}")
    raise typer.Exit(2)
