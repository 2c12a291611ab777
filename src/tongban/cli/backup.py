"""``tongban backup``: a copy of the database and the file store, and putting it back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from tongban import backup
from tongban.cli import base

app = typer.Typer(help="Backup and restore (备份与恢复).", no_args_is_help=True)
Folder = Annotated[Path, typer.Argument(help="The backup folder.")]


def _bar(progress: Progress) -> backup.Progress:
    tasks = {what: progress.add_task(what, total=None) for what in ("database", "files")}
    return lambda what, n: progress.advance(tasks[what], n)


@app.command("create")
def create_command(
    path: Folder,
    logical: Annotated[
        bool, typer.Option(help="A logical dump even on SQLite (JSON lines, any database).")
    ] = False,
) -> None:
    """Back up the database and the file store into PATH (new or empty); exit 1 on failure."""
    runtime = base.runtime()
    try:
        with Progress(console=base.console, transient=True) as progress:
            manifest = backup.create(
                engine=runtime.engine,
                store=runtime.settings.file_store_path,
                target=path,
                logical=logical,
                progress=_bar(progress),
            )
    except backup.BackupError as error:
        base.console.print(f"[red]备份失败 / backup failed:[/red] {error}", soft_wrap=True)
        raise typer.Exit(1) from None
    rows = sum(manifest.tables.values())
    base.console.print(
        f"备份完成 / backup written: {path} ({manifest.kind}, revision {manifest.revision}, "
        f"{rows} rows, {len(manifest.files) - 1} files)",
        soft_wrap=True,
    )


@app.command("restore")
def restore_command(
    path: Folder,
    replace: Annotated[
        bool, typer.Option(help="Empty a database that holds data before restoring.")
    ] = False,
) -> None:
    """Restore PATH into the configured database and file store (stop the server first);
    checksums are checked before anything changes; exit 1 on failure."""
    settings = base.load_settings()
    try:
        with Progress(console=base.console, transient=True) as progress:
            manifest = backup.restore(
                source=path,
                url=settings.database_url,
                store=settings.file_store_path,
                replace=replace,
                progress=_bar(progress),
            )
    except backup.BackupError as error:
        base.console.print(f"[red]恢复失败 / restore failed:[/red] {error}", soft_wrap=True)
        raise typer.Exit(1) from None
    base.console.print(
        f"恢复完成 / restored: {sum(manifest.tables.values())} rows, "
        f"{len(manifest.files) - 1} files, revision {manifest.revision}",
        soft_wrap=True,
    )
