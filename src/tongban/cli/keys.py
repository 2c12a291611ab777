"""``tongban keys``: the data keys that seal personal data at rest."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import Progress
from sqlalchemy import select

from tongban.audit.service import Actor
from tongban.cli import base
from tongban.db import reading_session
from tongban.pii.models import DataKey
from tongban.privacy import service as privacy
from tongban.timeutil import utcnow

app = typer.Typer(help="Data keys of personal data at rest (数据加密密钥).", no_args_is_help=True)


@app.command("status")
def status_command() -> None:
    """List the data keys: id, cipher, state, master-key fingerprint, created."""
    runtime = base.runtime()
    with reading_session(runtime.sessions) as session:
        for key in session.scalars(select(DataKey).order_by(DataKey.created_at)):
            base.console.print(
                f"{key.id}  {key.algorithm:<12} {key.state:<9} kek={key.kek_id}  "
                f"{key.created_at:%Y-%m-%d %H:%M}"
            )


@app.command("rotate")
def rotate_command(
    batch: Annotated[int, typer.Option(help="Rows re-encrypted per transaction.")] = 500,
) -> None:
    """Re-wrap data keys under the current master key, make a new data key active and
    re-encrypt every sealed value under it, in batches; resumable, no downtime."""
    runtime = base.runtime()
    with reading_session(runtime.sessions) as session:
        totals = privacy.count_rows(session)
    actor = Actor(id=None, name="tongban keys rotate")
    started = utcnow()
    with Progress(console=base.console, transient=True) as bar:
        task = bar.add_task("重新加密 (re-encrypting)", total=sum(totals.values()))
        report = privacy.rotate(
            runtime.sessions,
            now=started,
            actor=actor,
            algorithm=runtime.settings.data_cipher,
            batch=batch,
            progress=lambda _label, n: bar.advance(task, n),
        )
    seconds = max((utcnow() - started).total_seconds(), 1e-6)
    base.console.print(
        f"密钥轮换完成 / rotated: active key {report.active}"
        f"{' (new)' if report.started_new_key else ' (resumed)'}, {report.rewrapped} keys "
        f"re-wrapped, {report.total} values re-encrypted ({report.total / seconds:.0f}/s), "
        f"retired: {', '.join(report.retired) or '-'}",
        soft_wrap=True,
    )


@app.command("rotate-lookup")
def rotate_lookup_command(
    batch: Annotated[int, typer.Option(help="Rows re-keyed per transaction.")] = 500,
) -> None:
    """Re-key every stored lookup hash from TONGBAN_LOOKUP_KEY_PREVIOUS to TONGBAN_LOOKUP_KEY,
    in batches; resumable, lookups match either key meanwhile (docs/security.md)."""
    runtime = base.runtime()
    with reading_session(runtime.sessions) as session:
        total = privacy.count_lookup_rows(session)
    started = utcnow()
    try:
        with Progress(console=base.console, transient=True) as bar:
            task = bar.add_task("重新计算查询散列 (re-keying)", total=total)
            report = privacy.rotate_lookup_key(
                runtime.sessions,
                now=started,
                actor=Actor(id=None, name="tongban keys rotate-lookup"),
                batch=batch,
                progress=lambda n: bar.advance(task, n),
            )
    except privacy.NoPreviousKey as error:
        base.console.print(f"{error.message_zh} / {error.message_en}", soft_wrap=True)
        raise typer.Exit(2) from None
    base.console.print(
        f"查询密钥轮换完成 / lookup key rotated: {report.identifiers} identifiers known, "
        f"{report.total} hashes re-keyed, {report.left} untranslated "
        f"({', '.join(f'{k} {n}' for k, n in report.untranslated.items() if n) or '-'})",
        soft_wrap=True,
    )
