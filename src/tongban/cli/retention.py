"""``tongban retention``: purging the personal data of cases past the retention period."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import Progress

from tongban.audit.service import Actor
from tongban.cli import base
from tongban.db import reading_session
from tongban.privacy import retention
from tongban.privacy import service as privacy
from tongban.timeutil import utcnow

app = typer.Typer(help="Retention of personal data (保存期限).", no_args_is_help=True)


@app.command("purge")
def purge_command(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only count what is due.")] = False,
) -> None:
    """Purge the personal data of cases closed more than TONGBAN_RETENTION_YEARS ago."""
    runtime = base.runtime()
    settings, now = runtime.settings, utcnow()
    years = settings.retention_years
    with reading_session(runtime.sessions) as session:
        due = privacy.count_due(session, now=now, years=years)
    before = retention.cutoff(now, years=years)
    if dry_run:
        base.console.print(
            f"到期办件 / cases due: {due} (closed before {before:%Y-%m-%d}, {years} years); "
            "nothing changed (--dry-run)"
        )
        return
    with Progress(console=base.console, transient=True) as bar:
        task = bar.add_task("清除 (purging)", total=due)
        purged = privacy.purge_due(
            runtime.sessions,
            store=runtime.store,
            now=now,
            years=years,
            batch=settings.retention_batch,
            actor=Actor(id=None, name="tongban retention purge"),
            progress=lambda n: bar.advance(task, n),
        )
    base.console.print(
        f"已清除 / purged: {len(purged.numbers)} cases, {len(purged.files)} files "
        f"(closed before {before:%Y-%m-%d})"
    )
